"""Reading and checking the city's past grants (awards made before Shaar) before anything
is written: CSV or XLSX with the columns

    call_code, call_title_ky, call_title_ru, call_title_en, year, organisation,
    registration_number, project_title, district, requested, awarded, agreement_number,
    project_start, project_end, completed

One row per grant. Rows with the same `call_code` make one past call (decided in `year`);
an organisation is found by its registration number or name, or created. Dates are
YYYY-MM-DD or DD.MM.YYYY; `completed` is yes/no (да/нет, ооба/жок, 1/0).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shaar.city.models import District
from shaar.lib.tabular import RowError

from .models import Application, Call

COLUMNS = ["call_code", "call_title_ky", "call_title_ru", "call_title_en", "year",
           "organisation", "registration_number", "project_title", "district", "requested",
           "awarded", "agreement_number", "project_start", "project_end", "completed"]
REQUIRED = ["call_code", "year", "organisation", "project_title", "awarded"]
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
YES = {"yes", "y", "1", "true", "да", "ооба"}
NO = {"no", "n", "0", "false", "нет", "жок", ""}


@dataclass(frozen=True)
class PastGrant:
    row: int
    call_code: str
    call_titles: dict[str, str]
    year: int
    organisation: str
    registration_number: str
    project_title: str
    district: District | None
    requested: int
    awarded: int
    agreement_number: str
    project_start: datetime.date | None
    project_end: datetime.date | None
    completed: bool


def _date(text: str) -> datetime.date | None:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _amount(text: str) -> int | None:
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if cleaned.endswith((".00", ",00")):
        cleaned = cleaned[:-3]
    return int(cleaned) if cleaned.isdigit() else None


def check_grants(header: list[str], rows: Iterable) -> tuple[list[PastGrant], list[RowError]]:
    """Every row checked; every problem returned (nothing is written here)."""
    errors = [RowError(1, c, _("missing column")) for c in REQUIRED if c not in header]
    errors += [RowError(1, c, _("unknown column")) for c in header if c and c not in COLUMNS]
    if errors:
        return [], errors
    districts: dict[str, District] = {}
    for each in District.objects.all():
        for key in (each.code, each.name_ky, each.name_ru, each.name_en):
            districts.setdefault(key.strip().casefold(), each)
    existing = dict(Call.objects.values_list("code", "status"))
    # Grantees already in past calls: a file imported twice is refused, not doubled.
    imported: set[tuple[str, str]] = set()
    for code, number, name in Application.objects.filter(
            call__status=Call.Status.DECIDED).values_list(
            "call__code", "profile__registration_number", "profile__legal_name"):
        imported.update({(code, number.casefold()), (code, name.casefold())} - {(code, "")})
    this_year = timezone.localdate().year
    grants: list[PastGrant] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        values: dict[str, Any] = row.values
        n = row.number
        row_errors: list[RowError] = []

        def err(column: str, reason: str, row_errors=row_errors, n=n) -> None:
            row_errors.append(RowError(n, column, reason))

        def text(column: str, values=values) -> str:
            value = values.get(column)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, datetime.datetime | datetime.date):
                value = value.strftime("%Y-%m-%d")
            return str(value if value is not None else "").strip()

        code = text("call_code").lower()
        if not CODE.match(code):
            err("call_code", _("use lower-case letters, digits and hyphens"))
        elif code in existing and existing[code] != Call.Status.DECIDED:
            err("call_code", _("a current call has this code"))
        titles = {lang: text(f"call_title_{lang}") for lang in ("ky", "ru", "en")}
        if code not in existing and not any(titles.values()):
            err("call_title_ru", _("a new past call needs a title"))
        year = int(text("year")) if text("year").isdigit() else 0
        if not 1991 <= year <= this_year:
            err("year", _("not a year between 1991 and %(year)s") % {"year": this_year})
        organisation = text("organisation")
        if not organisation:
            err("organisation", _("empty"))
        title = text("project_title")
        if not title:
            err("project_title", _("empty"))
        district: District | None = None
        if text("district"):
            district = districts.get(text("district").casefold())
            if district is None:
                err("district", _("unknown district"))
        awarded = _amount(text("awarded"))
        if not awarded:
            err("awarded", _("not a positive whole amount in som"))
        requested = _amount(text("requested")) if text("requested") else awarded
        if requested is None or (awarded and requested < awarded):
            err("requested", _("not an amount at least as large as the award"))
        start, end = (_date(text("project_start")), _date(text("project_end")))
        if text("project_start") and start is None:
            err("project_start", _("not a date (use YYYY-MM-DD or DD.MM.YYYY)"))
        if text("project_end") and end is None:
            err("project_end", _("not a date (use YYYY-MM-DD or DD.MM.YYYY)"))
        if start and end and end < start:
            err("project_end", _("before the project's start"))
        completed = text("completed").casefold()
        if completed not in YES | NO:
            err("completed", _("write yes or no"))
        grant_key = (code, (text("registration_number") or organisation).casefold())
        if grant_key in imported or (code, organisation.casefold()) in imported:
            err("organisation", _("this organisation already has a grant in this call"))
        elif grant_key in seen:
            err("organisation", _("this organisation already has a grant in this call on row "
                                  "%(row)s") % {"row": seen[grant_key]})
        if row_errors:
            errors.extend(row_errors)
            continue
        seen[grant_key] = n
        # Each missing amount above added an error.
        assert requested is not None and awarded is not None
        grants.append(PastGrant(n, code, titles, year, organisation[:300],
                                text("registration_number")[:60], title[:200], district,
                                requested, awarded, text("agreement_number")[:60], start, end,
                                completed in YES))
    return grants, errors
