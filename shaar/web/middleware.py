from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from shaar.city.models import City


class CityDefaultLanguageMiddleware:
    """When the browser states no language and none was chosen before, use the city's
    default language (set in the admin) rather than the LANGUAGE_CODE setting."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if (
            "HTTP_ACCEPT_LANGUAGE" not in request.META
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            request.META["HTTP_ACCEPT_LANGUAGE"] = City.current().default_language
        return self.get_response(request)


class CityTimeZoneMiddleware:
    """Show and read times on the city's clock (its time zone is set in the admin), so the
    pages' "(… time)" notes are true for any city, whatever the TIME_ZONE setting says."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        try:
            zone = City.current().zone
        except DatabaseError:
            # An outage: let the view meet it, so /healthz still reports and pages answer
            # 503 (shaar.ops); TIME_ZONE stays active meanwhile.
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)
