from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "shaar.feedback"
    verbose_name = _("Citizen feedback")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from shaar.web.registry import NavItem, register_home, register_nav

        from . import models
        from .home import home_cards

        for model in (models.Category, models.Question, models.RoutingRule, models.Report,
                      models.Photo, models.ApiClient):
            auditlog.register(model)
        register_nav(NavItem(_("Report a problem"), "feedback:list", order=20))
        register_home(home_cards, order=20)
