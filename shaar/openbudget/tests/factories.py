"""Test helpers for the citizen's budget: budget files built in memory."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from shaar.lib.tabular import Row
from shaar.openbudget import actions
from shaar.openbudget.importing import COLUMNS, OPTIONAL_COLUMNS
from shaar.openbudget.models import AdminUnit, BudgetVersion

HEADER = [*COLUMNS, *OPTIONAL_COLUMNS]




def make_unit(code: str = "education", **fields: Any) -> AdminUnit:
    defaults = {"name_ky": f"{code} ky", "name_ru": f"{code} ru", "name_en": f"{code} en"}
    unit, _created = AdminUnit.objects.get_or_create(code=code, defaults={**defaults, **fields})
    return unit


def line(**overrides: Any) -> dict[str, Any]:
    """A good spending line; override any column."""
    values = {"direction": "expenditure", "cofog": "7092", "economic_code": "2111",
              "admin_unit": "education", "programme": "", "name_ky": "Мектептер",
              "name_ru": "Школы", "name_en": "Schools", "approved": "1000.50",
              "revised": "1100.25", "executed": "900.10", "participation": ""}
    values.update({k: ("" if v is None else v) for k, v in overrides.items()})
    return values


def revenue(**overrides: Any) -> dict[str, Any]:
    return line(**{"direction": "revenue", "cofog": "", "economic_code": "11111100",
                   "admin_unit": "", "name_ky": "Салык", "name_ru": "Налог",
                   "name_en": "Tax", "approved": "5000.00", "revised": "", "executed": "",
                   **overrides})


def csv_bytes(rows: list[dict[str, Any]], header: list[str] | None = None,
              delimiter: str = ",") -> bytes:
    header = header or HEADER
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, delimiter=delimiter,
                            extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in header})
    return buffer.getvalue().encode()


def xlsx_bytes(rows: list[dict[str, Any]], header: list[str] | None = None) -> bytes:
    """An XLSX file with amounts as real numbers, as Excel would store them."""
    header = header or HEADER
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(header)
    for row in rows:
        cells = []
        for column in header:
            value = row.get(column, "")
            if column in ("approved", "revised", "executed") and value not in ("", None):
                value = float(value)
            elif column == "economic_code" and str(value).isdigit():
                value = int(value)
            cells.append(None if value == "" else value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rows_of(rows: list[dict[str, Any]]) -> list[Row]:
    return [Row(number, values) for number, values in enumerate(rows, start=2)]


def import_rows(year: int, rows: list[dict[str, Any]], **options: Any) -> BudgetVersion:
    return actions.budget_import(year=year, header=HEADER, rows=rows_of(rows), source="csv",
                                 **options)


def seed_sample_budget() -> None:
    """The sample budget needs the sample city (departments, districts), as in seed_demo."""
    from shaar.city import demo as city_demo
    from shaar.openbudget import demo

    city_demo.seed()
    demo.seed()
