from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "shaar.web"
    verbose_name = _("Site")

    def ready(self) -> None:
        # Load the Celery app with Django, so @shared_task uses its configuration.
        from shaar import celery  # noqa: F401
