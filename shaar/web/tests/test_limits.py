"""Limits that see the real client behind our proxies, per account as well as per client,
with one answer (429) whatever the door; and the deploy checks that keep them shared."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error
from django.test import RequestFactory, SimpleTestCase, override_settings

from shaar.accounts.adapter import AccountAdapter
from shaar.feedback.models import Report
from shaar.feedback.tests.factories import centre, make_category
from shaar.lib.clientip import client_ip
from shaar.ops import checks
from shaar.testing import BaseTestCase

NGINX = "127.0.0.1"
API = "/api/v1/feedback/reports"


def request_from(peer: str, forwarded: str | None = None):
    headers: dict[str, Any] = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def rates(**group_rates: str) -> dict:
    from django.conf import settings

    return {**settings.PUBLIC_WRITE_RATES,
            "feedback-report": {"anonymous": "10/h", "account": "20/h", "client": "200/h",
                                **group_rates}}


class ClientIpTests(SimpleTestCase):
    @override_settings(TRUSTED_PROXY_COUNT=0, TRUSTED_PROXY_NETWORKS=[])
    def test_it_ignores_the_header_when_no_proxy_is_trusted(self):
        self.assertEqual(client_ip(request_from("203.0.113.9", "198.51.100.1")), "203.0.113.9")

    @override_settings(TRUSTED_PROXY_COUNT=1, TRUSTED_PROXY_NETWORKS=[])
    def test_it_takes_the_address_our_one_proxy_added(self):
        # The client wrote "1.2.3.4" itself; nginx appended the address it saw.
        request = request_from(NGINX, "1.2.3.4, 198.51.100.7")
        self.assertEqual(client_ip(request), "198.51.100.7")
        self.assertEqual(client_ip(request_from(NGINX)), NGINX)

    @override_settings(TRUSTED_PROXY_COUNT=0,
                       TRUSTED_PROXY_NETWORKS=["127.0.0.1/32", "10.0.0.0/8"])
    def test_it_walks_back_through_trusted_networks_only(self):
        self.assertEqual(client_ip(request_from(NGINX, "6.6.6.6, 198.51.100.7, 10.0.0.5")),
                         "198.51.100.7")
        # A client talking to the app server directly cannot claim another address.
        self.assertEqual(client_ip(request_from("198.51.100.8", "6.6.6.6")), "198.51.100.8")
        self.assertEqual(client_ip(request_from(NGINX, "not-an-address")), NGINX)

    @override_settings(TRUSTED_PROXY_COUNT=1, TRUSTED_PROXY_NETWORKS=[])
    def test_it_gives_allauth_the_same_address(self):
        request = request_from(NGINX, "198.51.100.7")
        self.assertEqual(AccountAdapter(request).get_client_ip(request), "198.51.100.7")


@override_settings(TRUSTED_PROXY_COUNT=1, TRUSTED_PROXY_NETWORKS=[])
class ReportLimitTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_category("pothole")
        self.lat, self.lon = centre(self.district)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def post(self, forwarded: str, n: int):
        return self.client.post(API, {"category": "pothole", "lat": self.lat, "lon": self.lon,
                                      "description": f"Hole {n}"},
                                REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=forwarded)

    def test_it_counts_each_client_behind_the_proxy_apart(self):
        with override_settings(PUBLIC_WRITE_RATES=rates(anonymous="2/h")):
            codes = [self.post("198.51.100.1", n).status_code for n in range(3)]
            other = self.post("198.51.100.2", 9)
        self.assertEqual(codes, [201, 201, 429])
        self.assertEqual(other.status_code, 201)
        self.assertEqual(Report.objects.count(), 3)

    def test_it_limits_a_signed_in_account_from_many_addresses(self):
        self.client.force_login(self.resident)
        with override_settings(PUBLIC_WRITE_RATES=rates(account="3/h")):
            codes = [self.post(f"198.51.100.{n}", n).status_code for n in range(1, 6)]
        self.assertEqual(codes, [201, 201, 201, 429, 429])
        self.assertEqual(Report.objects.count(), 3)

    def test_it_answers_the_one_429_page_on_the_web_form(self):
        with override_settings(PUBLIC_WRITE_RATES=rates(anonymous="1/h")):
            url = "/en/feedback/new/"
            data = {"category": "pothole", "lat": self.lat, "lon": self.lon,
                    "description": "Hole"}
            self.client.post(url, data, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="198.51.100.1")
            response = self.client.post(url, data, REMOTE_ADDR=NGINX,
                                        HTTP_X_FORWARDED_FOR="198.51.100.1")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many attempts", status_code=429)

    def test_it_answers_a_json_429_in_the_api(self):
        with override_settings(PUBLIC_WRITE_RATES=rates(anonymous="1/h")):
            self.post("198.51.100.1", 1)
            response = self.post("198.51.100.1", 2)
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many attempts", response.json()["detail"])


class DeployCheckTests(SimpleTestCase):
    @override_settings(CACHES={"default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
    def test_it_refuses_a_per_process_cache_in_production(self):
        errors = checks.shared_cache(None)
        self.assertEqual([type(e) for e in errors], [Error])
        self.assertEqual(errors[0].id, "shaar.E001")

    @override_settings(CACHES={"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/5"}})
    def test_it_accepts_redis(self):
        self.assertEqual(checks.shared_cache(None), [])

    @override_settings(TRUSTED_PROXY_COUNT=0, TRUSTED_PROXY_NETWORKS=[])
    def test_it_warns_when_no_proxy_is_trusted(self):
        self.assertEqual([w.id for w in checks.trusted_proxy(None)], ["shaar.W001"])
