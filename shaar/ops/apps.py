from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "shaar.ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401 (checks register themselves)

        signals.connect()
