"""Public API of the citizen's budget: /api/v1/openbudget/…

Amounts are decimal strings in the city's currency (City.currency), never floats, so totals
can be checked exactly.
A phase total is null when no line has a figure for it (e.g. nothing executed yet).
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema
from ninja.responses import Status

from shaar.city.models import City
from shaar.lib.apischemas import MAX_YEAR, ErrorOut

from . import cofog
from .models import Direction, FiscalYear
from .selectors import current_version_of, published_years, version_summary

router = Router(tags=["openbudget"])


class PhaseTotals(Schema):
    approved: str | None
    revised: str | None
    executed: str | None


class YearOut(Schema):
    year: int
    version: int
    imported_at: str
    executed_on: str | None
    population: int
    is_sample: bool
    summary_url: str
    csv_url: str
    json_url: str
    fdp_url: str


class DivisionTotals(PhaseTotals):
    direction: str
    code: str
    cofog_code: str
    name_ky: str
    name_ru: str
    name_en: str


class SummaryOut(Schema):
    year: int
    currency: str
    version: int
    executed_on: str | None
    population: int
    is_sample: bool
    by_direction: dict[str, PhaseTotals]
    by_division: list[DivisionTotals]


def _s(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _phases(totals: dict) -> dict[str, str | None]:
    return {phase: _s(totals[phase]) for phase in ("approved", "revised", "executed")}


@router.get("/years/", response=list[YearOut], summary="Published fiscal years")
def years(request):
    out = []
    for fiscal_year in published_years():
        version = current_version_of(fiscal_year)
        assert version is not None  # a published year has one
        y = fiscal_year.year
        out.append({
            "year": y, "version": version.number,
            "imported_at": version.imported_at.isoformat(),
            "executed_on": version.executed_on.isoformat() if version.executed_on else None,
            "population": fiscal_year.population, "is_sample": fiscal_year.is_sample,
            "summary_url": f"/api/v1/openbudget/years/{y}/summary",
            "csv_url": reverse("openbudget:download-csv", args=[y]),
            "json_url": reverse("openbudget:download-json", args=[y]),
            "fdp_url": reverse("openbudget:download-fdp", args=[y]),
        })
    return out


@router.get("/years/{year}/summary", response={200: SummaryOut, 404: ErrorOut},
            summary="Totals of a year by direction and by COFOG division, for each phase")
def summary(request, year: int = Path(..., ge=1, le=MAX_YEAR)):
    fiscal_year = FiscalYear.objects.filter(year=year).first()
    version = fiscal_year.current_version if fiscal_year else None
    if fiscal_year is None or version is None:
        return Status(404, {"detail": _("No budget has been published for %(year)s.")
                            % {"year": year}})
    data = version_summary(version)
    divisions = []
    for code, totals in data["by_division"].items():
        function = cofog.DIVISIONS[code]
        divisions.append({"direction": Direction.EXPENDITURE.value, "code": code,
                          "cofog_code": function.cofog_code, "name_ky": function.name_ky,
                          "name_ru": function.name_ru, "name_en": function.name_en,
                          **_phases(totals)})
    return {
        "year": year, "currency": City.current().currency, "version": version.number,
        "executed_on": version.executed_on.isoformat() if version.executed_on else None,
        "population": fiscal_year.population, "is_sample": fiscal_year.is_sample,
        "by_direction": {d: _phases(t) for d, t in data["by_direction"].items()},
        "by_division": divisions,
    }
