"""Every public page and every signed-in resident page, in a real browser, on a phone and a
laptop, in Kyrgyz, Russian and English.

The pages come from the URL matrix (`test_url_matrix.py`): each URL pattern a visitor or a
resident may open (a 2xx for ANONYMOUS or RESIDENT) and that answers with HTML. A page fails
on: horizontal overflow, a header taller than 72 px on a 360 px phone, navigation that scrolls
sideways inside itself or a sample-data banner over one 40 px line there, an element wider than
the screen (outside a scroll region), an axe-core violation of serious or critical impact,
markup in the <title>, duplicate ids, a page that keeps growing after it has loaded, and
interface text from another language's catalogue.

Runtime (two cores): one browser, one page object reused, pages in sequence. At 360×740 every
page is checked in all three languages, because that is where wrapping words break layouts;
axe-core runs on one of them, the language rotating from page to page (its rules read markup
and styles, which do not change with the language). At 1280×800 every page is checked once,
the language rotating too: the wide layout has room to spare and differs by language only in
the header, which the home page checks in all three, with axe-core.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from shaar.web.tests import test_url_matrix as matrix

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
LANGUAGES = ("ky", "ru", "en")
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
MAX_HEADER_PHONE = 72

CHECKS_JS = """(maxHeader) => {
  const vw = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > vw + 1) {
    problems.push(`horizontal overflow: ${document.documentElement.scrollWidth} px in ${vw} px`);
  }
  const header = document.querySelector('.site-header');
  if (maxHeader && header && header.getBoundingClientRect().height > maxHeader) {
    problems.push(`header ${Math.round(header.getBoundingClientRect().height)} px tall`);
  }
  if (maxHeader) {
    // On a phone: no navigation scrolls sideways inside itself (links past its edge are
    // missed), and the sample-data banner is one line of at most 40 px, its text whole.
    for (const el of document.querySelectorAll('nav, nav *')) {
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
        problems.push(`scrolls sideways: ${el.tagName.toLowerCase()}.${String(el.className).trim()}`
                      + ` (${el.scrollWidth} px in ${el.clientWidth} px)`);
      }
    }
    const banner = document.querySelector('.sample-banner');
    const text = banner && banner.querySelector('span');
    if (banner && (banner.getBoundingClientRect().height > 40
                   || (text && text.scrollWidth > text.clientWidth))) {
      problems.push(`sample banner ${Math.round(banner.getBoundingClientRect().height)} px tall`
                    + ' or cut');
    }
  }
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.right <= 0) continue;  // hidden on purpose (skip link, visually hidden)
    if ((r.right > vw + 1 || r.left < -1) && !clipped(el)) {
      const cls = typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      const id = el.id ? '#' + el.id : '';
      const span = `${Math.round(r.left)}..${Math.round(r.right)}`;
      wide.push(`${el.tagName.toLowerCase()}${id}${cls} (${span})`);
    }
  }
  if (wide.length) problems.push('wider than the screen: ' + wide.slice(0, 5).join(', '));
  const title = document.querySelector('title');
  if (title && (title.children.length || /[<>]|&[a-z]+;|&#/.test(title.textContent))) {
    problems.push('markup in <title>: ' + title.textContent);
  }
  const seen = {};
  for (const el of document.querySelectorAll('[id]')) seen[el.id] = (seen[el.id] || 0) + 1;
  const dup = Object.keys(seen).filter((id) => seen[id] > 1);
  if (dup.length) problems.push('duplicate ids: ' + dup.join(', '));
  return problems;
}"""

TEXTS_JS = """(pageLang) => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, template')) continue;
    const tagged = parent.closest('[lang]');
    if (tagged && tagged.getAttribute('lang') !== pageLang) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) texts.push(text);
  }
  const title = document.title.split(' · ')[0].trim();
  if (title) texts.push(title);
  return texts;
}"""

AXE_JS = """async () => {
  // axe waits for the page's frames and resources: a page that never settles must fail
  // this test with a reason, not hang it (page.evaluate has no timeout of its own).
  const timeout = new Promise((_resolve, reject) =>
    setTimeout(() => reject(new Error('axe-core did not finish in 30 s')), 30000));
  const result = await Promise.race([axe.run(document, {resultTypes: ['violations']}),
                                     timeout]);
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): `
      + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | '));
}"""


def catalogue_texts() -> dict[str, set[str]]:
    """Per language, the interface strings of our catalogues as a page shows them."""
    texts: dict[str, set[str]] = {code: set() for code in LANGUAGES}
    roots = [*Path(settings.BASE_DIR, "shaar").glob("*/locale"), *map(Path, settings.LOCALE_PATHS)]
    for root in set(roots):
        for code in LANGUAGES:
            po = root / code / "LC_MESSAGES" / "django.po"
            if not po.exists():
                continue
            for entry in polib.pofile(str(po)):
                if entry.msgstr and not entry.obsolete and "%" not in entry.msgid \
                        and "{" not in entry.msgid:
                    texts[code].add(" ".join(entry.msgstr.split()))
    return texts


def foreign_texts() -> dict[str, set[str]]:
    """Strings that, seen alone on a page in one language, can only come from another
    language's catalogue: at least two words with a letter (so names, numbers and words
    shared by two languages do not count)."""
    texts = catalogue_texts()
    foreign = {}
    for code in LANGUAGES:
        others = set().union(*(texts[other] for other in LANGUAGES if other != code))
        foreign[code] = {t for t in others - texts[code]
                         if len(t.split()) >= 2 and re.search(r"[^\W\d_]", t)}
    return foreign


def pages(world: dict, clients: dict[str, Client]) -> list[tuple[str, str]]:
    """(who, path in English) for every HTML page a visitor or a resident may open: those
    that answer 200 with HTML (not files, feeds, the API or redirects)."""
    candidates = []
    with translation.override("en"):
        for route in list(matrix.walk()):
            access = matrix.expected_for(route.key)
            # The admin and the API's own documentation page are not resident pages.
            if access is None or route.key.startswith(("admin:", "api-1:")) \
                    or "admin/" in route.route:
                continue
            who = next((w for w in (matrix.ANONYMOUS, matrix.RESIDENT) if w in access.ok), None)
            if who:
                candidates.append((who, matrix.fill(route, world, access)))
    found = []
    for who, path in candidates:
        response = clients[who].get(path)
        # Whole pages only: not files, feeds, redirects or fragments fetched by scripts.
        if response.status_code == 200 and not response.streaming and \
                response.get("Content-Type", "").startswith("text/html") and \
                b"<html" in response.content[:500]:
            found.append((who, path))
    return sorted(set(found))


def keeps_growing(page, height: int) -> list[str]:
    """A page taller now than at `height` must stop growing within 0.7 s (a chart that
    resizes itself in a loop does not)."""
    later = page.evaluate("document.documentElement.scrollHeight")
    if later > height + 2:
        page.wait_for_timeout(700)
        latest = page.evaluate("document.documentElement.scrollHeight")
        if latest > later + 2:
            return [f"keeps growing: {height} → {later} → {latest} px"]
    return []


def in_language(path: str, code: str) -> str:
    return re.sub(r"^/(ky|ru|en)/", f"/{code}/", path)


def test_every_page_fits_a_phone_and_a_laptop_in_every_language(browser, live_server,
                                                                demo) -> None:
    resident = matrix.make_resident("browser-resident")
    world = {"users": {matrix.RESIDENT: resident}, "departments": (),
             "defaults": {"key": "not-a-real-key", "path": "no-such-file.jpg"}}
    client = Client()
    client.force_login(resident)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    targets = pages(world, {matrix.ANONYMOUS: Client(), matrix.RESIDENT: client})
    assert len(targets) > 30, targets
    foreign = foreign_texts()
    axe = AXE.read_text()
    host = live_server.url.split("//")[1].split(":")[0]

    problems: list[str] = []
    for who in (matrix.ANONYMOUS, matrix.RESIDENT):
        context = browser.new_context(bypass_csp=True, service_workers="block")
        # The closed network: nothing leaves the test server (tiles of another host).
        context.route(re.compile(r"^https?://(?!(127\.0\.0\.1|localhost)[:/])"),
                      lambda route: route.abort())
        if who == matrix.RESIDENT:
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session,
                                  "domain": host, "path": "/"}])
        page = context.new_page()
        for index, (owner, path) in enumerate(targets):
            if owner != who:
                continue
            # (size, language, whether axe-core runs): axe's rules read the markup and the
            # styles, which are the same in every language, so on the phone it runs in one
            # language, rotating from page to page. That visit and the laptop's also watch
            # the page settle (a resize loop shows in any language).
            rotating = LANGUAGES[index % 3]
            visits = [(PHONE, code, code == rotating) for code in LANGUAGES]
            visits.append((LAPTOP, LANGUAGES[(index + 1) % 3], False))
            if in_language(path, "en") == "/en/":
                visits += [(LAPTOP, code, True) for code in LANGUAGES]
            for size, code, with_axe in visits:
                url = in_language(path, code)
                where = f"{url} at {size['width']} px as {who}"
                page.set_viewport_size(size)
                response = page.goto(live_server.url + url, wait_until="load")
                if response is None or response.status >= 400:
                    problems.append(f"{where}: status {response and response.status}")
                    continue
                height = page.evaluate("document.documentElement.scrollHeight")
                found = page.evaluate(CHECKS_JS, MAX_HEADER_PHONE if size is PHONE else 0)
                if with_axe:
                    page.add_script_tag(content=axe)
                    found += page.evaluate(AXE_JS)
                    found += keeps_growing(page, height)
                elif size is LAPTOP:
                    page.wait_for_timeout(300)  # the time axe gives the others to settle
                    found += keeps_growing(page, height)
                wrong = sorted({t for t in page.evaluate(TEXTS_JS, code) if t in foreign[code]})
                if wrong:
                    found.append(f"text from another language: {wrong[:5]}")
                problems += [f"{where}: {p}" for p in found]
        context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
