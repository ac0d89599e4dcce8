from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenbudgetConfig(AppConfig):
    name = "shaar.openbudget"
    verbose_name = _("Citizen's budget")
