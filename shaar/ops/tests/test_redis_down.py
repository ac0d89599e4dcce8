"""Redis down: rate limits and code sending fail closed with a clear 503 in the resident's
language; pages that only use the cache for speed keep working."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from shaar.accounts.models import User
from shaar.accounts.sms import locmem
from shaar.testing import PASSWORD, make_city, make_resident

# Nothing listens on port 1: every cache call fails with "connection refused".
CACHE_DOWN = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": "redis://127.0.0.1:1/0"}}
SIGNUP = {"phone": "0555123456", "password1": "xK93!jfk-sl", "password2": "xK93!jfk-sl"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _city():
    make_city()
    locmem.outbox.clear()


def test_it_still_signs_up_with_a_phone_and_sends_the_code_when_the_cache_is_up(client) -> None:
    """The control for the tests below: the same request works when Redis is up."""
    response = client.post("/ru/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    assert User.objects.filter(phone="+996555123456").exists()
    assert len(locmem.outbox) == 1


def test_it_refuses_sign_up_and_sends_no_code_when_the_cache_is_down(client) -> None:
    with override_settings(CACHES=CACHE_DOWN):
        response = client.post("/ru/accounts/signup/", SIGNUP)
    assert response.status_code == 503
    assert response["Retry-After"]
    text = response.content.decode()
    assert "Сервис временно недоступен" in text
    assert locmem.outbox == []
    assert not User.objects.filter(phone="+996555123456").exists()


def test_it_refuses_log_in_when_the_rate_limit_cannot_be_checked(client) -> None:
    make_resident("alice")
    with override_settings(CACHES=CACHE_DOWN):
        response = client.post("/ky/accounts/login/", {"login": "alice@example.org",
                                                       "password": PASSWORD})
    assert response.status_code == 503
    assert '<html lang="ky">' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_refuses_verification_when_django_ratelimit_cannot_count(client) -> None:
    user = make_resident("alice")
    client.force_login(user)
    with override_settings(CACHES=CACHE_DOWN):
        response = client.post("/en/me/verify/", {"register-pin": "21234567890123",
                                                  "register-birth_year": "1990"})
    assert response.status_code == 503
    assert "temporarily unavailable" in response.content.decode()


def test_it_answers_json_503_on_the_api_when_the_cache_is_down(rf) -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    from shaar.ops.middleware import ServiceUnavailableMiddleware

    request = rf.post("/api/v1/feedback/reports")
    response = ServiceUnavailableMiddleware(lambda r: None).process_exception(
        request, RedisConnectionError("down"))
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "service_unavailable"


@pytest.mark.parametrize(("url", "shows"), [
    ("/ru/", '<html lang="ru"'),
    ("/ru/accounts/login/", 'name="password"'),
    ("/ru/offline/", "Нет подключения к интернету"),
    ("/ru/manifest.webmanifest", '"short_name": "Бишкек"'),
    ("/api/v1/city/", '"name_en": "Bishkek"'),
    ("/sw.js", 'self.addEventListener("install"'),
])
def test_it_keeps_pages_that_only_read_the_cache_working(client, url, shows) -> None:
    """The whole page, not an error page served with a 200: what it shows with the cache up
    (the control) it shows with the cache down."""
    for caches in ({}, {"CACHES": CACHE_DOWN}):
        with override_settings(**caches):
            response = client.get(url)
        assert response.status_code == 200, caches
        assert shows in response.content.decode(), (caches, response.content[:300])


def test_it_reports_the_cache_as_down_on_the_health_check(client) -> None:
    with override_settings(CACHES=CACHE_DOWN):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "down"


def test_it_turns_a_database_outage_in_middleware_into_a_503(client, monkeypatch) -> None:
    from django.db import OperationalError

    from shaar.city.models import City

    def down(cls):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(City, "current", classmethod(down))
    client.raise_request_exception = False
    response = client.get("/ru/")
    assert response.status_code == 503
    assert "Сервис временно недоступен" in response.content.decode()
