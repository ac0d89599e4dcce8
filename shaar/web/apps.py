from django.apps import AppConfig
from django.db.models import fields
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "shaar.web"
    verbose_name = _("Site")

    def ready(self) -> None:
        # Load the Celery app with Django, so @shared_task uses its configuration.
        from shaar import celery  # noqa: F401

        # The empty choice of every select box built from a model field or a ChoiceField
        # (Django 6.1's "- Select an option -", which Django's ky and ru catalogues do not
        # translate): our own words, translated in this app's catalogues. Django reads it
        # at each use, so setting it here is enough (its comment invites this).
        fields.BLANK_CHOICE_LABEL = _("Choose…")
