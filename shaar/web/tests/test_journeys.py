"""Residents' journeys on a 360-pixel phone in Kyrgyz, end to end in Chromium.

Each test saves its screenshots to var/screenshots/<journey>/ (not committed) so that a
person can look at the journey as a resident sees it, step by step.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from shaar.feedback.models import Category, Report
from shaar.lib.testing import first

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


class Journey:
    """A phone-sized page that keeps numbered screenshots of one journey."""

    def __init__(self, browser, live_server, name: str) -> None:
        self.folder = Path(settings.BASE_DIR) / "var" / "screenshots" / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.context = browser.new_context(viewport=PHONE, bypass_csp=False,
                                           service_workers="block", locale="ru-RU")
        # The closed network: map tiles of another host are refused at once.
        self.context.route(re.compile(r"^https?://(?!(127\.0\.0\.1|localhost)[:/])"),
                           lambda route: route.abort())
        self.page = self.context.new_page()
        self.base = live_server.url
        self.step = 0

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)

    def shot(self, what: str) -> None:
        self.step += 1
        self.page.screenshot(path=str(self.folder / f"{self.step:02d}-{what}.png"))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())


def test_it_reports_a_problem_with_errors_beside_the_fields(browser, live_server, demo) -> None:
    journey = Journey(browser, live_server, "report-a-problem")
    page = journey.page
    journey.goto("/ky/")
    journey.shot("home")
    page.locator(".menu-button").click()
    journey.shot("menu-open")
    page.locator("#account-nav .nav-action").click()
    page.wait_for_url(re.compile(r"/ky/feedback/new/$"))

    # The first field is on the first screen, under a header of at most 72 px.
    assert page.locator(".site-header").bounding_box()["height"] <= 72
    category = page.locator("[data-category-select]")
    assert category.bounding_box()["y"] + 40 < PHONE["height"]
    journey.shot("form")

    # Sent empty: the error stands beside the category, and focus is on it.
    page.get_by_role("button", name="Кайрылууну жөнөтүү").click()
    error = page.locator("#error-category")
    error.wait_for()
    assert error.inner_text() == "Көйгөйдүн түрүн тандаңыз."
    assert page.evaluate("document.activeElement.name") == "category"
    assert category.get_attribute("aria-invalid") == "true"
    journey.shot("error-category")

    # A category without the pin: the error stands beside the map, which takes focus.
    pothole = (Category.objects.filter(is_active=True, questions__isnull=True).first()
               or first(Category.objects.filter(is_active=True)))
    category.select_option(pothole.code)
    for question in page.locator(f"[data-questions-for='{pothole.code}'] select").all():
        question.select_option(index=1)
    page.locator("textarea[name=description]").fill("Көчөдө чоң чуңкур бар.")
    page.get_by_role("button", name="Кайрылууну жөнөтүү").click()
    map_error = page.locator("#error-lat")
    map_error.wait_for()
    assert "картаны" in map_error.inner_text()
    assert page.evaluate("document.activeElement.id") == "report-map"
    journey.shot("error-map")

    # The pin, then the report: the follow page opens in Kyrgyz, though the browser
    # asks for Russian.
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.get_by_role("button", name="Кайрылууну жөнөтүү").click()
    page.wait_for_url(re.compile(r"/ky/feedback/follow/"))
    assert page.locator("html").get_attribute("lang") == "ky"
    journey.shot("sent")
    assert Report.objects.filter(description="Көчөдө чоң чуңкур бар.").count() == 1
    journey.close()


READING = [("read-the-city-budget", "/ky/city-budget/"),
           ("provider-scorecards", "/ky/providers/"),
           ("civic-budget", "/ky/budget/"),
           ("action-plan", "/ky/ogp/"),
           ("grants", "/ky/grants/")]


def test_it_reads_each_public_section_on_a_phone(browser, live_server, demo) -> None:
    """One test for the reading journeys: the demo data is seeded once."""
    for name, path in READING:
        journey = Journey(browser, live_server, name)
        journey.goto(path)
        page = journey.page
        assert page.locator("html").get_attribute("lang") == "ky", name
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        journey.shot("first-screen")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        journey.shot("end")
        # The first link into the section leads on, in Kyrgyz, without a dead end.
        page.locator(f"main a[href^='{path}']:not([href='{path}'])").first.click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "ky", name
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        journey.shot("next")
        journey.close()


def test_it_votes_with_review_and_confirm_and_the_cycle_page_shows_it(browser, live_server,
                                                                      demo) -> None:
    from django.test import Client

    from shaar.budgeting.models import Phase, Pool
    from shaar.lib.testing import make_resident

    pool = first(Pool.objects.filter(cycle__phase=Phase.VOTING, district__isnull=False)
                 .select_related("cycle").order_by("pk"))
    voter = make_resident("journey-voter", district=pool.district)
    client = Client()
    client.force_login(voter)
    journey = Journey(browser, live_server, "vote")
    host = live_server.url.split("//")[1].split(":")[0]
    journey.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "domain": host,
                                  "path": "/",
                                  "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = journey.page
    journey.goto(f"/ky/budget/{pool.cycle.slug}/")
    # The pool's card: its ballot link before the vote, its receipt link after.
    card = page.locator(".card", has=page.locator(
        f"a[href*='/vote/{pool.pk}/'], a[href*='/pools/{pool.pk}/receipt/']"))
    assert card.locator(".badge.info").inner_text() == "Сиздин районуңуз"
    journey.shot("cycle")
    card.locator("a.button").click()
    page.wait_for_url(re.compile(rf"/vote/{pool.pk}/$"))
    journey.shot("ballot")

    # The cheapest project, then the review: nothing is cast before the confirmation.
    costs = page.locator("input[name=projects]").evaluate_all(
        "boxes => boxes.map(b => [b.id, parseInt(b.dataset.cost, 10)])")
    cheapest = min(costs, key=lambda pair: pair[1])[0]
    page.locator(f"label[for='{cheapest}']").click()
    total = page.locator("#ballot-total").inner_text()
    assert "," not in total.split(":")[1]  # "40 000 000", never "40,000,000"
    page.locator("#ballot-submit").click()
    review = page.locator("#ballot-review")
    review.wait_for()
    assert page.evaluate("document.activeElement.id") == "ballot-review"
    assert review.locator("li").count() == 1
    journey.shot("review")
    page.locator("#ballot-change").click()
    assert review.is_hidden()
    page.locator("#ballot-submit").click()
    page.locator("#ballot-confirm").click()
    page.locator("#receipt").wait_for()
    journey.shot("receipt")

    journey.goto(f"/ky/budget/{pool.cycle.slug}/")
    assert card.locator(".badge.ok").inner_text() == "Сиз бул жерде добуш бердиңиз"
    assert card.locator("a.button").count() == 0
    journey.shot("cycle-after")
    journey.close()
