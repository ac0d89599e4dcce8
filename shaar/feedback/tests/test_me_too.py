""""Me too": one per person. A signed-in resident counts once; a visitor needs the CSRF token
of a page of this site and is limited per browser and per address, on the web and the API."""

from __future__ import annotations

from django.core.cache import cache
from django.test import Client, override_settings

from shaar.testing import BaseTestCase

from .factories import make_category, make_report

API = "/api/v1/feedback/reports/{}/me-too"
WEB = "/en/feedback/{}/me-too/"


@override_settings(FEEDBACK_ME_TOO_PER_REPORT="5/d", FEEDBACK_ME_TOO_RATE="30/h")
class MeTooTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.addCleanup(cache.clear)
        self.report = make_report(make_category("pothole"), self.district)

    def visitor(self) -> tuple[Client, str]:
        """A new browser that opened a page of the site: it holds the CSRF cookie."""
        client = Client(enforce_csrf_checks=True)
        client.get(f"/en/feedback/{self.report.pk}/")
        client.get("/en/feedback/new/")
        token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
        return client, token

    def count(self) -> int:
        self.report.refresh_from_db()
        return self.report.supporter_count

    def test_the_api_refuses_a_call_without_the_form_token(self):
        client = Client(enforce_csrf_checks=True)
        for _n in range(25):
            self.assertEqual(client.post(API.format(self.report.pk)).status_code, 403)
        self.assertEqual(self.count(), 0)

    def test_new_browsers_from_one_address_cannot_inflate_the_count(self):
        answers = []
        for _n in range(25):
            client, token = self.visitor()
            answers.append(client.post(API.format(self.report.pk),
                                       headers={"X-CSRFToken": token}).status_code)
        self.assertEqual(answers.count(200), 5)
        self.assertEqual(set(answers[5:]), {429})
        self.assertEqual(self.count(), 5)

    def test_one_browser_counts_once_on_the_web_form(self):
        client, token = self.visitor()
        for _n in range(3):
            client.post(WEB.format(self.report.pk), {"csrfmiddlewaretoken": token})
        self.assertEqual(self.count(), 1)
        # Without the token the form is refused outright.
        self.assertEqual(Client(enforce_csrf_checks=True).post(WEB.format(self.report.pk))
                         .status_code, 403)

    def test_a_signed_in_resident_counts_once_whatever_the_channel(self):
        client = Client()
        client.force_login(self.resident)
        client.post(WEB.format(self.report.pk))
        client.post(API.format(self.report.pk))
        self.assertEqual(self.count(), 1)
