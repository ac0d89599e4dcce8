"""Who may open the citizen's budget pages (see shaar/web/tests/test_url_matrix.py).

Everything here is public reading: `rules.py` keeps importing for city administrators,
and that happens in the Django admin, not on these pages. The year pages answer 404 for a
year without a current version, so the entries pick the newest published demo year.
"""

from __future__ import annotations

from shaar.testing import first
from shaar.web.tests.test_url_matrix import Access, public


def _year(world: dict) -> dict:
    from shaar.openbudget.selectors import published_years

    return {"year": first(published_years()).year}


def _line(world: dict) -> dict:
    from shaar.openbudget.models import BudgetLine

    line = first(BudgetLine.objects.filter(version__is_current=True).order_by("pk"))
    return {"key": line.key}


def _function(world: dict) -> dict:
    from shaar.openbudget.models import BudgetLine, Direction
    from shaar.openbudget.selectors import published_years

    fiscal_year = first(published_years())
    line = first(BudgetLine.objects.filter(version__fiscal_year=fiscal_year,
                                           version__is_current=True,
                                           direction=Direction.EXPENDITURE)
                 .exclude(cofog="").order_by("pk"))
    return {"year": fiscal_year.year, "code": line.cofog[:3]}


def _unit(world: dict) -> dict:
    from shaar.openbudget.models import BudgetLine
    from shaar.openbudget.selectors import published_years

    fiscal_year = first(published_years())
    line = first(BudgetLine.objects.filter(version__fiscal_year=fiscal_year,
                                           version__is_current=True,
                                           admin_unit__isnull=False).order_by("pk"))
    assert line.admin_unit is not None  # filtered
    return {"year": fiscal_year.year, "code": line.admin_unit.code}


def _public_year(why: str) -> Access:
    return Access(public().ok, why, kwargs=_year)


EXPECTED: dict[str, Access] = {
    "openbudget:index": public("the newest published year, for everyone"),
    "openbudget:glossary": public(),
    "openbudget:take-part": public(),
    "openbudget:data": public("open data downloads of every published year"),
    "openbudget:line": Access(public().ok, "a line over the published years",
                              kwargs=_line),
    "openbudget:year": _public_year("a published year (404 for a year without one)"),
    "openbudget:print": _public_year("print version of a published year"),
    "openbudget:changes": _public_year("changes between versions of a published year"),
    "openbudget:function": Access(public().ok, "drill-down into a COFOG division",
                                  kwargs=_function),
    "openbudget:unit": Access(public().ok, "an administrative unit's lines", kwargs=_unit),
    "openbudget:download-csv": _public_year("open data: CSV of a published year"),
    "openbudget:download-json": _public_year("open data: JSON of a published year"),
    "openbudget:download-fdp": _public_year("open data: Fiscal Data Package"),
    # API
    "api-1:years": public("public API: published fiscal years"),
    "api-1:summary": _public_year("public API: totals of a published year"),
}
