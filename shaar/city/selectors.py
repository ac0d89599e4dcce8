from __future__ import annotations

from shaar.lib.memo import Memo

from .addresses import distance_m, house_sort_key, parse_query
from .geo import find_containing
from .models import Address, District

# Every report and proposal with a point looks its district up: the boundaries are read
# once a minute per process, not parsed from JSON on each request (shaar.lib.memo).
_districts = Memo(lambda: list(District.objects.filter(boundary__isnull=False)),
                  models=(District,))


def district_for_point(*, lat: float, lon: float) -> District | None:
    """The district whose boundary contains the point, or None outside the city."""
    return find_containing(_districts.get(), lon, lat)


def address_search(query: str, *, limit: int = 8) -> list[Address]:
    """Addresses matching what a person typed, streets in order, house numbers in order."""
    found = list(Address.objects.matching(query[:200]).select_related("district")[:200])
    found.sort(key=lambda a: (a.street_ru, *house_sort_key(a)))
    return found[:limit]


def address_best(query: str) -> Address | None:
    """The one address a free-text address string names, or None when it names none or
    several (an Open311 `address_string`, a letter typed in by staff)."""
    words, number = parse_query(query)
    if not number:
        return None
    matches = [a for a in Address.objects.matching(query[:200]).select_related("district")[:20]
               if a.house_key == number]
    if len(matches) > 1:  # "Чуй 12" names Chui Avenue 12 rather than Chuikov Street 12
        matches = [a for a in matches if all(f" {w} " in f"{a.search_key} " for w in words)]
    return matches[0] if len(matches) == 1 else None


# About 200 m either way at Bishkek's latitude: the box the nearest address is looked for in.
NEAREST_BOX_DEGREES = 0.002


def address_nearest(*, lat: float, lon: float, within_m: float = 150) -> Address | None:
    """The register's address nearest the point, if one is within `within_m` metres."""
    d = NEAREST_BOX_DEGREES
    candidates = Address.objects.filter(lat__range=(lat - d, lat + d),
                                        lon__range=(lon - d * 1.4, lon + d * 1.4))
    best = min(candidates, key=lambda a: distance_m(lat, lon, a.lat, a.lon), default=None)
    if best is None or distance_m(lat, lon, best.lat, best.lon) > within_m:
        return None
    return best
