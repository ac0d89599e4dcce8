"""Open311 GeoReport v2 conformance, written from http://wiki.open311.org/GeoReport_v2."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree

from shaar.testing import BaseTestCase

from ..actions import report_change_status, report_reply
from ..models import ApiClient, Channel, Report, Status
from .factories import centre, make_category, make_question, make_report, make_rule

BASE = "/open311/v2/"
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


class Open311Tests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.category = make_category("pothole")
        make_question(self.category, "size", "singlevaluelist", required=True,
                      values=["small", "large"])
        make_question(self.category, "kinds", "multivaluelist", values=["a", "b"])
        self.client_app = ApiClient(name="Call centre")
        self.client_app.set_key("good-key")
        self.client_app.save()
        self.lat, self.lon = centre(self.district)

    def post(self, fmt="json", HTTP_IDEMPOTENCY_KEY=None, **data):
        headers = {"HTTP_IDEMPOTENCY_KEY": HTTP_IDEMPOTENCY_KEY} if HTTP_IDEMPOTENCY_KEY else {}
        body = {"api_key": "good-key", "service_code": "pothole", "lat": self.lat,
                "long": self.lon, "description": "Hole", "attribute[size]": "small", **data}
        body = {k: v for k, v in body.items() if v is not None}
        return self.client.post(f"{BASE}requests.{fmt}", body, **headers)

    def xml(self, response):
        self.assertTrue(response["Content-Type"].startswith("text/xml"))
        return ElementTree.fromstring(response.content)  # noqa: S314 (our own output)

    # --- discovery and services ---
    def test_it_serves_discovery_in_json_and_xml(self):
        data = self.client.get(f"{BASE}discovery.json").json()
        self.assertEqual(data["endpoints"][0]["specification"],
                         "http://wiki.open311.org/GeoReport_v2")
        self.assertRegex(data["changeset"], W3C)
        root = self.xml(self.client.get(f"{BASE}discovery.xml"))
        self.assertEqual(root.tag, "discovery")
        self.assertEqual(root.find("endpoints/endpoint/formats/format").text, "text/xml")

    def test_it_lists_services(self):
        data = self.client.get(f"{BASE}services.json").json()
        self.assertEqual(set(data[0]), {"service_code", "service_name", "description",
                                        "metadata", "type", "keywords", "group"})
        self.assertEqual(data[0]["service_code"], "pothole")
        self.assertIs(data[0]["metadata"], True)
        root = self.xml(self.client.get(f"{BASE}services.xml"))
        self.assertEqual(root.tag, "services")
        self.assertEqual(root.find("service/metadata").text, "true")

    def test_it_defines_a_service_with_attributes(self):
        data = self.client.get(f"{BASE}services/pothole.json").json()
        self.assertEqual(data["service_code"], "pothole")
        size = data["attributes"][0]
        self.assertEqual((size["code"], size["datatype"], size["required"], size["variable"]),
                         ("size", "singlevaluelist", True, True))
        self.assertEqual(size["values"], [{"key": "small", "name": "small"},
                                          {"key": "large", "name": "large"}])
        root = self.xml(self.client.get(f"{BASE}services/pothole.xml"))
        self.assertEqual(root.tag, "service_definition")
        self.assertEqual(root.find("attributes/attribute/values/value/key").text, "small")

    def test_it_answers_404_for_an_unknown_service(self):
        for fmt in ("json", "xml"):
            response = self.client.get(f"{BASE}services/nope.{fmt}")
            self.assertEqual(response.status_code, 404)
            self.assert_error(response, fmt, 404)

    # --- POST requests ---
    def test_it_creates_a_request_routed_like_a_web_report(self):
        response = self.post(**{"attribute[kinds][]": ["a", "b"], "email": "x@example.org",
                                "first_name": "Aida", "address_string": "Chui 1"})
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual(set(data[0]), {"service_request_id", "service_notice", "account_id"})
        report = Report.objects.get(pk=int(data[0]["service_request_id"]))
        self.assertEqual(report.channel, Channel.OPEN311)
        self.assertEqual(report.client, self.client_app)
        self.assertEqual(report.answers, {"size": "small", "kinds": ["a", "b"]})
        self.assertEqual(report.district, self.district)
        self.assertEqual(report.contact_email, "x@example.org")

    def test_it_creates_a_request_in_xml(self):
        response = self.post(fmt="xml")
        self.assertEqual(response.status_code, 201)
        root = self.xml(response)
        self.assertEqual(root.tag, "service_requests")
        self.assertTrue(root.find("request/service_request_id").text.isdigit())

    def assert_error(self, response, fmt, status):
        self.assertEqual(response.status_code, status)
        if fmt == "json":
            errors = response.json()
            self.assertIsInstance(errors, list)
            self.assertEqual(errors[0]["code"], status)
            self.assertTrue(errors[0]["description"])
        else:
            root = self.xml(response)
            self.assertEqual(root.tag, "errors")
            self.assertEqual(root.find("error/code").text, str(status))
            self.assertTrue(root.find("error/description").text)

    def test_it_answers_every_error_with_the_error_array(self):
        cases: list[tuple[dict[str, Any], int]] = [
            ({"service_code": None}, 400),
            ({"service_code": "nope"}, 404),
            ({"lat": None, "long": None}, 400),
            ({"lat": None}, 400),
            ({"api_key": "bad"}, 403),
            ({"api_key": None}, 403),
            ({"attribute[size]": "huge"}, 400),
            ({"attribute[size]": None}, 400),
            ({"attribute[kinds][]": ["zzz"]}, 400),
            ({"lat": "91"}, 400),
            ({"long": "-181"}, 400),
            ({"lat": "north"}, 400),
            ({"description": None}, 400),
            ({"email": "not-an-email"}, 400),
        ]
        for fmt in ("json", "xml"):
            for data, status in cases:
                with self.subTest(fmt=fmt, data=data):
                    self.assert_error(self.post(fmt=fmt, **data), fmt, status)
        self.assertFalse(Report.objects.exists())

    def test_it_refuses_an_inactive_client(self):
        ApiClient.objects.update(is_active=False)
        self.assert_error(self.post(), "json", 403)

    def test_it_refuses_an_unknown_format(self):
        self.assertEqual(self.client.get(f"{BASE}services.yaml").status_code, 400)

    def test_it_makes_open311_posts_idempotent(self):
        first = self.post(HTTP_IDEMPOTENCY_KEY="k1")
        again = self.post(HTTP_IDEMPOTENCY_KEY="k1")
        self.assertEqual(first.status_code, 201)
        self.assertEqual(first.json(), again.json())
        self.assertEqual(Report.objects.count(), 1)
        self.assert_error(self.post(description="Other", HTTP_IDEMPOTENCY_KEY="k1"), "json",
                          422)

    # --- GET requests ---
    def test_it_returns_requests_with_the_specified_fields(self):
        report = make_report(self.category, self.district, answers={"size": "small"},
                             contact_email="hidden@example.org", contact_name="Hidden Name")
        data = self.client.get(f"{BASE}requests/{report.pk}.json").json()
        fields = {"service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url"}
        self.assertEqual(set(data[0]), fields)
        self.assertEqual(data[0]["status"], "open")
        self.assertRegex(data[0]["requested_datetime"], W3C)
        body = self.client.get(f"{BASE}requests.xml?extensions=true").content.decode()
        for secret in ("hidden@example.org", "Hidden Name"):
            self.assertNotIn(secret, body)
            self.assertNotIn(secret, self.client.get(f"{BASE}requests.json").content.decode())

    def test_it_filters_requests(self):
        a = make_report(self.category, self.district, answers={"size": "small"})
        b = make_report(self.category, self.district, answers={"size": "small"})
        report_change_status(report=b, actor=None, status=Status.RESOLVED)
        get = lambda q: [r["service_request_id"] for r in  # noqa: E731
                         self.client.get(f"{BASE}requests.json?{q}").json()]
        self.assertEqual(get("status=open"), [str(a.pk)])
        self.assertEqual(get("status=closed"), [str(b.pk)])
        self.assertEqual(get(f"service_request_id={a.pk},{b.pk}"), [str(b.pk), str(a.pk)])
        self.assertEqual(get("service_code=other"), [])
        self.assertEqual(get("start_date=2000-01-01T00:00:00Z&end_date=2000-02-01T00:00:00Z"),
                         [])
        self.assertEqual(len(get("page=1&page_size=1")), 1)
        self.assertEqual(get("page=2&page_size=1"), [str(a.pk)])

    def test_it_answers_400_to_bad_get_parameters(self):
        for q in ("start_date=yesterday", "status=maybe", "page=0", "page_size=abc",
                  "service_request_id=x", "start_date=2020-02-01T00:00:00Z&"
                  "end_date=2020-01-01T00:00:00Z"):
            for fmt in ("json", "xml"):
                self.assert_error(self.client.get(f"{BASE}requests.{fmt}?{q}"), fmt, 400)
        for fmt in ("json", "xml"):
            self.assert_error(self.client.get(f"{BASE}requests/999999.{fmt}"), fmt, 404)
            self.assert_error(self.client.get(f"{BASE}tokens/nope.{fmt}"), fmt, 404)

    def test_it_adds_notes_with_extensions(self):
        report = make_report(self.category, self.district, answers={"size": "small"})
        report_reply(report=report, actor=self.official, text="Crew sent")
        report_change_status(report=report, actor=None, status=Status.RESOLVED, note="Done")
        data = self.client.get(f"{BASE}requests/{report.pk}.json?extensions=true").json()[0]
        self.assertEqual([n["status"] for n in data["notes"]], ["new", "", "resolved"])
        self.assertIn("Crew sent", [n["description"] for n in data["notes"]])
        self.assertRegex(data["notes"][0]["datetime"], W3C)
        self.assertEqual(data["status"], "closed")
        self.assertNotIn("notes", self.client.get(f"{BASE}requests/{report.pk}.json").json()[0])

    def test_it_resolves_tokens(self):
        report = make_report(self.category, self.district, answers={"size": "small"})
        data = self.client.get(f"{BASE}tokens/{report.token}.json").json()
        self.assertEqual(data, [{"service_request_id": str(report.pk),
                                 "token": str(report.token)}])
        root = self.xml(self.client.get(f"{BASE}tokens/{report.token}.xml"))
        self.assertEqual(root.find("request/service_request_id").text, str(report.pk))


class MediaUrlTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_category("pothole")
        client = ApiClient(name="App")
        client.set_key("good-key")
        client.save()
        self.lat, self.lon = centre(self.district)

    def post(self, url):
        return self.client.post(f"{BASE}requests.json", {
            "api_key": "good-key", "service_code": "pothole", "lat": self.lat,
            "long": self.lon, "description": "Hole", "media_url": url})

    def fake_response(self, data: bytes):
        from unittest import mock

        response = mock.MagicMock()
        response.__enter__.return_value = response
        response.status_code = 200
        response.iter_content.return_value = [data]
        return response

    def test_it_fetches_media_only_from_allowed_hosts_and_strips_it(self):
        from unittest import mock

        from django.test import override_settings

        from .factories import image_bytes

        with override_settings(FEEDBACK_MEDIA_URL_HOSTS=["img.example.org"]), mock.patch(
                "shaar.api.open311.views.requests.get", autospec=True) as get:
            get.return_value = self.fake_response(image_bytes(exif_gps=True))
            self.assertEqual(self.post("https://img.example.org/a.jpg").status_code, 201)
            self.assertEqual(Report.objects.get().photos.count(), 1)
            get.reset_mock()
            self.assertEqual(self.post("https://evil.example.com/a.jpg").status_code, 201)
            get.assert_not_called()
            self.assertEqual(self.post("file:///etc/passwd").status_code, 201)
            get.assert_not_called()
            get.return_value = self.fake_response(b"<svg><script/></svg>")
            response = self.post("https://img.example.org/b.jpg")
            self.assertEqual(response.status_code, 400)
            self.assertEqual(response.json()[0]["code"], 400)


class AddressOnlyTests(BaseTestCase):
    """GeoReport v2 lets a client send address_string instead of lat/long."""

    def setUp(self) -> None:
        super().setUp()
        self.category = make_category("pothole")
        make_rule(self.category, department=self.department)  # a city-wide rule
        client = ApiClient(name="Call centre")
        client.set_key("good-key")
        client.save()

    def post(self, fmt="json", **data):
        body = {"api_key": "good-key", "service_code": "pothole", "description": "Hole",
                **data}
        return self.client.post(f"{BASE}requests.{fmt}", body)

    def test_it_accepts_an_address_without_a_point_and_sends_it_to_city_triage(self):
        response = self.post(address_string="Chui Avenue 100")
        self.assertEqual(response.status_code, 201, response.content)
        report = Report.objects.get()
        self.assertEqual((report.lat, report.lon, report.address),
                         (None, None, "Chui Avenue 100"))
        self.assertIsNone(report.department)  # triage: nobody is responsible yet
        self.assertIsNone(report.district)
        self.assertEqual(response.json()[0]["service_notice"], "Sent to the city triage queue.")

    def test_it_shows_it_everywhere_without_a_pin(self):
        self.post(address_string="Chui Avenue 100")
        report = Report.objects.get()
        data = self.client.get(f"{BASE}requests/{report.pk}.json").json()[0]
        self.assertEqual((data["lat"], data["long"], data["address"]),
                         ("", "", "Chui Avenue 100"))
        root = ElementTree.fromstring(self.client.get(f"{BASE}requests.xml").content)  # noqa: S314
        lat = root.find("request/lat")
        assert lat is not None
        self.assertEqual(lat.text, None)
        self.assertIsNone(self.client.get(f"/api/v1/feedback/reports/{report.pk}").json()["lat"])
        page = self.client.get(f"/en/feedback/{report.pk}/")
        self.assertNotContains(page, "data-point-map")
        self.assertContains(page, "address only")
        self.assertEqual(self.client.get("/en/feedback/map.json").json()["points"], [])
        geojson = json.loads(
            self.client.get("/en/feedback/reports.geojson").getvalue())
        self.assertIsNone(geojson["features"][0]["geometry"])
        self.assertEqual(self.client.get("/en/feedback/reports.csv").status_code, 200)

    def test_it_still_needs_a_point_or_an_address(self):
        self.assertEqual(self.post().status_code, 400)
        self.assertEqual(self.post(lat="42.8").status_code, 400)
        self.assertFalse(Report.objects.exists())


class MethodTests(BaseTestCase):
    def test_it_says_which_methods_are_allowed(self):
        response = self.client.generic("TRACE", f"{BASE}requests.json")
        self.assertEqual((response.status_code, response["Allow"]), (405, "GET, POST"))
        response = self.client.generic("TRACE", f"{BASE}services.json")
        self.assertEqual((response.status_code, response["Allow"]), (405, "GET"))
        self.assertEqual(self.client.get(f"{BASE}requests/0.json").status_code, 404)
        self.assertEqual(self.client.get(
            f"{BASE}requests.json?service_request_id=99999999999999999999").json(), [])
