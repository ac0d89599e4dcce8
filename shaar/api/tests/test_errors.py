"""The bugs the fuzzer found, pinned down: invalid input is a documented 4xx, never a 500."""

from __future__ import annotations

from django.test import TestCase

from shaar.api.api import api

BIG = "9" * 40  # larger than any database integer


class ApiV1ErrorTests(TestCase):
    def test_it_answers_invalid_input_with_the_error_shape_in_the_readers_language(self):
        response = self.client.get("/api/v1/feedback/reports/abc", HTTP_ACCEPT_LANGUAGE="ru")
        self.assertEqual(response.status_code, 422)
        body = response.json()
        self.assertIn("Запрос неверен", body["detail"])
        self.assertEqual(list(body["errors"]), ["report_id"])

    def test_it_refuses_ids_and_pages_the_database_cannot_hold(self):
        for url in (f"/api/v1/feedback/reports/{BIG}", f"/api/v1/providers/{BIG}/scorecards",
                    f"/api/v1/providers/{BIG}/scorecards.csv",
                    f"/api/v1/feedback/reports?page={BIG}",
                    "/api/v1/openbudget/years/70000/summary", "/api/v1/feedback/reports/0"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 422)
        self.assertEqual(self.client.post(f"/api/v1/feedback/reports/{BIG}/me-too").status_code,
                         422)

    def test_every_operation_with_input_documents_422_and_no_two_schemas_share_a_name(self):
        schema = api.get_openapi_schema()
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                if operation.get("parameters") or operation.get("requestBody"):
                    self.assertIn("422", operation["responses"], f"{method} {path}")
        components = schema["components"]["schemas"]
        self.assertIn("AwardReportOut", components)
        self.assertIn("errors", components["ErrorOut"]["properties"])


class Open311ErrorTests(TestCase):
    def test_it_answers_an_unknown_format_or_path_with_the_error_array(self):
        for url, status in (("/open311/v2/services.JSON1", 400), ("/open311/v2/nothing", 404),
                            ("/open311/v2/requests/1.2.json", 404)):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, status)
                self.assertEqual(response.json()[0]["code"], status)

    def test_it_refuses_bad_ids_and_flags_even_when_service_request_id_overrides_them(self):
        # A number no request can have is well-formed: nothing is found (an empty list).
        self.assertEqual(self.client.get(
            f"/open311/v2/requests.json?service_request_id={BIG}").json(), [])
        for query in ("service_request_id=%C2%B2", "extensions=yes",
                      "service_request_id=1&status=maybe"):
            with self.subTest(query=query):
                self.assertEqual(
                    self.client.get(f"/open311/v2/requests.json?{query}").status_code, 400)
        for request_id in (BIG, "%C2%B2"):
            self.assertEqual(
                self.client.get(f"/open311/v2/requests/{request_id}.json").status_code, 404)

    def test_it_serves_its_openapi_description(self):
        description = self.client.get("/open311/v2/openapi.json").json()
        self.assertEqual(description["servers"], [{"url": "/open311/v2"}])
        self.assertIn("/requests.{format}", description["paths"])
