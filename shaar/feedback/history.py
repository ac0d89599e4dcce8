"""Reading and checking the city's past appeals (its hotline's and the state e-portal's
cases) before anything is written: CSV or XLSX with the columns

    date, channel, category, text, address, lat, lon, district, status, answer, closed_on

`date` (and `closed_on`, when the case was closed) is YYYY-MM-DD or DD.MM.YYYY, with an
optional time. `channel` and `status` are codes or their names in any language,
`category` its code or name, the place a point (`lat`, `lon`) or else the centre of
`district`. Row numbers match a spreadsheet's (the header is row 1).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from shaar.city.geo import validate_point
from shaar.city.models import District
from shaar.lib.tabular import RowError

from .models import Category, Channel, Status

COLUMNS = ["date", "channel", "category", "text", "address", "lat", "lon", "district",
           "status", "answer", "closed_on"]
REQUIRED = ["date", "channel", "category", "text", "status"]
MAX_TEXT = 4000
DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d", "%d.%m.%Y %H:%M", "%d.%m.%Y",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class PastAppeal:
    row: int
    created_at: datetime.datetime
    closed_at: datetime.datetime | None
    channel: str
    category: Category
    text: str
    address: str
    lat: float
    lon: float
    status: str
    answer: str
    district: District | None = None  # named by the file (no point given)


def _labels(choices) -> dict[str, str]:
    """Each choice by its code and by its label in every language, case-folded."""
    lookup = {}
    for value, label in choices:
        lookup[str(value).casefold()] = value
        for language in ("ky", "ru", "en"):
            with override(language):
                lookup[str(label).casefold()] = value
    return lookup


def _when(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time(12))
    else:
        text = str(value or "").strip()
        for pattern in DATE_FORMATS:
            try:
                moment = datetime.datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            return None
        if len(text) <= 10:
            moment = moment.replace(hour=12)  # a date alone: midday, so no day shifts
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _centre(district: District) -> tuple[float, float]:
    """A point inside a district for appeals recorded without one: its boundary's mean."""
    boundary = district.boundary
    assert boundary is not None  # a district that has a point has a boundary
    ring = boundary["coordinates"][0]
    if boundary.get("type") == "MultiPolygon":
        ring = ring[0]
    lon = sum(point[0] for point in ring) / len(ring)
    lat = sum(point[1] for point in ring) / len(ring)
    return lat, lon


class AppealChecker:
    def __init__(self) -> None:
        self.channels = _labels(Channel.choices)
        self.statuses = _labels(Status.choices)
        self.categories: dict[str, Category] = {}
        for category in Category.objects.all():
            for key in (category.code, category.name_ky, category.name_ru, category.name_en):
                if key:
                    self.categories.setdefault(key.strip().casefold(), category)
        self.districts: dict[str, District] = {}
        for district in District.objects.all():
            for key in (district.code, district.name_ky, district.name_ru, district.name_en):
                self.districts.setdefault(key.strip().casefold(), district)
        self.now = timezone.now()

    def check_header(self, header: list[str]) -> list[RowError]:
        errors = [RowError(1, column, _("missing column")) for column in REQUIRED
                  if column not in header]
        errors += [RowError(1, column, _("unknown column")) for column in header
                   if column and column not in COLUMNS]
        return errors

    def check(self, number: int, values: dict[str, Any]) -> tuple[PastAppeal | None,
                                                                   list[RowError]]:
        errors: list[RowError] = []

        def err(column: str, reason: str) -> None:
            errors.append(RowError(number, column, reason))

        def text(column: str) -> str:
            return str(values.get(column) or "").strip()

        created_at = _when(values.get("date"))
        if created_at is None:
            err("date", _("not a date (use YYYY-MM-DD or DD.MM.YYYY)"))
        elif created_at > self.now:
            err("date", _("in the future"))
        channel = self.channels.get(text("channel").casefold())
        if channel is None:
            err("channel", _("unknown channel “%(value)s”") % {"value": text("channel")})
        category = self.categories.get(text("category").casefold())
        if category is None:
            err("category", _("unknown category “%(value)s”") % {"value": text("category")})
        body = text("text")
        if not body:
            err("text", _("empty"))
        elif len(body) > MAX_TEXT:
            err("text", _("longer than %(n)d characters") % {"n": MAX_TEXT})
        status = self.statuses.get(text("status").casefold())
        if status is None or status == Status.DUPLICATE:
            err("status", _("unknown status “%(value)s”") % {"value": text("status")})
        closed_at = _when(values.get("closed_on")) if text("closed_on") else None
        if text("closed_on") and closed_at is None:
            err("closed_on", _("not a date (use YYYY-MM-DD or DD.MM.YYYY)"))
        elif closed_at and created_at and closed_at < created_at:
            err("closed_on", _("before the appeal's date"))
        lat = lon = district = None
        if text("lat") or text("lon"):
            try:
                lat, lon = float(text("lat").replace(",", ".")), float(
                    text("lon").replace(",", "."))
                validate_point(lat, lon)
            except (ValueError, ValidationError):
                err("lat", _("not a point inside the city"))
                lat = lon = None
        elif text("district"):
            district = self.districts.get(text("district").casefold())
            if district is None:
                err("district", _("unknown district"))
            else:
                lat, lon = _centre(district)
        else:
            err("lat", _("give a point (lat, lon) or a district"))
        if errors:
            return None, errors
        # Each missing value above added an error.
        assert (created_at is not None and channel is not None and category is not None
                and status is not None and lat is not None and lon is not None)
        if status in (Status.RESOLVED, Status.REJECTED) and closed_at is None:
            closed_at = created_at
        return PastAppeal(number, created_at, closed_at, channel, category, body,
                          text("address")[:300], lat, lon, status,
                          text("answer")[:1000], district), []


def check_appeals(header: list[str], rows: Iterable) -> tuple[list[PastAppeal],
                                                              list[RowError]]:
    """Every row checked; every problem returned (nothing is written here)."""
    checker = AppealChecker()
    errors = checker.check_header(header)
    if errors:
        return [], errors
    appeals: list[PastAppeal] = []
    for row in rows:
        appeal, row_errors = checker.check(row.number, row.values)
        errors.extend(row_errors)
        if appeal is not None:
            appeals.append(appeal)
    return appeals, errors
