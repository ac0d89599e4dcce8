from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    name = "shaar.providers"
    verbose_name = _("Service providers")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from shaar.web.registry import NavItem, register_home, register_nav

        from . import signals
        from .home import home_cards
        from .models import (
            ProviderProfile,
            ScorecardResponse,
            ServiceCategory,
            ServiceLevel,
            Survey,
        )

        register_nav(NavItem(_("Service providers"), "providers:ranking", order=30))
        register_home(home_cards, order=30)
        for model in (ProviderProfile, ServiceLevel, ScorecardResponse, ServiceCategory, Survey):
            auditlog.register(model)
        signals.connect_feedback()
