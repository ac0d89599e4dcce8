from __future__ import annotations

import json
from unittest import mock

from django.core.cache import cache
from django.test import TestCase, override_settings

from shaar.testing import make_city


class HomePageTests(TestCase):
    def setUp(self) -> None:
        make_city()

    def test_it_serves_the_home_page_in_each_language(self) -> None:
        for code in ("ky", "ru", "en"):
            response = self.client.get(f"/{code}/")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, f'<html lang="{code}" ')
            self.assertContains(response, "Бишкек" if code != "en" else "Bishkek")

    def test_it_redirects_the_bare_root_to_the_city_default_language(self) -> None:
        response = self.client.get("/", headers={})
        self.assertRedirects(response, "/ky/", fetch_redirect_response=False)

    def test_it_follows_the_browser_language_when_given(self) -> None:
        response = self.client.get("/", headers={"accept-language": "ru"})
        self.assertRedirects(response, "/ru/", fetch_redirect_response=False)

    def test_it_sends_a_strict_content_security_policy(self) -> None:
        response = self.client.get("/en/")
        policy = response.headers["Content-Security-Policy"]
        self.assertIn("script-src 'self'", policy)
        self.assertNotIn("unsafe-inline", policy)
        self.assertNotIn("<script>", response.content.decode())

    def test_it_marks_sample_data_when_demo_data_is_loaded(self) -> None:
        self.assertNotContains(self.client.get("/en/"), "sample-banner")
        city = make_city()
        city.demo_data_loaded = True
        city.save()
        self.assertContains(self.client.get("/en/"), "Sample data, all invented.")
        # One short line in the page's language, with a link to the explanation.
        page = self.client.get("/ky/")
        self.assertContains(page, "Үлгү маалымат, ойдон чыгарылган.")
        self.assertContains(page, '<a href="/ky/sample-data/">Кененирээк</a>')
        explained = self.client.get("/ky/sample-data/")
        self.assertContains(explained, "<h1>Үлгү маалымат жөнүндө</h1>")
        self.assertContains(explained, "ойдон чыгарылган")


class PwaTests(TestCase):
    def test_it_serves_a_manifest_with_icons(self) -> None:
        response = self.client.get("/en/manifest.webmanifest")
        data = json.loads(response.content)
        self.assertEqual(data["display"], "standalone")
        self.assertEqual({icon["sizes"] for icon in data["icons"]}, {"192x192", "512x512"})

    def test_it_serves_the_service_worker_from_the_root_with_offline_pages(self) -> None:
        response = self.client.get("/sw.js")
        self.assertEqual(response["Content-Type"], "application/javascript; charset=utf-8")
        body = response.content.decode()
        for code in ("ky", "ru", "en"):
            self.assertIn(f"/{code}/offline/", body)
        self.assertEqual(self.client.get("/ru/offline/").status_code, 200)

    @override_settings(MAP_TILES_URL="")
    def test_without_a_tile_url_the_service_worker_stores_no_tiles(self) -> None:
        # It used to fetch "" (the worker itself) once per range, and the install hung.
        body = self.client.get("/sw.js").content.decode()
        self.assertIn('const TILES = {"url": "", "version": "", "ranges": []};', body)


class HealthzTests(TestCase):
    def test_it_reports_every_component(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["checks"],
                         {"database": "ok", "cache": "ok", "broker": "eager"})

    def test_it_answers_503_when_the_cache_is_down(self) -> None:
        with mock.patch.object(cache, "set", side_effect=ConnectionError("down")):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["checks"]["cache"], "down")

    @override_settings(CELERY_TASK_ALWAYS_EAGER=False,
                       CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    def test_it_answers_503_when_the_broker_is_unreachable(self) -> None:
        from shaar.celery import app

        # celery-types declares broker_url read-only; Celery takes the assignment.
        app.conf.broker_url = "redis://127.0.0.1:1/0"  # type: ignore[misc]
        try:
            response = self.client.get("/healthz")
        finally:
            app.conf.broker_url = "memory://"  # type: ignore[misc]
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["checks"]["broker"], "down")


class ErrorPageTests(TestCase):
    @override_settings(DEBUG=False)
    def test_it_renders_a_translated_404(self) -> None:
        response = self.client.get("/ru/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, '<html lang="ru" ', status_code=404)
