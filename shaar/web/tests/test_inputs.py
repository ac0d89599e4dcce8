"""Every input bounded, every error a 4xx: ids out of range, malformed bodies, control
characters."""

from __future__ import annotations

from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from shaar.feedback import actions
from shaar.feedback.models import DESCRIPTION_MAX_LENGTH, ApiClient, Category, Report, Status
from shaar.feedback.tests.factories import centre, make_category, make_report
from shaar.testing import BaseTestCase

API = "/api/v1/feedback/reports"
HUGE = "99999999999999999999"  # more than a bigint holds


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


class IdRangeTests(SimpleTestCase):
    def test_it_uses_the_bounded_id_converter_in_every_pattern(self):
        routes = [route for route, _p in _patterns(get_resolver()) if "<int:" in route]
        self.assertEqual(routes, [])

    def test_it_does_not_match_an_id_a_bigint_cannot_hold(self):
        from django.urls import Resolver404, resolve
        from django.utils import translation

        translation.activate("en")
        self.addCleanup(translation.deactivate)
        for path in (f"/en/feedback/{HUGE}/", f"/en/budget/proposals/{HUGE}/review/",
                     f"/en/providers/staff/{HUGE}/2026-11/", f"/en/grants/awards/{HUGE}/"):
            with self.assertRaises(Resolver404, msg=path):
                resolve(path)
        self.assertEqual(resolve("/en/feedback/123456789012345678/").kwargs,
                         {"report_id": 123456789012345678})


class InputTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_category("pothole")
        self.lat, self.lon = centre(self.district)
        client = ApiClient(name="App")
        client.set_key("good-key")
        client.save()
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def open311(self, description: str):
        return self.client.post("/open311/v2/requests.json", {
            "api_key": "good-key", "service_code": "pothole", "lat": self.lat,
            "long": self.lon, "description": description})

    def test_it_strips_control_characters_from_every_door(self):
        dirty = "Hole\x0bdeep\x0c\x1b[31m\x00 here\r\n\tnow\x7f"
        self.assertEqual(self.open311(dirty).status_code, 201)
        self.assertEqual(self.client.post(API, {"category": "pothole", "lat": self.lat,
                                                "lon": self.lon, "description": dirty}
                                          ).status_code, 201)
        self.client.post("/en/feedback/new/", {"category": "pothole", "lat": self.lat,
                                               "lon": self.lon, "description": dirty})
        self.assertEqual(set(Report.objects.values_list("description", flat=True)),
                         {"Hole\ndeep\n[31m here\r\n\tnow"})
        # The XML of every page that includes them stays well-formed.
        xml = self.client.get("/open311/v2/requests.xml").content
        self.assertEqual(len(ElementTree.fromstring(xml)), 3)  # noqa: S314 (our own output)

    def test_it_cleans_json_bodies(self):
        report = make_report(Category.objects.get(code="pothole"), self.district)
        Report.objects.filter(pk=report.pk).update(status=Status.RESOLVED,
                                                   resolved_at=timezone.now())
        response = self.client.post(f"/api/v1/feedback/follow/{report.token}/rating",
                                    {"fixed": True, "score": 5, "comment": "ok\x00\x1b"},
                                    content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(report.ratings.get().comment, "ok")

    def test_it_answers_400_to_a_multipart_body_without_a_boundary(self):
        for url in (API, "/open311/v2/requests.json", "/en/feedback/new/"):
            response = self.client.generic("POST", url, b"--x\r\n\r\n",
                                           content_type="multipart/form-data")
            self.assertEqual(response.status_code, 400, url)
        self.assertIn("could not be read", self.client.generic(
            "POST", API, b"x", content_type="multipart/form-data").json()["detail"])
        xml = self.client.generic("POST", "/open311/v2/requests.xml", b"x",
                                  content_type="multipart/form-data; boundary=")
        self.assertEqual(xml.status_code, 400)
        self.assertEqual(ElementTree.fromstring(xml.content).tag, "errors")  # noqa: S314

    def test_it_refuses_a_description_above_the_one_limit_in_every_channel(self):
        long = "x" * (DESCRIPTION_MAX_LENGTH + 1)
        response = self.client.post(API, {"category": "pothole", "lat": self.lat,
                                          "lon": self.lon, "description": long})
        self.assertEqual(response.status_code, 422)  # the API's schema states the same limit
        self.assertEqual(self.open311(long).status_code, 400)
        with self.assertRaises(ValidationError):
            actions.report_create(category=Category.objects.get(code="pothole"),
                                  lat=self.lat, lon=self.lon, description=long)
        self.assertFalse(Report.objects.exists())
