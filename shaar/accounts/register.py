"""Reading the residency register (CSV: pin, birth_year, district).

Rows are validated first; the PIN is turned into its voter_key at once and never kept.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shaar.city.models import District
from shaar.lib.tabular import RowError

from .models import voter_key_for_pin

REQUIRED_COLUMNS = ("pin", "birth_year", "district")


@dataclass(frozen=True)
class ParsedRow:
    voter_key: str
    birth_year: int
    district_id: int


def _district_lookup() -> dict[str, int]:
    lookup: dict[str, int] = {}
    for district in District.objects.all():
        for name in (district.code, district.name_ky, district.name_ru, district.name_en):
            lookup[name.strip().casefold()] = district.id
    return lookup


def read_rows(text_lines: Iterable[str]) -> Iterator[dict[str, str]]:
    reader = csv.DictReader(text_lines)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(
            _("The file must have the columns %(columns)s; missing: %(missing)s.")
            % {"columns": ", ".join(REQUIRED_COLUMNS), "missing": ", ".join(missing)}
        )
    yield from reader


def parse_register(
    rows: Iterable[dict[str, str]], *, on_row: Callable[[], object] | None = None
) -> tuple[list[ParsedRow], list[RowError]]:
    """Validate every row; returns the parsed rows and every error (row numbers from 2,
    as a spreadsheet shows them below the header)."""
    districts = _district_lookup()
    this_year = timezone.now().year
    parsed: list[ParsedRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if on_row:
            on_row()
        row_errors: list[RowError] = []
        try:
            key = voter_key_for_pin(row.get("pin") or "")
        except ValidationError as exc:
            row_errors.append(RowError(number, "pin", exc.messages[0]))
            key = ""
        if key and key in seen:
            row_errors.append(RowError(number, "pin", _("the same PIN is already on row %(row)s")
                                       % {"row": seen[key]}))
        birth_year_text = (row.get("birth_year") or "").strip()
        birth_year = int(birth_year_text) if birth_year_text.isdigit() else 0
        if not 1900 <= birth_year <= this_year:
            row_errors.append(RowError(number, "birth_year",
                                       _("not a year between 1900 and %(year)s")
                                       % {"year": this_year}))
        district_id = districts.get((row.get("district") or "").strip().casefold())
        if district_id is None:
            row_errors.append(RowError(number, "district", _("unknown district")))
        if row_errors:
            errors.extend(row_errors)
            continue
        seen[key] = number
        assert district_id is not None  # else a row error above
        parsed.append(ParsedRow(key, birth_year, district_id))
    return parsed, errors


def decode_upload(data: bytes) -> io.StringIO:
    try:
        return io.StringIO(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file must be UTF-8 encoded CSV.")) from exc
