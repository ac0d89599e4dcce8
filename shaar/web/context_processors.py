from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.formats import get_format

from shaar.city.models import City

from . import registry


def site(request: HttpRequest) -> dict:
    city = City.current()
    return {
        "city": city,
        "nav_items": registry.nav_items(getattr(request, "user", None)),
        "show_sample_banner": city.demo_data_loaded and settings.DEMO_DATA_BANNER,
        "emergency_numbers": settings.EMERGENCY_NUMBERS,
        # For site.js: numbers written in JavaScript match the ones the server writes.
        "decimal_separator": get_format("DECIMAL_SEPARATOR"),
        "thousand_separator": get_format("THOUSAND_SEPARATOR"),
        "source_code_url": settings.SOURCE_CODE_URL,
    }
