from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplanConfig(AppConfig):
    name = "shaar.actionplan"
    verbose_name = _("OGP action plan")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models import Q

        from shaar.accounts import seats
        from shaar.web.registry import NavItem, register_home, register_nav

        from . import models
        from .home import home_cards

        register_nav(NavItem(_("Open government"), "actionplan:home", order=60))
        register_home(home_cards, order=60)
        for model in (models.ActionPlan, models.PlanDocument, models.Commitment,
                      models.Milestone, models.ProgressUpdate, models.Evidence,
                      models.Assessment, models.PlanMonitor, models.Contribution,
                      models.BoardMember, models.Meeting, models.Attendance, models.Decision,
                      models.MeetingDocument):
            auditlog.register(model)
        seats.register(models.PlanMonitor, lambda: Q(ogp_monitoring__active=True))
        # A member whose term has not ended (a future term counts: they prepare for it).
        seats.register(models.BoardMember, lambda: Q(ogp_board_seats__isnull=False) & (
            Q(ogp_board_seats__term_end__isnull=True)
            | Q(ogp_board_seats__term_end__gte=models.city_today())))
