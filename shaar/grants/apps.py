from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "shaar.grants"
    verbose_name = _("Community grants")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models import Q

        from shaar.accounts import seats
        from shaar.web.registry import NavItem, register_home, register_nav

        from . import models
        from .home import home_cards

        for model in (models.Call, models.RequiredDocument, models.Criterion,
                      models.Clarification, models.CommitteeMember, models.ApplicantProfile,
                      models.Membership, models.Application, models.ConflictDeclaration,
                      models.Evaluation, models.Score, models.Decision, models.Award,
                      models.Tranche, models.Report):
            auditlog.register(model)
        seats.register(models.CommitteeMember,
                       lambda: Q(grant_committees__isnull=False))
        register_nav(NavItem(_("Grants"), "grants:index", order=50))
        register_home(home_cards, order=50)
