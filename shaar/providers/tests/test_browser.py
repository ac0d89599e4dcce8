"""The provider page on a phone: chart, data table and map draw without CSP errors."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shaar.testing import make_city, make_district

from .. import actions, metrics, sources
from ..metrics import ReportRecord
from .factories import make_level, make_provider

TZ = ZoneInfo("Asia/Bishkek")  # the test city's (make_city)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_draws_the_trend_chart_and_map_on_a_phone(page, live_server) -> None:
    make_city()
    district = make_district("leninsky")
    profile = make_provider("tazalyk", districts=[district])
    make_level(profile, "waste-uncollected", 12, 48)
    month = metrics.previous_month(metrics.month_of(timezone.now(), TZ))
    start = metrics.month_start(month, TZ)
    records = [ReportRecord(report_id=i, organisation_id=profile.organisation_id,
                            category="waste-uncollected", district_id=district.id,
                            received_at=start + timedelta(hours=i),
                            acknowledged_at=start + timedelta(hours=i + 2),
                            resolved_at=(start + timedelta(hours=i + 30),))
               for i in range(30)]
    source = sources.ListSource(records, open_reports=[sources.OpenReport(
        1, "waste-uncollected", 42.87, 74.6, start, start, None)])
    sources.set_source_for_tests(source)
    try:
        actions.scorecards_compute(month=month, source=source)
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text)
                if "Content Security Policy" in msg.text else None)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server.url}/en/providers/tazalyk/")
        page.wait_for_function("() => document.querySelector('#trend-chart').width > 0")
        assert page.locator("table").first.is_visible()
        assert page.locator("#open-map .leaflet-interactive").count() >= 1
        assert page.get_by_text("How the figures are computed").first.is_visible()
        assert errors == []
        page.goto(f"{live_server.url}/en/providers/")
        assert page.get_by_role("link", name="tazalyk").first.is_visible()
    finally:
        sources.set_source_for_tests(None)
