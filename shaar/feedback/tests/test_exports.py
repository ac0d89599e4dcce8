"""The whole city's downloads are files built in the background and sent as they are;
filtered downloads stream live; moderation takes the files offline at once."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.http import FileResponse
from django.test import override_settings

from shaar.testing import BaseTestCase, make_district

from .. import exports
from ..actions import report_moderate
from .factories import make_category, make_report


def _body(response) -> str:
    return b"".join(response.streaming_content).decode().lstrip("\ufeff")


def _csv_ids(response) -> set[int]:
    return {int(row[0]) for row in list(csv.reader(io.StringIO(_body(response))))[1:]}


class ExportFileTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.category = make_category("pothole")
        self.first = make_report(self.category, self.district, description="Deep pothole")

    def test_it_sends_the_built_file_dated_as_its_data_until_the_next_build(self):
        exports.build_all()
        later = make_report(self.category, self.district)
        response = self.client.get("/en/feedback/reports.csv")
        self.assertIsInstance(response, FileResponse)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertTrue(response["Last-Modified"].endswith("GMT"))
        self.assertEqual(_csv_ids(response), {self.first.pk})
        # A filter is answered live, from the database as it is now.
        live = self.client.get("/en/feedback/reports.csv", {"district": self.district.code})
        self.assertNotIsInstance(live, FileResponse)
        self.assertEqual(_csv_ids(live), {self.first.pk, later.pk})
        exports.build_all()
        self.assertEqual(_csv_ids(self.client.get("/en/feedback/reports.csv")),
                         {self.first.pk, later.pk})

    def test_the_pages_say_how_old_the_files_are_only_when_they_download_them(self):
        self.assertNotContains(self.client.get("/en/feedback/"), "as of")
        exports.build_all()
        self.assertContains(self.client.get("/en/feedback/"),
                            "Files for the whole city: as of")
        self.assertContains(self.client.get("/ru/feedback/stats/"),
                            "Файлы по всему городу: на")
        filtered = self.client.get("/en/feedback/", {"district": self.district.code})
        self.assertNotContains(filtered, "Files for the whole city")

    def test_each_language_has_its_geojson_with_its_names_and_links(self):
        exports.build_all()
        for language in ("ky", "ru", "en"):
            response = self.client.get(f"/{language}/feedback/reports.geojson",
                                       {"download": "1"})
            self.assertIsInstance(response, FileResponse)
            self.assertEqual(response["Content-Type"], "application/geo+json")
            feature = json.loads(_body(response))["features"][0]
            self.assertEqual(feature["properties"]["url"],
                             f"/{language}/feedback/{self.first.pk}/")
        # The map layer (no download) is never the file: the latest 5,000, live.
        layer = self.client.get("/en/feedback/reports.geojson")
        self.assertNotIsInstance(layer, FileResponse)

    def test_a_request_that_finds_no_file_is_answered_live_and_asks_for_a_build(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            first = self.client.get("/en/feedback/reports.csv")
        self.assertNotIsInstance(first, FileResponse)
        self.assertEqual(_csv_ids(first), {self.first.pk})
        self.assertEqual(len(callbacks), 1)  # the build, once for many requests
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            self.client.get("/en/feedback/reports.csv")
        self.assertEqual(callbacks, [])
        self.assertIsInstance(self.client.get("/en/feedback/reports.csv"), FileResponse)

    def test_a_file_older_than_the_schedule_is_sent_and_a_new_one_asked_for(self):
        exports.build_all()
        later = make_report(self.category, self.district)
        path = Path(settings.FEEDBACK_EXPORTS_DIR) / exports.CSV_NAME
        old = time.time() - settings.FEEDBACK_EXPORTS_MINUTES * 60 - 1
        os.utime(path, (old, old))
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            stale = self.client.get("/en/feedback/reports.csv")
        self.assertEqual(_csv_ids(stale), {self.first.pk})
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(_csv_ids(self.client.get("/en/feedback/reports.csv")),
                         {self.first.pk, later.pk})

    @override_settings(FEEDBACK_EXPORTS_ACCEL_PREFIX="/_exports/")
    def test_behind_nginx_it_hands_the_file_over_with_x_accel_redirect(self):
        exports.build_all()
        response = self.client.get("/ky/feedback/reports.geojson", {"download": "1"})
        self.assertEqual(response["X-Accel-Redirect"], "/_exports/reports.ky.geojson")
        self.assertEqual(response.content, b"")

    def test_hiding_or_editing_a_report_withdraws_the_files_and_rebuilds_them(self):
        hidden = make_report(self.category, self.district, description="Abusive words")
        exports.build_all()
        self.assertIn(hidden.pk, _csv_ids(self.client.get("/en/feedback/reports.csv")))
        with self.captureOnCommitCallbacks(execute=True):
            report_moderate(report=hidden, actor=self.moderator, reason="abuse", hide=True)
        self.assertEqual(_csv_ids(self.client.get("/en/feedback/reports.csv")),
                         {self.first.pk})
        with self.captureOnCommitCallbacks(execute=True):
            report_moderate(report=self.first, actor=self.moderator, reason="a phone number",
                            description="Deep pothole (number removed)")
        body = _body(self.client.get("/en/feedback/reports.csv"))
        self.assertIn("number removed", body)

    def test_a_build_overtaken_by_a_withdrawal_is_thrown_away(self):
        real_rows = exports.csv_rows

        def rows_while_a_moderator_hides(qs):
            with (mock.patch.object(exports, "request_build"),
                  self.captureOnCommitCallbacks(execute=True)):
                exports.withdraw_all()
            return real_rows(qs)

        with mock.patch.object(exports, "csv_rows", rows_while_a_moderator_hides):
            self.assertEqual(exports.build_all(), [])
        self.assertEqual([p.name for p in Path(settings.FEEDBACK_EXPORTS_DIR).iterdir()],
                         [exports.WITHDRAWN_MARK])
        # The next build, once the clock margin has passed, is published.
        with mock.patch.object(exports, "CLOCK_MARGIN", -1.0):
            self.assertEqual(exports.build_all(), exports.file_names())

    def test_only_public_reports_and_fields_are_in_the_files(self):
        other = make_district("sverdlovsky")
        hidden = make_report(self.category, other, contact_email="secret@example.org",
                             contact_phone="+996555987654")
        hidden.is_hidden = True
        hidden.save(update_fields=["is_hidden"])
        exports.build_all()
        for name in exports.file_names():
            path = Path(settings.FEEDBACK_EXPORTS_DIR) / name
            self.assertEqual(path.stat().st_mode & 0o777, 0o644, name)  # nginx reads them
            text = path.read_text()
            self.assertIn("Deep pothole", text)
            for secret in ("secret@example.org", "555987654", "sverdlovsky"):
                self.assertNotIn(secret, text, name)
