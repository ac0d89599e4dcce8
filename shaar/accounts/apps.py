from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shaar.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.User, exclude_fields=["password", "last_login"])
        auditlog.register(models.RoleAssignment)
        auditlog.register(models.Verification)
