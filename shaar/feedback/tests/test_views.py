from __future__ import annotations

import csv
import io
import json

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from shaar.accounts.models import Role
from shaar.testing import BaseTestCase, make_organisation, make_staff

from ..actions import report_change_status, report_note
from ..models import Channel, Report, ReportEvent, Status
from .factories import centre, image_bytes, make_category, make_report, make_rule

SECRETS = ("secret@example.org", "555987654", "Secret Person")


class PublicPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.category = make_category("pothole")
        self.report = make_report(self.category, self.district,
                                  contact_email="secret@example.org",
                                  contact_phone="+996555987654", contact_name="Secret Person",
                                  reporter=self.resident)

    def test_it_never_shows_the_reporter_in_public_outputs(self):
        report_note(report=self.report, actor=self.official, text="internal-only-text")
        urls = ["/en/feedback/", f"/en/feedback/{self.report.pk}/", "/en/feedback/map/",
                "/en/feedback/stats/", "/en/feedback/reports.geojson", "/en/feedback/map.json",
                "/api/v1/feedback/reports", f"/api/v1/feedback/reports/{self.report.pk}",
                "/open311/v2/requests.json?extensions=true",
                "/open311/v2/requests.xml?extensions=true"]
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            body = (response.getvalue() if response.streaming
                    else response.content).decode()
            for secret in (*SECRETS, "internal-only-text", self.resident.email, "alice"):
                self.assertNotIn(secret, body, url)
        csv = self.client.get("/en/feedback/reports.csv").getvalue().decode()
        self.assertIn(str(self.report.pk), csv)
        for secret in SECRETS:
            self.assertNotIn(secret, csv)

    def test_it_streams_exports_with_formulas_neutralised(self):
        make_report(self.category, self.district, description="=HYPERLINK(\"http://x\")",
                    address="@SUM(1+1)")
        csv_response = self.client.get("/en/feedback/reports.csv")
        self.assertTrue(csv_response.streaming)
        rows = list(csv.reader(io.StringIO(
            csv_response.getvalue().decode().lstrip("\ufeff"))))
        self.assertEqual(rows[0][:3], ["id", "category", "status"])
        self.assertIn("'=HYPERLINK(\"http://x\")", rows[2])
        self.assertIn("'@SUM(1+1)", rows[2])
        geo = self.client.get("/en/feedback/reports.geojson", {"download": "1"})
        self.assertTrue(geo.streaming)
        self.assertIn("attachment", geo["Content-Disposition"])
        data = json.loads(geo.getvalue())
        self.assertEqual(len(data["features"]), 2)
        self.assertEqual(data["features"][1]["properties"]["id"], self.report.pk)
        assert self.report.lon is not None and self.report.lat is not None
        self.assertEqual(data["features"][1]["geometry"]["coordinates"],
                         [round(self.report.lon, 6), round(self.report.lat, 6)])

    def test_it_serves_statistics_from_a_cache_that_says_how_fresh_it_is(self):
        from .. import tasks

        first = self.client.get("/en/feedback/stats/")
        self.assertContains(first, "1 report")
        self.assertContains(first, "Figures as of")
        make_report(self.category, self.district)
        with self.assertNumQueries(0, using="default"):
            from ..selectors import cached_report_stats

            self.assertEqual(cached_report_stats({})["data"]["total"], 1)
        self.assertContains(self.client.get("/en/feedback/stats/"), "1 report")
        tasks.refresh_stats()
        self.assertContains(self.client.get("/en/feedback/stats/"), "2 reports")

    def test_it_gives_the_same_public_fields_from_rows_and_instances(self):
        from ..selectors import public_report, public_rows

        row = next(public_rows(Report.objects.filter(pk=self.report.pk)))
        self.assertEqual(row, public_report(self.report))

    def test_it_serves_map_pins_by_district_and_month(self):
        month = self.report.created_at.strftime("%Y-%m")
        data = self.client.get("/en/feedback/map.json", {"district": self.district.code,
                                                         "month": month}).json()
        self.assertEqual([p[0] for p in data["points"]], [self.report.pk])
        self.assertFalse(data["truncated"])
        data = self.client.get("/en/feedback/map.json", {"district": "nowhere"}).json()
        self.assertEqual(data["points"], [])

    def test_it_shows_the_demo_open311_key_only_with_demo_data(self):
        from ..demo import DEMO_API_KEY, seed

        seed()
        self.assertNotContains(self.client.get("/en/feedback/open311/"), DEMO_API_KEY)
        self.city.demo_data_loaded = True
        self.city.save()
        self.assertContains(self.client.get("/en/feedback/open311/"), DEMO_API_KEY)
        response = self.client.post("/open311/v2/requests.json", {
            "api_key": DEMO_API_KEY, "service_code": "pothole", "lat": 42.87, "long": 74.6,
            "description": "From the call centre", "attribute[size]": "small"})
        self.assertEqual(response.status_code, 201, response.content)

    def test_it_sends_notifications_without_other_peoples_data(self):
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            report_change_status(report=self.report, actor=self.official,
                                 status=Status.ACKNOWLEDGED)
        self.assertEqual([m.to for m in mail.outbox], [["secret@example.org"]])
        self.assertNotIn(self.official.email, mail.outbox[0].body)

    def test_it_shows_the_emergency_numbers_on_the_form(self):
        body = self.client.get("/en/feedback/new/").content.decode()
        self.assertIn("not an emergency service", body)
        self.assertIn('href="tel:112"', body)

    def test_it_creates_a_report_from_the_form_and_redirects_to_the_follow_page(self):
        lat, lon = centre(self.district)
        photo = SimpleUploadedFile("p.jpg", image_bytes(), "image/jpeg")
        response = self.client.post("/en/feedback/new/", {
            "category": "pothole", "lat": lat, "lon": lon, "description": "Broken",
            "photos": [photo]})
        report = Report.objects.latest("id")
        self.assertRedirects(response, f"/en/feedback/follow/{report.token}/")
        self.assertEqual(report.channel, Channel.WEB)
        self.assertEqual(report.photos.count(), 1)

    def test_it_refuses_a_bad_photo_on_the_form_with_400(self):
        lat, lon = centre(self.district)
        photo = SimpleUploadedFile("p.jpg", b"<svg><script>alert(1)</script></svg>",
                                   "image/jpeg")
        response = self.client.post("/en/feedback/new/", {
            "category": "pothole", "lat": lat, "lon": lon, "description": "x",
            "photos": [photo]})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "not a photo", status_code=400)

    def test_it_offers_me_too_for_nearby_reports(self):
        lat, lon = centre(self.district)
        response = self.client.get("/en/feedback/nearby/", {"category": "pothole",
                                                            "lat": str(lat), "lon": str(lon)})
        self.assertContains(response, f"/en/feedback/{self.report.pk}/me-too/")
        self.client.post(f"/en/feedback/{self.report.pk}/me-too/")
        self.client.post(f"/en/feedback/{self.report.pk}/me-too/")
        self.report.refresh_from_db()
        self.assertEqual(self.report.supporter_count, 1)

    def test_it_rates_from_the_follow_page_and_reopens(self):
        report_change_status(report=self.report, actor=None, status=Status.RESOLVED)
        url = f"/en/feedback/follow/{self.report.token}/"
        self.assertContains(self.client.get(url), "Was it fixed?")
        self.client.post(url, {"fixed": "no", "score": "1"})
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, Status.IN_PROGRESS)
        self.assertEqual(self.client.post(url, {"fixed": "maybe"}).status_code, 400)

    def test_it_hides_hidden_reports_and_answers_404_for_bad_ids(self):
        Report.objects.filter(pk=self.report.pk).update(is_hidden=True)
        self.assertEqual(self.client.get(f"/en/feedback/{self.report.pk}/").status_code, 404)
        self.assertEqual(self.client.get("/en/feedback/999999/").status_code, 404)
        self.assertEqual(self.client.get("/en/feedback/follow/not-a-uuid/").status_code, 404)

    def test_it_lists_a_residents_own_reports_with_their_progress(self):
        report_change_status(report=self.report, actor=None, status=Status.ACKNOWLEDGED)
        someone_elses = make_report(self.category, self.district)
        self.client.force_login(self.resident)
        response = self.client.get("/en/feedback/mine/")
        self.assertContains(response, f"/feedback/follow/{self.report.token}/")
        self.assertContains(response, "status-acknowledged")
        self.assertNotContains(response, f"#{someone_elses.pk}<")
        self.assertNotContains(response, str(someone_elses.token))
        # Anonymous: no list, the private link explained, a way to log in.
        self.client.logout()
        response = self.client.get("/en/feedback/mine/")
        self.assertContains(response, "private link")
        self.assertNotContains(response, str(self.report.token))
        self.assertEqual(self.client.post("/en/feedback/mine/").status_code, 405)

    def test_it_lists_own_reports_with_a_bounded_number_of_queries(self):
        self.client.force_login(self.resident)
        self.client.get("/en/feedback/mine/")  # the city row is cached after this
        # session, user (with whether they hold a role), count, two for the menu's
        # permissions, one page of rows with their categories: the same for one report as
        # for fifty.
        with self.assertNumQueries(6):
            self.client.get("/en/feedback/mine/")
        for _ in range(5):
            make_report(self.category, self.district, reporter=self.resident)
        with self.assertNumQueries(6):
            self.client.get("/en/feedback/mine/")

    def test_it_lists_with_a_bounded_number_of_queries(self):
        for _ in range(5):
            make_report(self.category, self.district)
        self.client.get("/en/feedback/")  # the city row is cached after this
        # count, categories and districts for the filters, one page of rows
        with self.assertNumQueries(4):
            self.client.get("/en/feedback/?status=open")
        for _ in range(5):
            make_report(self.category, self.district)
        with self.assertNumQueries(4):
            self.client.get("/en/feedback/?status=open")


class StaffTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.category = make_category("waste")
        self.org = make_organisation("tazalyk")
        self.other_org = make_organisation("vodokanal")
        make_rule(self.category, organisation=self.org)
        self.provider = make_staff(Role.PROVIDER_STAFF, "prov", organisation=self.org)
        self.other_provider = make_staff(Role.PROVIDER_STAFF, "other",
                                         organisation=self.other_org)
        self.report = make_report(self.category, self.district)
        report_note(report=self.report, actor=self.provider, text="org-secret-note")

    def url(self, action=""):
        base = f"/en/feedback/staff/{self.report.pk}/"
        return base + (f"{action}/" if action else "")

    def test_it_enforces_the_access_matrix_on_the_report_page(self):
        self.assertEqual(self.client.get(self.url()).status_code, 302)  # anonymous
        expected = [(self.outsider, 403), (self.resident, 403), (self.other_provider, 403),
                    (self.official, 403), (self.provider, 200), (self.admin, 200),
                    (self.moderator, 200)]
        for user, status in expected:
            self.client.force_login(user)
            response = self.client.get(self.url())
            self.assertEqual(response.status_code, status, user)
            if status == 200:
                shows_note = "org-secret-note" in response.content.decode()
                self.assertEqual(shows_note, user != self.moderator, user)

    def test_it_keeps_other_organisations_out_of_the_inbox_and_actions(self):
        self.client.force_login(self.other_provider)
        self.assertNotContains(self.client.get("/en/feedback/staff/"), self.url())
        response = self.client.post(self.url("status"), {"status": "acknowledged"})
        self.assertEqual(response.status_code, 403)
        response = self.client.post("/en/feedback/staff/", {"ids": [self.report.pk],
                                                            "status": "acknowledged"})
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, Status.NEW)

    def test_it_lets_the_provider_work_the_report(self):
        self.client.force_login(self.provider)
        self.assertContains(self.client.get("/en/feedback/staff/"), self.url())
        self.client.post(self.url("status"), {"status": "acknowledged"})
        self.client.post(self.url("reply"), {"text": "On our way"})
        self.client.post(self.url("assign"), {"assignee": self.provider.pk})
        self.report.refresh_from_db()
        self.assertEqual((self.report.status, self.report.assignee),
                         (Status.ACKNOWLEDGED, self.provider))
        self.assertTrue(self.report.events.filter(kind="reply", text="On our way").exists())
        # Providers cannot re-route or moderate.
        self.assertEqual(self.client.post(self.url("reroute"),
                                          {"organisation": self.other_org.pk}).status_code, 403)
        self.assertEqual(self.client.post(self.url("moderate"),
                                          {"reason": "x", "hide": "hide"}).status_code, 403)
        self.assertEqual(self.client.get(self.url("status")).status_code, 405)
        self.assertEqual(self.client.post(self.url("bogus")).status_code, 404)

    def test_it_changes_in_bulk(self):
        other = make_report(self.category, self.district)
        self.client.force_login(self.provider)
        self.client.post("/en/feedback/staff/", {"ids": [self.report.pk, other.pk],
                                                 "status": "acknowledged"})
        self.assertEqual(Report.objects.filter(status=Status.ACKNOWLEDGED).count(), 2)

    def test_it_ignores_ids_out_of_range_in_a_bulk_change(self):
        self.client.force_login(self.provider)
        response = self.client.post("/en/feedback/staff/", {
            "ids": ["99999999999999999999", "-1", "x"], "status": "acknowledged"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Report.objects.filter(status=Status.ACKNOWLEDGED).exists())

    def test_it_lets_triage_reroute_and_moderators_hide(self):
        self.client.force_login(self.admin)
        self.client.post(self.url("reroute"), {"organisation": self.other_org.pk})
        self.report.refresh_from_db()
        self.assertEqual(self.report.organisation, self.other_org)
        self.client.force_login(self.moderator)
        self.client.post(self.url("moderate"), {"reason": "abuse", "hide": "hide"})
        self.report.refresh_from_db()
        self.assertTrue(self.report.is_hidden)
        self.assertTrue(ReportEvent.objects.filter(kind="moderated", text="abuse").exists())

    def test_it_filters_the_inbox(self):
        self.client.force_login(self.admin)
        response = self.client.get("/en/feedback/staff/?status=resolved")
        self.assertNotContains(response, self.url())
        response = self.client.get("/en/feedback/staff/?status=new&category=waste")
        self.assertContains(response, self.url())

    def test_it_registers_an_appeal_with_its_channel(self):
        self.client.force_login(self.provider)
        lat, lon = centre(self.district)
        response = self.client.post("/en/feedback/staff/appeal/", {
            "category": "waste", "channel": "letter", "lat": lat, "lon": lon,
            "description": "Letter from a resident", "contact_name": "Asel"})
        self.assertRedirects(response, "/en/feedback/staff/")
        report = Report.objects.latest("id")
        self.assertEqual((report.channel, report.registered_by),
                         (Channel.LETTER, self.provider))
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get("/en/feedback/staff/appeal/").status_code, 403)

    def test_it_shows_systemic_issues_to_city_staff_only(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get("/en/feedback/staff/systemic/").status_code, 200)
        self.client.force_login(self.provider)
        self.assertEqual(self.client.get("/en/feedback/staff/systemic/").status_code, 403)

    def test_it_lists_a_cluster_with_its_districts_and_channels(self):
        # A Counter in the template answered 0 for "items": a 500 once a cluster existed.
        lat, lon = centre(self.district)
        for i in range(5):
            make_report(self.category, self.district, lat=lat + i * 0.0002, lon=lon)
        self.client.force_login(self.admin)
        response = self.client.get("/en/feedback/staff/systemic/")
        self.assertContains(response, f"{self.district.name} (")
