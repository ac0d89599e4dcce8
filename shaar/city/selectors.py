from __future__ import annotations

from shaar.lib.memo import Memo

from .geo import find_containing
from .models import District

# Every report and proposal with a point looks its district up: the boundaries are read
# once a minute per process, not parsed from JSON on each request (shaar.lib.memo).
_districts = Memo(lambda: list(District.objects.filter(boundary__isnull=False)),
                  models=(District,))


def district_for_point(*, lat: float, lon: float) -> District | None:
    """The district whose boundary contains the point, or None outside the city."""
    return find_containing(_districts.get(), lon, lat)
