from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import Direction
from .selectors import current_version_of, published_years, share_per_hundred, version_summary


def home_cards(request: HttpRequest):
    from shaar.web.registry import HomeCard

    fiscal_year = published_years().first()
    if fiscal_year is None:
        return []
    version = current_version_of(fiscal_year)
    assert version is not None  # a published year has one
    summary = version_summary(version)
    spending = summary["by_direction"][Direction.EXPENDITURE]["plan"]
    rows = sorted(summary["by_division"].items(), key=lambda kv: kv[1]["plan"] or 0,
                  reverse=True)
    text = _("Where the city's money comes from and where it goes, in plain language.")
    if rows and spending:
        from . import cofog

        code, totals = rows[0]
        share = share_per_hundred(totals["plan"], spending)
        assert share is not None  # the spending is not zero
        text = _("Of every 100 som the city spends in %(year)s, %(share)s go to %(function)s.") % {
            "year": fiscal_year.year,
            "share": number_format(share),
            "function": cofog.DIVISIONS[code].name.lower()}
    return [HomeCard(title=_("City budget %(year)s") % {"year": fiscal_year.year}, text=text,
                     url=reverse("openbudget:year", args=[fiscal_year.year]),
                     is_sample=fiscal_year.is_sample)]
