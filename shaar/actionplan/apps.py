from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def home_cards(request):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from shaar.web.registry import HomeCard

    from .models import ActionPlan

    plan = ActionPlan.objects.filter(status=ActionPlan.Status.CONSULTATION).order_by(
        "-start_date").first()
    if plan is not None:
        return [HomeCard(title=plan.title, url=reverse("actionplan:plan", args=[plan.code]),
                         text=_("Comment on the draft commitments of the open government "
                                "action plan, or propose your own idea."),
                         label=_("Public consultation"), is_sample=plan.is_sample)]
    plan = ActionPlan.objects.filter(status__in=[ActionPlan.Status.ADOPTED,
                                                 ActionPlan.Status.IMPLEMENTATION]).order_by(
        "-start_date").first()
    if plan is not None:
        return [HomeCard(title=plan.title, url=reverse("actionplan:dashboard"),
                         text=_("Follow the progress of the city's open government "
                                "commitments."),
                         label=plan.get_status_display(), is_sample=plan.is_sample)]
    return []


class ActionplanConfig(AppConfig):
    name = "shaar.actionplan"
    verbose_name = _("OGP action plan")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models import Q

        from shaar.accounts import seats
        from shaar.web.registry import NavItem, register_home, register_nav

        from . import models

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
