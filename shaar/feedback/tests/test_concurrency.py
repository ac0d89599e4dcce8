"""Two simultaneous submissions with one Idempotency-Key create one report (PostgreSQL)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from shaar.testing import make_city, make_district

from ..actions import body_fingerprint, idempotent, report_create
from ..models import Report
from .factories import centre, make_category


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_creates_one_report_for_concurrent_retries():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's test database is not shared between threads")
    make_city()
    district = make_district()
    category = make_category()
    lat, lon = centre(district)
    results = []

    def submit():
        def run():
            report = report_create(category=category, lat=lat, lon=lon, description="x")
            time.sleep(0.3)  # both requests are inside their transaction now
            return 201, {"id": report.pk}

        try:
            results.append(idempotent(key="same", fingerprint=body_fingerprint({"a": 1}),
                                      run=run))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Report.objects.count() == 1
    assert results[0] == results[1] == (201, {"id": Report.objects.get().pk})
