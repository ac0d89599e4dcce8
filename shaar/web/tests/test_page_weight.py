"""No page may weigh over 300 KB before images on first load (gzip, as served)."""

from __future__ import annotations

import gzip
import re

from django.contrib.staticfiles import finders
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from shaar.testing import first, load_demo

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
    HTMX = "/static/vendor/htmx/htmx.min.js"

    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()

    def test_public_pages_stay_under_300_kb(self) -> None:
        for url in self.PAGES:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            weight, assets = page_weight(response.content.decode())
            self.assertLess(weight, BUDGET, f"{url}: {weight} bytes with {assets}")
            # htmx (about 16 KB compressed) only where a page uses it.
            self.assertNotIn(self.HTMX, assets, url)

    def test_htmx_comes_with_the_page_that_uses_it(self) -> None:
        response = self.client.get("/ky/ogp/dashboard/")
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"hx-get", response.content)
        self.assertIn(self.HTMX, page_weight(response.content.decode())[1])

    def test_it_reports_the_weight_of_the_home_page_the_report_form_and_a_ballot(self) -> None:
        from shaar.budgeting.models import Phase, Pool
        from shaar.testing import make_resident

        pool = first(Pool.objects.filter(cycle__phase=Phase.VOTING).order_by("pk"))
        self.client.force_login(make_resident("weight-voter", district=pool.district))
        with translation.override("ky"):
            ballot = reverse("budgeting:ballot", args=[pool.cycle.slug, pool.pk])
        for url in ["/ky/", "/ky/feedback/new/", ballot]:
            response = self.client.get(url)
            self.assertContains(response, "<form", msg_prefix=url)
            weight, assets = page_weight(response.content.decode())
            print(f"page weight {url}: {weight / 1024:.1f} KB compressed ({len(assets)} files)")
            self.assertLess(weight, BUDGET, url)
