"""Public pages of the citizen's budget. Thin: reads come from selectors."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from shaar.lib.pagecache import shared_with_visitors

from . import cofog, exports
from .models import AdminUnit, BudgetVersion, Direction, FiscalYear, Participation
from .selectors import (
    current_version_of,
    division_rows,
    line_history,
    lines_of,
    per_resident,
    plan_of,
    published_years,
    share_per_hundred,
    version_changes,
    version_summary,
)

MILLION = Decimal(1_000_000)
REVENUE_CATEGORY_LABELS = {
    "11": gettext_lazy("Taxes"),
    "12": gettext_lazy("Social contributions"),
    "13": gettext_lazy("Grants and transfers from the national budget"),
    "14": gettext_lazy("Fees, rents and other revenue"),
    "other": gettext_lazy("Other revenue"),
}
# URL names other apps may give their public index; the first that exists is linked.
SECTION_URLS = {
    "budgeting": ["budgeting:index", "budgeting:cycle-list", "budgeting:cycles",
                  "budgeting:home"],
    "grants": ["grants:index", "grants:call-list", "grants:calls", "grants:home"],
}


def access_year(year: int) -> tuple[FiscalYear, BudgetVersion]:
    """A published year and its current version, or 404."""
    fiscal_year = get_object_or_404(FiscalYear, year=year)
    version = fiscal_year.current_version
    if version is None:
        raise Http404
    return fiscal_year, version


def _section_url(app: str) -> str | None:
    """Link to another app's section only if it is installed and has such a page: the
    citizen's budget must work without the civic budget or grants apps."""
    if not apps.is_installed(f"shaar.{app}"):
        return None
    for name in SECTION_URLS[app]:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _millions(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return str((value / MILLION).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _chart(labels: list[str], datasets: list[dict[str, Any]], urls: list[str] | None = None,
           ) -> dict[str, Any]:
    return {"labels": labels, "datasets": datasets, "urls": urls or [],
            "unit": _("million som")}


def _year_context(fiscal_year: FiscalYear, version: BudgetVersion) -> dict[str, Any]:
    summary = version_summary(version)
    population = fiscal_year.population
    revenue = summary["by_direction"][Direction.REVENUE]
    spending = summary["by_direction"][Direction.EXPENDITURE]
    divisions = division_rows(summary, population)
    year = fiscal_year.year
    for row in divisions:
        row["url"] = reverse("openbudget:function", args=[year, row["code"]])
    categories = [{"code": code, "label": REVENUE_CATEGORY_LABELS.get(code, code), **totals,
                   "share": share_per_hundred(totals["plan"], revenue["plan"])}
                  for code, totals in summary["by_category"].items()]
    quarters = summary["quarters"][Direction.EXPENDITURE]
    quarter_rows = [{"quarter": q + 1, "planned": quarters["planned"][q],
                     "executed": quarters["executed"][q]} for q in range(4)]
    has_quarters = any(r["planned"] is not None or r["executed"] is not None
                       for r in quarter_rows)
    participation: list[dict[str, Any]] = []
    for value, url in ((Participation.CIVIC_BUDGET, _section_url("budgeting")),
                       (Participation.COMMUNITY_GRANTS, _section_url("grants"))):
        totals = summary["participation"].get(value.value)
        participation.append({"label": value.label, "url": url,
                              "plan": totals["plan"] if totals else None,
                              "share": share_per_hundred(totals["plan"] if totals else None,
                                                         spending["plan"])})
    participation_total = sum((p["plan"] for p in participation if p["plan"]), Decimal(0))

    def balance(phase: str) -> Decimal | None:
        if revenue[phase] is None or spending[phase] is None:
            return None
        return revenue[phase] - spending[phase]

    charts = {
        "spending": _chart(
            [row["function"].name for row in divisions],
            [{"label": _("Plan"), "data": [_millions(r["plan"]) for r in divisions]},
             {"label": _("Executed"), "data": [_millions(r["executed"]) for r in divisions]}],
            [row["url"] for row in divisions]),
        "revenue": _chart([str(c["label"]) for c in categories],
                          [{"label": _("Plan"), "data": [_millions(c["plan"])
                                                         for c in categories]}]),
        "quarters": _chart(
            [_("Quarter %(number)s") % {"number": r["quarter"]} for r in quarter_rows],
            [{"label": _("Planned"), "data": [_millions(r["planned"]) for r in quarter_rows]},
             {"label": _("Executed"), "data": [_millions(r["executed"])
                                               for r in quarter_rows]}]),
    }
    return {
        "fiscal_year": fiscal_year, "version": version, "previous": version.previous,
        "years": published_years(), "revenue": revenue, "spending": spending,
        "balance_plan": balance("plan"), "balance_executed": balance("executed"),
        "divisions": divisions, "top": divisions[0] if divisions else None,
        "categories": categories,
        "revenue_lines": lines_of(version).filter(direction=Direction.REVENUE),
        "per_resident_spending": per_resident(spending["plan"], fiscal_year.population),
        "per_resident_revenue": per_resident(revenue["plan"], fiscal_year.population),
        "quarter_rows": quarter_rows, "has_quarters": has_quarters,
        "participation": participation, "participation_total": participation_total,
        "participation_share": share_per_hundred(participation_total or None,
                                                 spending["plan"]),
        "charts": charts,
    }


@require_GET
@shared_with_visitors
def index(request: HttpRequest) -> TemplateResponse:
    fiscal_year = published_years().first()
    if fiscal_year is None:
        return TemplateResponse(request, "openbudget/empty.html")
    version = current_version_of(fiscal_year)
    assert version is not None  # a published year has one
    return TemplateResponse(request, "openbudget/year.html", _year_context(fiscal_year, version))


@require_GET
@shared_with_visitors
def year(request: HttpRequest, year: int) -> TemplateResponse:
    fiscal_year, version = access_year(year)
    return TemplateResponse(request, "openbudget/year.html", _year_context(fiscal_year, version))


@require_GET
def print_version(request: HttpRequest, year: int) -> TemplateResponse:
    fiscal_year, version = access_year(year)
    return TemplateResponse(request, "openbudget/print.html",
                            _year_context(fiscal_year, version))


@require_GET
def function(request: HttpRequest, year: int, code: str) -> TemplateResponse:
    """Drill-down: one COFOG division, by group, by administrative unit and line by line."""
    fiscal_year, version = access_year(year)
    division = cofog.DIVISIONS.get(code)
    if division is None:
        raise Http404
    summary = version_summary(version)
    totals = summary["by_division"].get(code)
    if totals is None:
        raise Http404
    groups = [{"function": cofog.GROUPS[g], **t} for g, t in summary["by_group"].items()
              if g.startswith(code)]
    units = []
    for key, unit_totals in summary["by_division_unit"].items():
        division_code, unit_code = key.split("|")
        if division_code == code:
            unit = AdminUnit(code=unit_code, **{f"name_{lang}": name for lang, name
                                                in summary["units"].get(unit_code, {}).items()})
            units.append({"unit": unit, **unit_totals,
                          "url": reverse("openbudget:unit", args=[year, unit_code])})
    units.sort(key=lambda u: u["plan"] or 0, reverse=True)
    lines = list(lines_of(version).filter(direction=Direction.EXPENDITURE,
                                          cofog__startswith=code))
    for line in lines:
        line.plan = plan_of(line)
    lines.sort(key=lambda line: line.plan, reverse=True)
    spending = summary["by_direction"][Direction.EXPENDITURE]["plan"]
    chart = _chart([u["unit"].name for u in units],
                   [{"label": _("Plan"), "data": [_millions(u["plan"]) for u in units]},
                    {"label": _("Executed"), "data": [_millions(u["executed"]) for u in units]}],
                   [u["url"] for u in units])
    return TemplateResponse(request, "openbudget/function.html", {
        "fiscal_year": fiscal_year, "version": version, "division": division, "totals": totals,
        "share": share_per_hundred(totals["plan"], spending), "groups": groups,
        "units": units, "lines": lines, "charts": {"units": chart},
        "per_resident": per_resident(totals["plan"], fiscal_year.population)})


@require_GET
def unit(request: HttpRequest, year: int, code: str) -> TemplateResponse:
    fiscal_year, version = access_year(year)
    admin_unit = get_object_or_404(AdminUnit, code=code)
    lines = list(lines_of(version).filter(admin_unit=admin_unit))
    if not lines:
        raise Http404
    for line in lines:
        line.plan = plan_of(line)
    totals = {phase: sum((getattr(line, phase) for line in lines
                          if getattr(line, phase) is not None), Decimal(0))
              for phase in ("approved", "executed", "plan")}
    return TemplateResponse(request, "openbudget/unit.html", {
        "fiscal_year": fiscal_year, "version": version, "unit": admin_unit, "lines": lines,
        "totals": totals})


@require_GET
def line(request: HttpRequest, key: str) -> TemplateResponse:
    """Year over year: the same line in every published year."""
    history = line_history(key)
    if not history:
        raise Http404
    latest = history[-1]["line"]
    previous_plan = None
    for entry in history:
        entry["change"] = (None if previous_plan in (None, 0) else
                           ((entry["plan"] - previous_plan) * 100 / previous_plan)
                           .quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        previous_plan = entry["plan"]
    chart = _chart([str(e["year"]) for e in history],
                   [{"label": _("Plan"), "data": [_millions(e["plan"]) for e in history]},
                    {"label": _("Executed"),
                     "data": [_millions(e["line"].executed) for e in history]}])
    return TemplateResponse(request, "openbudget/line.html", {
        "line": latest, "history": history, "charts": {"history": chart},
        "is_sample": any(e["line"].version.fiscal_year.is_sample for e in history)})


@require_GET
def changes(request: HttpRequest, year: int) -> TemplateResponse:
    """What changed between the current version of a year and the one before it."""
    fiscal_year, version = access_year(year)
    previous = version.previous
    rows = version_changes(previous, version) if previous else []
    old_summary = version_summary(previous) if previous else None
    new_summary = version_summary(version)
    return TemplateResponse(request, "openbudget/changes.html", {
        "fiscal_year": fiscal_year, "version": version, "previous": previous, "rows": rows,
        "old": old_summary["by_direction"] if old_summary else None,
        "new": new_summary["by_direction"]})


@require_GET
def glossary(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "openbudget/glossary.html")


@require_GET
def take_part(request: HttpRequest) -> TemplateResponse:
    feedback_url = None
    if apps.is_installed("shaar.feedback"):
        for name in ("feedback:index", "feedback:report-create", "feedback:home"):
            try:
                feedback_url = reverse(name)
                break
            except NoReverseMatch:
                continue
    return TemplateResponse(request, "openbudget/take_part.html", {
        "civic_budget_url": _section_url("budgeting"), "grants_url": _section_url("grants"),
        "feedback_url": feedback_url})


@require_GET
def data(request: HttpRequest) -> TemplateResponse:
    years = []
    for fiscal_year in published_years():
        version = current_version_of(fiscal_year)
        years.append({"fiscal_year": fiscal_year, "version": version})
    return TemplateResponse(request, "openbudget/data.html", {"years": years})


def _version_for_download(request: HttpRequest, year: int) -> BudgetVersion:
    """The current version, or ?version=N for an earlier one (kept for comparison)."""
    fiscal_year, version = access_year(year)
    number = request.GET.get("version")
    if number:
        if not number.isdigit():
            raise Http404
        version = get_object_or_404(BudgetVersion, fiscal_year=fiscal_year, number=int(number))
    return version


def _attachment[R: HttpResponse](response: R, name: str) -> R:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@cache_control(max_age=600, public=True)
def download_csv(request: HttpRequest, year: int) -> HttpResponse:
    version = _version_for_download(request, year)
    # A byte-order mark lets Excel open UTF-8 Cyrillic text correctly.
    response = HttpResponse("\ufeff" + exports.version_csv(version),
                            content_type="text/csv; charset=utf-8")
    return _attachment(response, f"city-budget-{year}-v{version.number}.csv")


@require_GET
@cache_control(max_age=600, public=True)
def download_json(request: HttpRequest, year: int) -> JsonResponse:
    version = _version_for_download(request, year)
    response = JsonResponse(exports.version_json(version), encoder=DjangoJSONEncoder,
                            json_dumps_params={"ensure_ascii": False, "indent": 1})
    return _attachment(response, f"city-budget-{year}-v{version.number}.json")


@require_GET
@cache_control(max_age=600, public=True)
def download_fdp(request: HttpRequest, year: int) -> HttpResponse:
    version = _version_for_download(request, year)
    response = HttpResponse(exports.version_fdp_zip(version), content_type="application/zip")
    return _attachment(response, f"city-budget-{year}-v{version.number}-fdp.zip")


