"""Two simultaneous submissions with one Idempotency-Key create one report (PostgreSQL)."""

from __future__ import annotations

import threading
import time
import unittest

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase

from shaar.testing import make_city, make_district

from ..actions import body_fingerprint, idempotent, report_create
from ..models import Report
from .factories import centre, make_category


@pytest.mark.postgres
@unittest.skipUnless(connection.vendor == "postgresql",
                     "needs PostgreSQL: SQLite's test database is not shared between threads")
class ConcurrentRetriesTests(TransactionTestCase):
    """The two requests run in threads, each with its own connection: they must see
    committed rows."""

    def test_it_creates_one_report_for_concurrent_retries(self) -> None:
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
        self.assertEqual(Report.objects.count(), 1)
        self.assertEqual(results[0], results[1])
        self.assertEqual(results[0], (201, {"id": Report.objects.get().pk}))
