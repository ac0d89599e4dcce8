"""Point-in-polygon lookups on GeoJSON boundaries, without a GIS database.

Four to a few dozen districts per city make a linear scan with ray casting fast enough
(microseconds per district), and keep SQLite and PostgreSQL on the same code path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Ring = Sequence[Sequence[float]]


class HasBoundary(Protocol):
    boundary: dict[str, Any] | None


def _point_in_ring(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(geometry["type"])


def contains(geometry: dict[str, Any], lon: float, lat: float) -> bool:
    """True if (lon, lat) lies inside the Polygon/MultiPolygon (holes excluded)."""
    for outer, *holes in _polygons(geometry):
        if _point_in_ring(lon, lat, outer) and not any(
            _point_in_ring(lon, lat, hole) for hole in holes
        ):
            return True
    return False


def find_containing[T: HasBoundary](items: Iterable[T], lon: float, lat: float) -> T | None:
    for item in items:
        if item.boundary and contains(item.boundary, lon, lat):
            return item
    return None


def validate_point(lat: float, lon: float) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError(_("The coordinates are outside the valid range."))


def validate_geometry(geometry: Any) -> None:
    """Refuse anything but a well-formed GeoJSON Polygon or MultiPolygon."""
    try:
        for rings in _polygons(geometry):
            for ring in rings:
                if len(ring) < 4 or list(ring[0]) != list(ring[-1]):
                    raise ValueError("ring")
                for lon, lat in ring:
                    validate_point(float(lat), float(lon))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(
            _("The boundary must be a GeoJSON Polygon or MultiPolygon with closed rings.")
        ) from exc
