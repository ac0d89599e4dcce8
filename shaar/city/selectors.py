from __future__ import annotations

from .geo import find_containing
from .models import District


def district_for_point(*, lat: float, lon: float) -> District | None:
    """The district whose boundary contains the point, or None outside the city."""
    return find_containing(District.objects.filter(boundary__isnull=False), lon, lat)
