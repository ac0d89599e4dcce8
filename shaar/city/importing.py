"""Reading and checking the city's address register and district boundaries before any row
is written: every problem is reported with its row (or feature) number, and nothing is
imported while one remains (the budget importer's pattern and its RowError)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.validation import explain_validity

from shaar.lib.tabular import FileFormatError, Row, RowError, read_csv

from .addresses import fold_house, transliterate

ADDRESS_COLUMNS = ("street_ky", "street_ru", "street_en", "house_number", "lat", "lon")
REQUIRED_ADDRESS_COLUMNS = ("street_ru", "house_number", "lat", "lon")

__all__ = ["CleanAddress", "CleanDistrict", "FileFormatError", "RowError", "check_addresses",
           "check_new_district_names", "read_addresses", "read_districts"]


@dataclass(frozen=True)
class CleanAddress:
    row: int
    street_ky: str
    street_ru: str
    street_en: str
    house_number: str
    lat: float
    lon: float


def read_addresses(data: bytes, file_name: str) -> tuple[list[str], Iterator[Row]]:
    """Header and rows of a CSV file or a GeoJSON FeatureCollection of points."""
    if file_name.lower().endswith((".geojson", ".json")) or data.lstrip()[:1] == b"{":
        return _read_geojson_points(data)
    return read_csv(data)


def _load_geojson(data: bytes) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileFormatError(_("The file is not valid GeoJSON: %(error)s")
                              % {"error": exc}) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise FileFormatError(_("The file is not a GeoJSON FeatureCollection."))
    return document


def _read_geojson_points(data: bytes) -> tuple[list[str], Iterator[Row]]:
    features = _load_geojson(data).get("features") or []

    def rows() -> Iterator[Row]:
        # Numbered from 1, as "feature 1" of the collection.
        for number, feature in enumerate(features, start=1):
            values = dict((feature or {}).get("properties") or {})
            geometry = (feature or {}).get("geometry") or {}
            coordinates = geometry.get("coordinates") if geometry.get("type") == "Point" else None
            lon, lat = coordinates[:2] if isinstance(coordinates, list) and len(coordinates) >= 2 \
                else ("", "")
            yield Row(number, {**values, "lat": lat, "lon": lon})

    return list(ADDRESS_COLUMNS), rows()


def check_addresses(header: list[str], rows: Iterable[Row]) -> tuple[list[CleanAddress],
                                                                     list[RowError]]:
    errors = [RowError(1, column, _("missing column"))
              for column in REQUIRED_ADDRESS_COLUMNS if column not in header]
    if errors:
        return [], errors
    clean: list[CleanAddress] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        address, row_errors = _check_address(row)
        if address is not None:
            key = (address.street_ru.casefold(), fold_house(address.house_number))
            if key in seen:
                row_errors.append(RowError(row.number, "house_number", _(
                    "the same address is already on row %(row)s") % {"row": seen[key]}))
            else:
                seen[key] = row.number
        if row_errors:
            errors.extend(row_errors)
        elif address is not None:
            clean.append(address)
    if not clean and not errors:
        errors.append(RowError(1, "", _("the file has no addresses")))
    return clean, errors


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _check_address(row: Row) -> tuple[CleanAddress | None, list[RowError]]:
    errors: list[RowError] = []
    values = {column: _text(row.values.get(column)) for column in ADDRESS_COLUMNS}
    for column in REQUIRED_ADDRESS_COLUMNS:
        if not values[column]:
            errors.append(RowError(row.number, column, _("empty")))
    for column, limit in (("street_ky", 200), ("street_ru", 200), ("street_en", 200),
                          ("house_number", 20)):
        if len(values[column]) > limit:
            errors.append(RowError(row.number, column, _("longer than %(limit)s characters")
                                   % {"limit": limit}))
    point = {}
    for column, bound in (("lat", 90), ("lon", 180)):
        if not values[column]:
            continue
        try:
            number = float(values[column].replace(",", "."))
        except ValueError:
            errors.append(RowError(row.number, column, _("not a number")))
            continue
        if not -bound <= number <= bound:
            errors.append(RowError(row.number, column, _("outside -%(bound)s…%(bound)s")
                                   % {"bound": bound}))
            continue
        point[column] = number
    if errors:
        return None, errors
    return CleanAddress(
        row=row.number, street_ky=values["street_ky"] or values["street_ru"],
        street_ru=values["street_ru"],
        street_en=values["street_en"] or transliterate(values["street_ru"]),
        house_number=values["house_number"], lat=point["lat"], lon=point["lon"]), []


# --- District boundaries ---------------------------------------------------------------------
@dataclass(frozen=True)
class CleanDistrict:
    code: str
    geometry: dict[str, Any]
    names: dict[str, str]  # name_ky/name_ru/name_en given in the file (may be empty)
    population: int | None
    row: int = 0  # the feature's number in the collection, from 1


@dataclass(frozen=True)
class Overlap:
    first: str
    second: str
    area_km2: float
    where: tuple[float, float]  # (lat, lon) of a point inside the overlap


def read_districts(data: bytes) -> tuple[list[CleanDistrict], list[RowError]]:
    """Polygon or MultiPolygon features with a `code` property; each must be a valid
    polygon (no self-intersection, closed rings)."""
    features = _load_geojson(data).get("features") or []
    clean: list[CleanDistrict] = []
    errors: list[RowError] = []
    codes: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        geometry = (feature or {}).get("geometry") or {}
        feature_errors: list[RowError] = []
        code = _text(properties.get("code"))
        if not code:
            feature_errors.append(RowError(number, "code", _("empty")))
        elif code in codes:
            feature_errors.append(RowError(number, "code", _(
                "the same code is already on feature %(row)s") % {"row": codes[code]}))
        else:
            codes[code] = number
        problem = _polygon_problem(geometry)
        if problem:
            feature_errors.append(RowError(number, "geometry", problem))
        population = _text(properties.get("population"))
        if population and not population.isdigit():
            feature_errors.append(RowError(number, "population", _("not a whole number")))
        if feature_errors:
            errors.extend(feature_errors)
            continue
        clean.append(CleanDistrict(
            code=code, geometry=geometry,
            names={f"name_{lang}": _text(properties.get(f"name_{lang}"))
                   for lang in ("ky", "ru", "en")},
            population=int(population) if population else None, row=number))
    if not features:
        errors.append(RowError(1, "", _("the file has no districts")))
    return clean, errors


def check_new_district_names(districts: list[CleanDistrict],
                             existing_codes: Iterable[str]) -> list[RowError]:
    """A district the city does not have yet is created from the file: it needs its name
    in Kyrgyz, Russian and English."""
    existing = set(existing_codes)
    return [RowError(district.row, column, _("empty: a new district needs its name in "
                                             "each language"))
            for district in districts if district.code not in existing
            for column in ("name_ky", "name_ru", "name_en") if not district.names[column]]


def _polygon_problem(geometry: dict[str, Any]) -> str:
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return _("not a Polygon or MultiPolygon")
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError):
        return _("coordinates are not a polygon")
    if polygon.is_empty:
        return _("empty polygon")
    west, south, east, north = polygon.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return _("coordinates outside longitude/latitude range")
    if not polygon.is_valid:
        return _("invalid polygon: %(reason)s") % {"reason": explain_validity(polygon)}
    return ""


def overlaps(districts: list[CleanDistrict]) -> list[Overlap]:
    """Every pair of districts that share more than a border (over 100 m²)."""
    shapes = [(d.code, shape(d.geometry)) for d in districts]
    found = []
    for i, (code_a, a) in enumerate(shapes):
        for code_b, b in shapes[i + 1:]:
            common = a.intersection(b)
            area = _km2(common)
            if area > 0.0001:
                point = common.representative_point()
                found.append(Overlap(code_a, code_b, round(area, 4),
                                     (round(point.y, 5), round(point.x, 5))))
    return found


def gaps(districts: list[CleanDistrict]) -> list[tuple[float, float, float]]:
    """Holes inside the city that no district covers: (lat, lon, km²) of each over 100 m²."""
    from shapely import union_all
    from shapely.geometry import Polygon

    union = union_all([shape(d.geometry) for d in districts])
    parts = getattr(union, "geoms", [union])
    found = []
    for part in parts:
        for ring in part.interiors:
            hole = Polygon(ring)
            area = _km2(hole)
            if area > 0.0001:
                point = hole.representative_point()
                found.append((round(point.y, 5), round(point.x, 5), round(area, 4)))
    return found


def _km2(geometry) -> float:
    """Area in km² of a small lon/lat geometry (scaled at its latitude)."""
    import math

    if geometry.is_empty:
        return 0.0
    lat = geometry.centroid.y
    return geometry.area * 111.32 ** 2 * math.cos(math.radians(lat))
