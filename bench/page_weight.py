"""First-load weight of a page on a phone, compressed: the HTML and every same-origin asset it
loads (styles, scripts, fonts, images, map tiles), each body gzip-compressed as nginx would
serve it, summed. The target is under 300 KB per page.

    .venv/bin/python bench/page_weight.py [--site URL] [--login USER:PASSWORD] [PATH ...]

By default it measures the home page, the report form and a ballot page of the demo
(`make run`): the ballot page is the first pool linked from the civic budget's cycle in
voting, opened signed in (`--login`, default the demo resident) so that the ballot itself is
drawn. Each page is opened cold (a new browser context, no cache, no service worker) at
360×740 in Chromium and left until the network is idle; requests to other hosts are refused
(the closed network of the tests). Printed per page: every request with its type, its size
as sent and gzip-compressed, then the total, and the total without images.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

BUDGET = 300 * 1024
PHONE = {"width": 360, "height": 740}
CHROMIUM = "/usr/bin/chromium"
DEFAULT_PAGES = ["/ky/", "/ky/feedback/new/", "ballot"]


@dataclass
class Loaded:
    url: str
    kind: str
    raw: int
    gzipped: int


def weigh(page: Page, url: str, origin: str) -> list[Loaded]:
    """Open URL cold and weigh what it loaded from ORIGIN, gzip-compressed."""
    responses = []

    def keep(response) -> None:
        responses.append(response)

    page.on("response", keep)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)  # scripts that fetch after load (map tiles, charts)
    page.remove_listener("response", keep)
    loaded = []
    for response in responses:
        if not response.url.startswith(origin) or response.status >= 300:
            continue
        try:
            body = response.body()
        except PlaywrightError as exc:  # a body the browser did not keep (a redirect)
            print(f"  (no body for {response.url}: {exc.message})", file=sys.stderr)
            continue
        loaded.append(Loaded(url=response.url.removeprefix(origin),
                             kind=response.request.resource_type, raw=len(body),
                             gzipped=len(gzip.compress(body, compresslevel=6))))
    return loaded


def log_in(page: Page, site: str, login: str) -> None:
    user, _sep, password = login.partition(":")
    page.goto(f"{site}/ky/accounts/login/")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def ballot_path(page: Page, site: str) -> str:
    """The first ballot linked from the civic budget (a cycle in voting)."""
    page.goto(f"{site}/ky/budget/")
    for cycle in page.locator("main a[href^='/ky/budget/']").evaluate_all(
            "(links) => links.map((a) => a.getAttribute('href'))"):
        if not re.fullmatch(r"/ky/budget/[\w-]+/", cycle):
            continue
        page.goto(site + cycle)
        votes = page.locator("main a[href*='/vote/']")
        if votes.count():
            return votes.first.get_attribute("href") or ""
    sys.exit("No ballot page found: is a cycle of the demo in voting?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default="http://127.0.0.1:8000")
    parser.add_argument("--login", default="demo-resident:shaar-demo-2027",
                        help="USER:PASSWORD for the ballot page ('' to stay anonymous)")
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("paths", nargs="*", default=DEFAULT_PAGES,
                        help="paths to weigh; 'ballot' finds a ballot page")
    args = parser.parse_args()
    site = args.site.rstrip("/")
    parts = urlsplit(site)
    origin = f"{parts.scheme}://{parts.netloc}"
    over = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium)
        for path in args.paths:
            context = browser.new_context(viewport=PHONE, service_workers="block")
            context.route(re.compile(r"^https?://(?!(127\.0\.0\.1|localhost)[:/])"),
                          lambda route: route.abort())
            page = context.new_page()
            if path == "ballot":
                if args.login:
                    log_in(page, site, args.login)
                path = ballot_path(page, site)
                # Cold again, but still signed in: the cookies stay, the cache goes.
                cookies = context.cookies()
                context.close()
                context = browser.new_context(viewport=PHONE, service_workers="block")
                context.add_cookies(cookies)
                context.route(re.compile(r"^https?://(?!(127\.0\.0\.1|localhost)[:/])"),
                              lambda route: route.abort())
                page = context.new_page()
            loaded = weigh(page, site + path, origin)
            context.close()
            total = sum(item.gzipped for item in loaded)
            without_images = sum(item.gzipped for item in loaded if item.kind != "image")
            print(f"\n{path}")
            for item in sorted(loaded, key=lambda item: -item.gzipped):
                print(f"  {item.gzipped / 1024:7.1f} KB gz {item.raw / 1024:8.1f} KB raw  "
                      f"{item.kind:<10} {item.url[:90]}")
            verdict = "ok" if total < BUDGET else "OVER 300 KB"
            print(f"  total {total / 1024:.1f} KB gzip ({len(loaded)} requests; "
                  f"{without_images / 1024:.1f} KB without images): {verdict}")
            if total >= BUDGET:
                over.append(path)
        browser.close()
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
