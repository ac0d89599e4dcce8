from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "shaar.grants"
    verbose_name = _("Community grants")
