from __future__ import annotations

import json
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from shaar.testing import BaseTestCase

from ..actions import report_change_status
from ..models import IdempotencyKey, Report, Status
from .factories import centre, image_bytes, make_category, make_question, make_report

URL = "/api/v1/feedback/reports"


class ReportApiTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.category = make_category("pothole")
        self.lat, self.lon = centre(self.district)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def body(self, **extra):
        return {"category": "pothole", "lat": self.lat, "lon": self.lon,
                "description": "Hole", **extra}

    def post(self, data, key=None, **headers):
        if key:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return self.client.post(URL, data, **headers)

    def test_it_creates_a_report_and_returns_no_personal_data(self):
        response = self.post(self.body(contact_email="secret@example.org",
                                       contact_phone="+996555123456", contact_name="Aibek"))
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual(data["district"], self.district.code)
        detail = self.client.get(f"{URL}/{data['id']}").content.decode()
        listing = self.client.get(URL).content.decode()
        for text in (detail, listing, response.content.decode()):
            for secret in ("secret@example.org", "555123456", "Aibek"):
                self.assertNotIn(secret, text)

    def test_it_returns_the_first_response_on_a_retry_and_creates_nothing(self):
        first = self.post(self.body(), key="abc-123")
        second = self.post(self.body(), key="abc-123")
        self.assertEqual(first.status_code, 201)
        self.assertEqual(second.status_code, 201)
        self.assertEqual(first.json(), second.json())
        self.assertEqual(Report.objects.count(), 1)

    def test_it_answers_422_to_the_same_key_with_another_body(self):
        self.post(self.body(), key="abc-123")
        response = self.post(self.body(description="Other"), key="abc-123")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(Report.objects.count(), 1)

    def test_it_answers_a_retry_from_the_key_even_when_the_body_would_now_be_refused(self):
        # The key is not looked up first: the retry runs, fails, and the stored answer wins.
        first = self.post(self.body(), key="abc-123")
        self.category.is_active = False
        self.category.save()
        retry = self.post(self.body(), key="abc-123")
        self.assertEqual((retry.status_code, retry.json()), (201, first.json()))
        other = self.post(self.body(description="Other"), key="abc-123")
        self.assertEqual(other.status_code, 422)
        self.assertEqual(Report.objects.count(), 1)

    def test_it_lets_an_expired_key_be_used_again(self):
        self.post(self.body(), key="abc-123")
        IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
        again = self.post(self.body(description="A new problem"), key="abc-123")
        self.assertEqual(again.status_code, 201, again.content)
        self.assertEqual(Report.objects.count(), 2)
        self.assertEqual(IdempotencyKey.objects.get().response["id"], again.json()["id"])

    def test_it_does_not_keep_the_key_of_a_refused_request(self):
        response = self.post(self.body(description=""), key="k-1")
        self.assertEqual(response.status_code, 422)  # the schema says: at least one letter
        self.assertFalse(IdempotencyKey.objects.exists())
        self.assertEqual(self.post(self.body(), key="k-1").status_code, 201)

    def test_it_accepts_a_photo_and_answers(self):
        make_question(self.category, "size", "singlevaluelist", required=True,
                      values=["s", "l"])
        photo = SimpleUploadedFile("p.jpg", image_bytes(exif_gps=True), "image/jpeg")
        response = self.client.post(URL, {**self.body(answers=json.dumps({"size": "l"})),
                                          "photos": [photo]})
        self.assertEqual(response.status_code, 201, response.content)
        report = Report.objects.get()
        self.assertEqual(report.answers, {"size": "l"})
        self.assertEqual(report.photos.count(), 1)

    def test_it_refuses_bad_input_with_4xx(self):
        cases = [self.body(category="nope"), self.body(lat=200), self.body(lat="x"),
                 self.body(answers="[1]"), self.body(answers="{bad")]
        for data in cases:
            response = self.post(data)
            self.assertIn(response.status_code, (400, 422), (data, response.content))
        photo = SimpleUploadedFile("p.jpg", b"not an image", "image/jpeg")
        response = self.client.post(URL, {**self.body(), "photos": [photo]})
        self.assertEqual(response.status_code, 400)
        self.assertIn("not a photo", response.json()["detail"])
        self.assertFalse(Report.objects.exists())

    @override_settings(PUBLIC_WRITE_RATES={"feedback-report": {
        "anonymous": "2/h", "account": "2/h", "client": "2/h"}})
    def test_it_rate_limits_anonymous_reports_but_not_retries(self):
        self.assertEqual(self.post(self.body(), key="a").status_code, 201)
        self.assertEqual(self.post(self.body(description="b")).status_code, 201)
        self.assertEqual(self.post(self.body(), key="a").status_code, 201)  # a retry
        self.assertEqual(self.post(self.body(description="c")).status_code, 429)

    def test_it_requires_csrf_for_a_logged_in_session(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.resident)
        self.assertEqual(client.post(URL, self.body()).status_code, 403)
        report = make_report(self.category, self.district)
        self.assertEqual(client.post(f"{URL}/{report.pk}/me-too").status_code, 403)

    def test_it_lists_reports_by_district_and_month(self):
        report = make_report(self.category, self.district)
        month = report.created_at.strftime("%Y-%m")
        data = self.client.get(URL, {"district": self.district.code, "month": month}).json()
        self.assertEqual([r["id"] for r in data["items"]], [report.pk])
        data = self.client.get(URL, {"district": self.district.code,
                                     "month": "2001-01"}).json()
        self.assertEqual(data["items"], [])

    def test_it_hides_hidden_reports(self):
        report = make_report(self.category, self.district)
        Report.objects.filter(pk=report.pk).update(is_hidden=True)
        self.assertEqual(self.client.get(f"{URL}/{report.pk}").status_code, 404)
        self.assertEqual(self.client.get(URL).json()["items"], [])

    def test_it_adds_me_too_and_rates_through_the_api(self):
        report = make_report(self.category, self.district)
        response = self.client.post(f"{URL}/{report.pk}/me-too")
        self.assertEqual(response.json(), {"added": True, "supporters": 1})
        self.assertEqual(self.client.post(f"{URL}/{report.pk}/me-too").json()["added"], False)
        report_change_status(report=report, actor=None, status=Status.RESOLVED)
        url = f"/api/v1/feedback/follow/{report.token}/rating"
        response = self.client.post(url, {"fixed": False, "score": 2},
                                    content_type="application/json")
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["status"], Status.IN_PROGRESS)
        self.assertEqual(self.client.post("/api/v1/feedback/follow/nope/rating",
                                          {"fixed": True, "score": 2},
                                          content_type="application/json").status_code, 404)

    def test_it_lists_categories_with_questions(self):
        make_question(self.category, "size", "singlevaluelist", values=["s"])
        data = self.client.get("/api/v1/feedback/categories").json()
        self.assertEqual(data[0]["questions"][0]["values"], [{"key": "s", "name": "s"}])
        self.assertEqual(self.client.get("/api/v1/feedback/categories/zzz").status_code, 404)

    def test_it_is_in_the_openapi_schema(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        self.assertIn("/api/v1/feedback/reports", schema["paths"])
        self.assertIn("422", schema["paths"]["/api/v1/feedback/reports"]["post"]["responses"])
