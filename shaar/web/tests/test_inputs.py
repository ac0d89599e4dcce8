"""Every input bounded, every error a 4xx: ids out of range, malformed bodies, control
characters."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.urls import URLPattern, URLResolver, get_resolver

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
