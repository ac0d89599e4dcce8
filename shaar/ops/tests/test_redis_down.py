"""Redis down: rate limits and code sending fail closed with a clear 503 in the resident's
language; pages that only use the cache for speed keep working."""

from __future__ import annotations

import json
from unittest import mock

from django.db import OperationalError
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from shaar.accounts.models import User
from shaar.accounts.sms import locmem
from shaar.city.models import City
from shaar.ops.middleware import ServiceUnavailableMiddleware
from shaar.testing import PASSWORD, make_city, make_resident

# Nothing listens on port 1: every cache call fails with "connection refused".
CACHE_DOWN = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": "redis://127.0.0.1:1/0"}}
SIGNUP = {"phone": "0555123456", "password1": "xK93!jfk-sl", "password2": "xK93!jfk-sl"}

class CacheDownTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        make_city()

    def setUp(self) -> None:
        super().setUp()
        locmem.outbox.clear()

    def test_it_still_signs_up_with_a_phone_and_sends_the_code_when_the_cache_is_up(
            self) -> None:
        """The control for the tests below: the same request works when Redis is up."""
        response = self.client.post("/ru/accounts/signup/", SIGNUP)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(User.objects.filter(phone="+996555123456").exists())
        self.assertEqual(len(locmem.outbox), 1)

    def test_it_refuses_sign_up_and_sends_no_code_when_the_cache_is_down(self) -> None:
        with override_settings(CACHES=CACHE_DOWN):
            response = self.client.post("/ru/accounts/signup/", SIGNUP)
        self.assertEqual(response.status_code, 503)
        self.assertTrue(response["Retry-After"])
        self.assertIn("Сервис временно недоступен", response.content.decode())
        self.assertEqual(locmem.outbox, [])
        self.assertFalse(User.objects.filter(phone="+996555123456").exists())

    def test_it_refuses_log_in_when_the_rate_limit_cannot_be_checked(self) -> None:
        make_resident("alice")
        with override_settings(CACHES=CACHE_DOWN):
            response = self.client.post("/ky/accounts/login/", {"login": "alice@example.org",
                                                                "password": PASSWORD})
        self.assertEqual(response.status_code, 503)
        self.assertIn('<html lang="ky">', response.content.decode())
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_refuses_verification_when_django_ratelimit_cannot_count(self) -> None:
        user = make_resident("alice")
        self.client.force_login(user)
        with override_settings(CACHES=CACHE_DOWN):
            response = self.client.post("/en/me/verify/", {"register-pin": "21234567890123",
                                                           "register-birth_year": "1990"})
        self.assertEqual(response.status_code, 503)
        self.assertIn("temporarily unavailable", response.content.decode())

    def test_it_keeps_pages_that_only_read_the_cache_working(self) -> None:
        """The whole page, not an error page served with a 200: what it shows with the cache
        up (the control) it shows with the cache down."""
        for url, shows in [
            ("/ru/", '<html lang="ru"'),
            ("/ru/accounts/login/", 'name="password"'),
            ("/ru/offline/", "Нет подключения к интернету"),
            ("/ru/manifest.webmanifest", '"short_name": "Бишкек"'),
            ("/api/v1/city/", '"name_en": "Bishkek"'),
            ("/sw.js", 'self.addEventListener("install"'),
        ]:
            for caches in ({}, {"CACHES": CACHE_DOWN}):
                with self.subTest(url=url, caches=caches):
                    with override_settings(**caches):
                        response = self.client.get(url)
                    self.assertEqual(response.status_code, 200, caches)
                    self.assertIn(shows, response.content.decode(),
                                  (caches, response.content[:300]))

    def test_it_reports_the_cache_as_down_on_the_health_check(self) -> None:
        with override_settings(CACHES=CACHE_DOWN):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["checks"]["cache"], "down")

    def test_it_turns_a_database_outage_in_middleware_into_a_503(self) -> None:
        def down(cls):
            raise OperationalError("server closed the connection unexpectedly")

        self.client.raise_request_exception = False
        with mock.patch.object(City, "current", classmethod(down)):
            response = self.client.get("/ru/")
        self.assertEqual(response.status_code, 503)
        self.assertIn("Сервис временно недоступен", response.content.decode())


class ApiCacheDownTests(SimpleTestCase):
    def test_it_answers_json_503_on_the_api_when_the_cache_is_down(self) -> None:
        request = RequestFactory().post("/api/v1/feedback/reports")
        response = ServiceUnavailableMiddleware(lambda r: None).process_exception(
            request, RedisConnectionError("down"))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(json.loads(response.content)["code"], "service_unavailable")
