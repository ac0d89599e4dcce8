"""Reading and checking budget files (CSV, XLSX) before anything is written.

`read_csv` and `read_xlsx` turn a file into numbered rows (the header is row 1, so row
numbers match what a person sees in a spreadsheet). `check_rows` checks every row and
returns either clean lines or the full list of problems: the importer writes nothing
unless every row is good.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from shaar.lib.tabular import Row, RowError

from . import cofog
from .models import QUARTERS, Direction, Participation, line_key

COLUMNS = ["direction", "cofog", "economic_code", "admin_unit", "programme",
           "name_ky", "name_ru", "name_en", "approved", "revised", "executed"]
QUARTER_COLUMNS = [f"{kind}_q{q}" for kind in ("planned", "executed") for q in QUARTERS]
OPTIONAL_COLUMNS = [*QUARTER_COLUMNS, "participation"]
AMOUNT_COLUMNS = ["approved", "revised", "executed", *QUARTER_COLUMNS]
# 16 digits before the point: far above any city budget, within DECIMAL(18, 2).
MAX_AMOUNT = Decimal("9999999999999999.99")
ECONOMIC_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,19}$")
DIRECTIONS = frozenset(Direction.values)
PARTICIPATIONS = frozenset(Participation.values)
# Characters that make spreadsheets treat a cell as a formula (CSV injection).


@dataclass
class CleanLine:
    row_number: int
    admin_unit_code: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class CheckResult:
    lines: list[CleanLine]
    errors: list[RowError]


# --- Checking --------------------------------------------------------------------------

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def parse_amount(value: Any) -> Decimal | None:
    """Som with at most two decimals. Raises ValueError with a translated reason."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(_("not a number"))
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        text = str(value).strip()
        for space in (" ", "\u00a0", "\u202f", "_"):
            text = text.replace(space, "")
        # "1,234.50" has grouping commas; "1234,50" has a decimal comma.
        text = text.replace(",", "") if "." in text else text.replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("not a number")) from None
    if not amount.is_finite():
        raise ValueError(_("not a number"))
    if amount < 0:
        raise ValueError(_("negative amount"))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("more than two decimal places"))
    if amount > MAX_AMOUNT:
        raise ValueError(_("amount too large"))
    return amount.quantize(Decimal("0.01"))


def check_header(header: list[str]) -> list[RowError]:
    errors = []
    for column in COLUMNS:
        if column not in header:
            errors.append(RowError(1, column, _("missing column")))
    seen = set()
    for column in header:
        if column in seen:
            errors.append(RowError(1, column, _("column appears twice")))
        seen.add(column)
        if column and column not in COLUMNS and column not in OPTIONAL_COLUMNS \
                and column != "fiscal_year" and not column.startswith("admin_unit_name_"):
            errors.append(RowError(1, column, _("unknown column")))
    return errors


def check_rows(header: list[str], rows: Iterable[Row], *, known_units: set[str],
               year: int | None = None) -> CheckResult:
    """Check every row; collect every problem rather than stopping at the first."""
    errors = check_header(header)
    if errors:
        return CheckResult([], errors)
    lines: list[CleanLine] = []
    seen_keys: dict[str, int] = {}
    for row in rows:
        line, row_errors = _check_row(row, known_units=known_units, year=year)
        if line is not None:
            key = line.fields["key"]
            if key in seen_keys:
                row_errors.append(RowError(row.number, "economic_code", _(
                    "duplicate line: the same direction, function, economic code, unit and "
                    "programme as row %(row)s") % {"row": seen_keys[key]}))
            else:
                seen_keys[key] = row.number
        errors.extend(row_errors)
        if line is not None and not row_errors:
            lines.append(line)
    if not lines and not errors:
        errors.append(RowError(1, "", _("the file has no budget lines")))
    return CheckResult(lines, errors)


def _check_row(row: Row, *, known_units: set[str],
               year: int | None) -> tuple[CleanLine | None, list[RowError]]:
    errors: list[RowError] = []
    v = row.values
    n = row.number

    def err(column: str, reason: str) -> None:
        errors.append(RowError(n, column, reason))

    if v.get("__extra__") and any(_text(c) for c in v["__extra__"]):
        err("", _("more cells than columns in the header"))
    if year is not None and "fiscal_year" in v and _text(v["fiscal_year"]) not in ("", str(year)):
        err("fiscal_year", _("belongs to fiscal year %(found)s, not %(year)s")
            % {"found": _text(v["fiscal_year"]), "year": year})

    direction = _text(v.get("direction")).lower()
    if direction not in DIRECTIONS:
        err("direction", _("must be “revenue” or “expenditure”") if direction
            else _("missing direction"))

    raw_cofog = _text(v.get("cofog"))
    code = ""
    if direction == Direction.EXPENDITURE:
        if not raw_cofog:
            err("cofog", _("missing COFOG code: spending lines need a function"))
        else:
            code = cofog.normalise(raw_cofog) or ""
            if not code:
                err("cofog", _("unknown COFOG code “%(code)s” (use a division 701–710 or a "
                               "group such as 7091)") % {"code": raw_cofog})
    elif direction == Direction.REVENUE and raw_cofog:
        err("cofog", _("revenue lines have no function: leave COFOG empty"))

    economic_code = _text(v.get("economic_code"))
    if not economic_code:
        err("economic_code", _("missing economic code"))
    elif not ECONOMIC_CODE.match(economic_code):
        err("economic_code", _("economic codes use digits, letters and dots (at most 20)"))

    unit = _text(v.get("admin_unit")).lower()
    if unit and unit not in known_units:
        err("admin_unit", _("unknown administrative unit “%(code)s”") % {"code": unit})
    elif not unit and direction == Direction.EXPENDITURE:
        err("admin_unit", _("missing administrative unit: spending lines need one"))

    programme = _text(v.get("programme"))
    if len(programme) > 200:
        err("programme", _("longer than 200 characters"))

    names = {}
    for language in ("ky", "ru", "en"):
        column = f"name_{language}"
        names[column] = _text(v.get(column))
        if not names[column] and language != "en":
            err(column, _("missing name"))
        elif len(names[column]) > 300:
            err(column, _("longer than 300 characters"))

    amounts: dict[str, Decimal | None] = {}
    for column in AMOUNT_COLUMNS:
        try:
            amounts[column] = parse_amount(v.get(column))
        except ValueError as exc:
            err(column, str(exc))
            amounts[column] = None
    if amounts["approved"] is None and not any(e.column == "approved" for e in errors):
        err("approved", _("missing approved amount"))
    quarters = [amounts[f"executed_q{q}"] for q in QUARTERS]
    if amounts["executed"] is not None and any(q is not None for q in quarters):
        total = sum((q for q in quarters if q is not None), Decimal(0))
        if total != amounts["executed"]:
            err("executed", _("the quarterly executed amounts add up to %(total)s, not "
                              "%(executed)s") % {"total": total,
                                                 "executed": amounts["executed"]})

    participation = _text(v.get("participation")).lower()
    if participation and participation not in PARTICIPATIONS:
        err("participation", _("must be empty, “civic_budget” or “community_grants”"))
    elif participation and direction == Direction.REVENUE:
        err("participation", _("only spending can be decided by residents"))

    if errors:
        return None, errors
    fields = {
        "key": line_key(direction, code, economic_code, unit, programme),
        "direction": direction, "cofog": code, "economic_code": economic_code,
        "programme": programme, **names, **amounts, "participation": participation,
    }
    return CleanLine(row_number=n, admin_unit_code=unit, fields=fields), errors
