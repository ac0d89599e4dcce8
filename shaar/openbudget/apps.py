from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenbudgetConfig(AppConfig):
    name = "shaar.openbudget"
    verbose_name = _("Citizen's budget")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from shaar.web.registry import NavItem, register_home, register_nav

        from . import rules  # noqa: F401
        from .home import home_cards
        from .models import AdminUnit, BudgetVersion, FiscalYear

        register_nav(NavItem(_("City budget"), "openbudget:index", order=40))
        register_home(home_cards, order=40)
        auditlog.register(AdminUnit)
        auditlog.register(FiscalYear)
        auditlog.register(BudgetVersion)
