from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from shaar.city.models import City

from . import registry


def site(request: HttpRequest) -> dict:
    city = City.current()
    return {
        "city": city,
        "nav_items": registry.nav_items(),
        "show_sample_banner": city.demo_data_loaded and settings.DEMO_DATA_BANNER,
        "emergency_numbers": settings.EMERGENCY_NUMBERS,
        "source_code_url": settings.SOURCE_CODE_URL,
    }
