"""Factories for feedback tests."""

from __future__ import annotations

import io
import itertools

from PIL import Image

from shaar.city.models import District

from ..actions import report_create
from ..models import Category, Question, Report, RoutingRule

_n = itertools.count(1)


def make_category(code: str | None = None, *, ack: int = 24, resolve: int = 240,
                  **fields) -> Category:
    code = code or f"cat-{next(_n)}"
    return Category.objects.create(code=code, name_ky=f"{code} ky", name_ru=f"{code} ru",
                                   name_en=f"{code} en", target_hours_acknowledge=ack,
                                   target_hours_resolve=resolve, **fields)


def make_question(category: Category, code: str, datatype: str = "string", *,
                  required: bool = False, values=()) -> Question:
    return Question.objects.create(
        category=category, code=code, datatype=datatype, required=required,
        label_ky=code, label_ru=code, label_en=code,
        values=[{"key": k, "name_en": k} for k in values])


def make_rule(category: Category, *, district: District | None = None, department=None,
              organisation=None) -> RoutingRule:
    return RoutingRule.objects.create(category=category, district=district,
                                      department=department, organisation=organisation)


def centre(district: District) -> tuple[float, float]:
    assert district.boundary is not None
    ring = district.boundary["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


def make_report(category: Category, district: District, **fields) -> Report:
    lat, lon = centre(district)
    defaults = {"description": "A deep pothole", "lat": lat, "lon": lon}
    return report_create(category=category, **{**defaults, **fields})


def image_bytes(fmt: str = "JPEG", size=(64, 48), exif_gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 50, 50))
    out = io.BytesIO()
    kwargs = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        gps = {1: "N", 2: (42.0, 52.0, 30.0), 3: "E", 4: (74.0, 36.0, 10.0)}
        exif[0x8825] = gps
        kwargs["exif"] = exif
    image.save(out, fmt, **kwargs)
    return out.getvalue()
