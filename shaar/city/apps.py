from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityConfig(AppConfig):
    name = "shaar.city"
    verbose_name = _("City")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (models.City, models.District, models.Department, models.Organisation):
            auditlog.register(model)
