"""Public pages shared between cookie-less visitors (shaar/lib/pagecache.py), and the
language menu that lets those pages carry no CSRF token."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from shaar.testing import BaseTestCase


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=30)
class SharedPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.addCleanup(cache.clear)

    def test_a_visitor_without_cookies_gets_no_csrf_token_and_a_shared_page(self) -> None:
        first = self.client.get("/ky/budget/")
        self.assertEqual(first.status_code, 200)
        self.assertNotIn("csrftoken", first.cookies)
        self.assertNotIn("csrfmiddlewaretoken", first.content.decode())
        with self.assertNumQueries(0):
            second = self.client.get("/ky/budget/")
        self.assertEqual(second.content, first.content)
        # Security headers are the middleware's, on the shared page too.
        self.assertEqual(second["X-Frame-Options"], "DENY")
        self.assertIn("Cookie", second["Vary"])
        self.assertIn("Content-Security-Policy", second)

    def test_pages_differ_by_language_and_query(self) -> None:
        kyrgyz = self.client.get("/ky/feedback/").content
        russian = self.client.get("/ru/feedback/").content
        self.assertNotEqual(kyrgyz, russian)
        self.assertNotEqual(self.client.get("/ky/feedback/?page=2").content, kyrgyz)

    def test_signed_in_users_and_htmx_requests_always_get_a_fresh_page(self) -> None:
        self.client.get("/en/")
        self.client.force_login(self.resident)
        response = self.client.get("/en/")
        self.assertContains(response, "Log out")
        self.client.logout()
        self.client.cookies.clear()
        self.assertNotContains(self.client.get("/en/"), "Log out")
        fragment = self.client.get("/en/feedback/", headers={"HX-Request": "true"})
        self.client.get("/en/feedback/")
        self.assertEqual(self.client.get("/en/feedback/", headers={"HX-Request": "true"}).content,
                         fragment.content)

    def test_a_cache_outage_only_costs_the_rendering(self) -> None:
        down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                            "LOCATION": "redis://127.0.0.1:1/0"}}
        with override_settings(CACHES=down):
            response = self.client.get("/en/budget/")
        # The whole page, rendered anew: the same as with the cache up.
        self.assertContains(response, "<h1>Civic budget</h1>", html=True)
        self.assertEqual(response.content, self.client.get("/en/budget/").content)

    def test_a_missing_page_is_not_kept(self) -> None:
        self.assertEqual(self.client.get("/en/city-budget/1999/").status_code, 404)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get("/en/city-budget/1999/").status_code, 404)
        self.assertGreater(len(queries), 0)


class LanguageMenuTests(BaseTestCase):
    def test_it_opens_the_same_page_in_the_chosen_language_and_remembers_it(self) -> None:
        response = self.client.get("/i18n/switch/",
                                   {"language": "ru", "next": "/ky/feedback/?page=2"})
        self.assertRedirects(response, "/ru/feedback/?page=2", fetch_redirect_response=False)
        self.assertEqual(response.cookies["django_language"].value, "ru")

    def test_it_refuses_other_sites_and_unknown_languages(self) -> None:
        response = self.client.get("/i18n/switch/", {"language": "ru",
                                                     "next": "https://evil.example/ky/"})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(response.cookies["django_language"].value, "ru")
        response = self.client.get("/i18n/switch/", {"language": "xx", "next": "/ky/"})
        self.assertRedirects(response, "/ky/", fetch_redirect_response=False)
        self.assertNotIn("django_language", response.cookies)
        self.assertEqual(self.client.post("/i18n/switch/", {"language": "ru"}).status_code, 405)


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=30)
class PersonalPageTests(BaseTestCase):
    """A page that carries a form token or read the session is never shared."""

    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.addCleanup(cache.clear)

    def test_a_page_with_a_form_token_is_never_served_to_another_visitor(self) -> None:
        from django.http import HttpResponse
        from django.middleware.csrf import get_token
        from django.test import RequestFactory
        from django_htmx.middleware import HtmxMiddleware

        from shaar.lib.pagecache import shared_with_visitors

        @shared_with_visitors
        def view(request):
            return HttpResponse(f"token={get_token(request)}")

        visit = HtmxMiddleware(view)  # which the site runs before every view
        first, second = visit(RequestFactory().get("/form/")), visit(RequestFactory().get("/form/"))
        assert isinstance(first, HttpResponse) and isinstance(second, HttpResponse)
        self.assertNotEqual(first.content, second.content)
