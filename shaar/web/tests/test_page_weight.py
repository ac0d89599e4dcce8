"""No page may weigh over 300 KB before images on first load (gzip, as served)."""

from __future__ import annotations

import gzip
import re

from django.contrib.staticfiles import finders
from django.test import TestCase

from shaar.city.demo import seed as seed_city

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
    # Later capabilities add their public pages here.
    PAGES = ["/ky/", "/ru/accounts/signup/", "/en/accounts/login/"]

    def test_public_pages_stay_under_300_kb(self) -> None:
        seed_city()
        for url in self.PAGES:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            weight, assets = page_weight(response.content.decode())
            self.assertLess(weight, BUDGET, f"{url}: {weight} bytes with {assets}")
            self.assertIn("/static/vendor/htmx/htmx.min.js", assets)
