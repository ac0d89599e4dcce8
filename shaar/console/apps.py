from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The staff console (/manage/): thin pages over each app's actions, for the city's
    administrators and the roles they assign. Django's admin stays for superusers."""

    name = "shaar.console"
    verbose_name = _("Staff console")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from shaar.web.registry import NavItem, register_nav

        from . import models

        register_nav(NavItem(_("Staff console"), "console:home", order=90,
                             permission="console.open"))

        # Who imported what, and when; the row-level problems stay on the job itself.
        auditlog.register(models.ImportJob, include_fields=["kind", "status", "file_name",
                                                            "options", "result"])
