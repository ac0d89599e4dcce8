"""Before/after screenshots of the resident's phone pages (360 x 740, Kyrgyz).

Two running copies of the site, each seeded with the demo (make run's steps), e.g.:

    git worktree add /work/wt-before 00e4f80   # and make install, compile_translations,
    SQLITE_PATH=/tmp/before.sqlite3 ...        # migrate, seed_demo --once there
    DEBUG=true .venv/bin/python manage.py runserver 127.0.0.1:8501 --noreload   # before
    DEBUG=true .venv/bin/python manage.py runserver 127.0.0.1:8502 --noreload   # after

then, from this checkout:

    .venv/bin/python bench/screens.py [--before URL] [--after URL] [--out DIR]

Pages are found by following links from the home page, not by guessed addresses. Writes
<page>-before.jpg / <page>-after.jpg (first screen, JPEG quality 70), results-full-*.jpg
(whole page, capped at 4000 px) and figures.json (header height, sideways scrolling,
the report form's first field) to DIR (default docs/screenshots/before-after/).
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

from playwright.sync_api import Page, sync_playwright

PHONE = {"width": 360, "height": 740}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FULL_CAP = 4000  # px: the tallest full-page shot kept


def links(page: Page) -> list[tuple[str, str]]:
    """(path, text) of every link on the page, in order."""
    found = page.eval_on_selector_all(
        "a[href]", "els => els.map(a => [a.href, a.innerText.trim()])")
    return [(urlparse(href).path, text) for href, text in found]


def first_link(page: Page, pattern: str, text: str | None = None) -> str:
    for path, label in links(page):
        if re.fullmatch(pattern, path) and (text is None or text in label):
            return path
    raise LookupError(f"no link {pattern!r} ({text!r}) on {page.url}")


def discover(page: Page, base: str, same_as: dict[str, str] | None = None) -> dict[str, str]:
    """The pages' paths, each found by following links from the home page.

    With same_as (the other version's paths), a page listed there is taken when this
    version links it too, so both versions show the same provider, cycle and pool.
    """
    same_as = same_as or {}
    go = lambda path: page.goto(urljoin(base, path), wait_until="load")  # noqa: E731

    def pick(name: str, pattern: str) -> str:
        wanted = same_as.get(name)
        if wanted and any(path == wanted for path, _ in links(page)):
            return wanted
        return first_link(page, pattern)

    urls = {"home": "/ky/"}
    go("/ky/")
    urls["report-form"] = pick("report-form", r"/ky/feedback/new/")
    urls["feedback-list"] = pick("feedback-list", r"/ky/feedback/")
    urls["budget"] = pick("budget", r"/ky/budget/")
    providers = first_link(page, r"/ky/providers/")
    urls["city-budget"] = pick("city-budget", r"/ky/city-budget/")
    go(urls["budget"])
    urls["cycle-2027"] = pick("cycle-2027", r"/ky/budget/[\w-]*2027[\w-]*/")
    go(first_link(page, r"/ky/budget/[\w-]*2026[\w-]*/"))
    urls["results-2026"] = pick("results-2026", r"/ky/budget/[\w-]+/pools/\d+/results/")
    go(providers)
    urls["scorecard"] = pick("scorecard", r"/ky/providers/(?!districts/|surveys/|staff/)[\w-]+/")
    return urls


def measure(page: Page) -> dict[str, object]:
    return page.evaluate("""() => {
        const header = document.querySelector('header');
        const field = document.querySelector(
          'main form input:not([type=hidden]), main form select, main form textarea');
        return {
          header_height: header ? Math.round(header.getBoundingClientRect().height) : null,
          scrolls_sideways: document.documentElement.scrollWidth > 360,
          scroll_width: document.documentElement.scrollWidth,
          page_height: document.documentElement.scrollHeight,
          first_field_y: field ? Math.round(field.getBoundingClientRect().top + scrollY) : null,
          first_field: field ? (field.name || field.id) : null,
        };
    }""")


def capture(browser, base: str, label: str, out: Path,
            same_as: dict[str, str] | None = None) -> dict[str, dict]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1,
                                  locale="ky-KG", service_workers="block")
    # A closed network: nothing from another host (map tiles, fonts) is fetched.
    context.route(re.compile(r"^https?://(?!(127\.0\.0\.1|localhost)[:/])"),
                  lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(30_000)
    urls = discover(page, base, same_as)
    figures: dict[str, dict] = {}
    for name, path in urls.items():
        page.goto(urljoin(base, path), wait_until="load")
        page.wait_for_timeout(500)  # charts and maps settle
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(out / f"{name}-{label}.jpg"), type="jpeg", quality=70)
        figures[name] = {"path": path, "url": page.url, **measure(page)}
        if name == "results-2026":
            height = min(page.evaluate("document.documentElement.scrollHeight"), FULL_CAP)
            page.screenshot(path=str(out / f"results-full-{label}.jpg"), type="jpeg",
                            quality=70, full_page=True,
                            clip={"x": 0, "y": 0, "width": 360, "height": height})
    context.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="http://127.0.0.1:8501")
    parser.add_argument("--after", default="http://127.0.0.1:8502")
    parser.add_argument("--out", default="docs/screenshots/before-after")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu"])
        after = capture(browser, args.after, "after", out)
        before = capture(browser, args.before, "before", out,
                         same_as={name: page["path"] for name, page in after.items()})
        figures = {"before": before, "after": after}
        browser.close()
    (out / "figures.json").write_text(json.dumps(figures, indent=1, ensure_ascii=False))
    print(json.dumps(figures, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
