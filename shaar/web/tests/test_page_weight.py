"""No page may weigh over 300 KB before images on first load (gzip, as served)."""

from __future__ import annotations

import gzip
import io
import re

from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import TestCase

BUDGET = 300 * 1024
ASSET_RE = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+\.(?:js|css))"')


def page_weight(html: str) -> tuple[int, list[str]]:
    assets = sorted(set(ASSET_RE.findall(html)))
    total = len(gzip.compress(html.encode()))
    for url in assets:
        path = finders.find(url.removeprefix("/static/"))
        assert path, url
        with open(path, "rb") as fh:
            total += len(gzip.compress(fh.read()))
    return total, assets


class PageWeightTests(TestCase):
    # The entry page of every capability, and the heaviest ones (maps, charts).
    PAGES = ["/ky/", "/ru/accounts/signup/", "/en/accounts/login/", "/ky/budget/",
             "/ky/budget/projects/", "/ky/feedback/", "/ky/feedback/new/", "/ky/feedback/map/",
             "/ky/providers/", "/ky/city-budget/", "/ky/grants/", "/ky/ogp/"]

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", stdout=io.StringIO())

    def test_public_pages_stay_under_300_kb(self) -> None:
        for url in self.PAGES:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            weight, assets = page_weight(response.content.decode())
            self.assertLess(weight, BUDGET, f"{url}: {weight} bytes with {assets}")
            self.assertIn("/static/vendor/htmx/htmx.min.js", assets)
