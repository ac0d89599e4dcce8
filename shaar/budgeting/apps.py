from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "shaar.budgeting"
    verbose_name = _("Civic budget")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from shaar.web.registry import NavItem, register_home, register_nav

        from . import integrity, models
        from .home import home_cards

        # Staff-editable rows only. Ballots are never audit-logged (the actor would be the
        # voter); nor are voter marks and paper entries.
        for model in (models.Cycle, models.Proposal, models.Comment, models.Implementation,
                      models.Milestone, models.ProjectUpdate, models.PoolResult, models.Pool):
            auditlog.register(model)
        register_nav(NavItem(_("Civic budget"), "budgeting:index", order=10))
        register_nav(NavItem(_("Funded projects"), "budgeting:projects", order=11))
        register_home(home_cards, order=10)
        integrity.register()
