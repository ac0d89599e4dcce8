"""Reads shared by the pages, the API and the exports.

Versions never change once imported, so their totals are cached by version id. All
arithmetic is Decimal.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet

from . import cofog
from .models import QUARTERS, BudgetLine, BudgetVersion, Direction, FiscalYear, Phase

PHASES = [p.value for p in Phase]
ZERO = Decimal(0)
HUNDRED = Decimal(100)
# Revenue categories by the first two digits of the economic code (GFS).
REVENUE_CATEGORIES = ["11", "12", "13", "14"]


def published_years() -> QuerySet[FiscalYear]:
    """Years that have a current version, newest first, with that version loaded."""
    current = BudgetVersion.objects.filter(is_current=True)
    return (FiscalYear.objects.filter(versions__is_current=True)
            .prefetch_related(Prefetch("versions", queryset=current, to_attr="_current"))
            .order_by("-year"))


def current_version_of(fiscal_year: FiscalYear) -> BudgetVersion | None:
    current = getattr(fiscal_year, "_current", None)
    if current is not None:
        return current[0] if current else None
    return fiscal_year.current_version


def lines_of(version: BudgetVersion) -> QuerySet[BudgetLine]:
    return version.lines.select_related("admin_unit").order_by("row_number")


def plan_of(line: BudgetLine | dict[str, Any]) -> Decimal:
    """The plan in force: the revised amount where the line was revised, else approved."""
    revised: Decimal | None
    approved: Decimal
    if isinstance(line, dict):
        revised, approved = line.get("revised"), line["approved"]
    else:
        revised, approved = line.revised, line.approved
    return revised if revised is not None else approved


def _add(total: Decimal | None, value: Decimal | None) -> Decimal | None:
    if value is None:
        return total
    return value if total is None else total + value


def _phase_totals() -> dict[str, Decimal | None]:
    return {"approved": None, "revised": None, "executed": None, "plan": None}


def _fold(totals: dict[str, Decimal | None], line: dict) -> None:
    for phase in PHASES:
        totals[phase] = _add(totals[phase], line[phase])
    totals["plan"] = _add(totals["plan"], plan_of(line))


_FIELDS = ["id", "direction", "cofog", "economic_code", "admin_unit__code", "admin_unit__name_ky",
           "admin_unit__name_ru", "admin_unit__name_en", "approved", "revised", "executed",
           "participation",
           *[f"planned_q{q}" for q in QUARTERS], *[f"executed_q{q}" for q in QUARTERS]]


def version_summary(version: BudgetVersion) -> dict[str, Any]:
    """Totals of a version by direction, COFOG division and group, administrative unit,
    revenue category, quarter and participation. A phase total is None when no line has
    that phase (e.g. nothing executed yet); otherwise the Decimal sum of the lines that do."""
    cache_key = f"openbudget:summary:{version.pk}:{version.imported_at.timestamp()}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    by_direction = {d.value: _phase_totals() for d in Direction}
    by_division: dict[tuple[str, str], dict] = defaultdict(_phase_totals)
    by_group: dict[str, dict] = defaultdict(_phase_totals)
    by_unit: dict[str, dict] = defaultdict(_phase_totals)
    by_division_unit: dict[tuple[str, str], dict] = defaultdict(_phase_totals)
    by_category: dict[str, dict] = defaultdict(_phase_totals)
    participation: dict[str, dict] = defaultdict(_phase_totals)
    units: dict[str, dict[str, str]] = {}
    quarters: dict[str, dict[str, list[Decimal | None]]] = {
        d.value: {"planned": [None] * 4, "executed": [None] * 4} for d in Direction}
    for line in version.lines.values(*_FIELDS):
        direction = line["direction"]
        _fold(by_direction[direction], line)
        unit = line["admin_unit__code"] or ""
        if unit:
            units[unit] = {lang: line[f"admin_unit__name_{lang}"] for lang in ("ky", "ru", "en")}
        if direction == Direction.EXPENDITURE:
            division = line["cofog"][:3]
            _fold(by_division[(direction, division)], line)
            if len(line["cofog"]) == 4:
                _fold(by_group[line["cofog"]], line)
            _fold(by_unit[unit], line)
            _fold(by_division_unit[(division, unit)], line)
            if line["participation"]:
                _fold(participation[line["participation"]], line)
        else:
            category = line["economic_code"][:2]
            _fold(by_category[category if category in REVENUE_CATEGORIES else "other"], line)
        for index, q in enumerate(QUARTERS):
            for kind in ("planned", "executed"):
                quarters[direction][kind][index] = _add(quarters[direction][kind][index],
                                                        line[f"{kind}_q{q}"])
    summary = {
        "by_direction": by_direction,
        "by_division": {division: totals for (_d, division), totals
                        in sorted(by_division.items())},
        "by_group": dict(sorted(by_group.items())),
        "by_unit": dict(by_unit),
        "by_division_unit": {f"{d}|{u}": t for (d, u), t in by_division_unit.items()},
        "by_category": dict(sorted(by_category.items())),
        "participation": dict(participation),
        "units": units,
        "quarters": quarters,
    }
    cache.set(cache_key, summary, 24 * 3600)
    return summary


def share_per_hundred(part: Decimal | None, total: Decimal | None) -> Decimal | None:
    """How many som of every 100 (one decimal): 32.4 of every 100 som go to education."""
    if part is None or not total:
        return None
    return (part * HUNDRED / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def per_resident(amount: Decimal | None, population: int) -> Decimal | None:
    if amount is None or population <= 0:
        return None
    return (amount / population).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def division_rows(summary: dict[str, Any], population: int) -> list[dict[str, Any]]:
    """Spending by COFOG division, largest plan first, with shares and per-resident sums."""
    total = summary["by_direction"][Direction.EXPENDITURE]["plan"]
    rows = []
    for code, totals in summary["by_division"].items():
        rows.append({"code": code, "function": cofog.DIVISIONS[code], **totals,
                     "share": share_per_hundred(totals["plan"], total),
                     "per_resident": per_resident(totals["plan"], population)})
    return sorted(rows, key=lambda r: r["plan"] or ZERO, reverse=True)


def line_history(key: str) -> list[dict[str, Any]]:
    """The same line (by key) in every year's current version, oldest year first."""
    lines = (BudgetLine.objects.filter(key=key, version__is_current=True)
             .select_related("version__fiscal_year", "admin_unit")
             .order_by("version__fiscal_year__year"))
    return [{"year": line.version.fiscal_year.year, "line": line, "plan": plan_of(line)}
            for line in lines]


def version_changes(old: BudgetVersion, new: BudgetVersion) -> list[dict[str, Any]]:
    """Lines added, removed or changed between two versions of a year."""
    before = {line.key: line for line in lines_of(old)}
    after = {line.key: line for line in lines_of(new)}
    changes = []
    for key, line in after.items():
        previous = before.get(key)
        if previous is None:
            changes.append({"kind": "added", "line": line, "old": None, "new": line})
        elif any(getattr(previous, p) != getattr(line, p) for p in PHASES):
            changes.append({"kind": "changed", "line": line, "old": previous, "new": line})
    for key, line in before.items():
        if key not in after:
            changes.append({"kind": "removed", "line": line, "old": line, "new": None})
    return changes
