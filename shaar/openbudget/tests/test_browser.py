"""The Citizen's Budget in a real browser, phone-sized, in all three languages."""

from __future__ import annotations

import pytest

from .factories import seed_sample_budget

PHONE = {"width": 390, "height": 844}
HEADINGS = {"ky": "Акча кайда кетет", "ru": "Куда идут деньги", "en": "Where the money goes"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_renders_charts_and_tables_on_a_phone_in_every_language(page, live_server) -> None:
    seed_sample_budget()
    page.set_viewport_size(PHONE)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for language, heading in HEADINGS.items():
        page.goto(f"{live_server.url}/{language}/city-budget/")
        assert page.locator("html").get_attribute("lang") == language
        assert page.get_by_role("heading", name=heading).is_visible()
        canvases = page.locator("canvas[data-chart]")
        assert canvases.count() == 3
        for index in range(canvases.count()):
            canvas = canvases.nth(index)
            canvas.scroll_into_view_if_needed()
            page.wait_for_function(
                "el => el.dataset.rendered === 'true'", arg=canvas.element_handle())
            box = canvas.bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 100, box
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
            # Chart.js drew something: the canvas is not blank.
            assert page.evaluate(
                "el => el.getContext('2d').getImageData(0, 0, el.width, el.height).data"
                ".some(v => v !== 0)", canvas.element_handle())
        tables = page.locator("main table")
        assert tables.count() >= 4
        rows = page.locator("#where-to ~ .ob-pair table tbody tr")
        assert rows.count() == 10
        # Nothing overflows the phone's width (tables scroll inside their own box).
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_bar_leads_to_the_departments_behind_it(page, live_server) -> None:
    seed_sample_budget()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/en/city-budget/2026/")
    page.get_by_role("link", name="Education").first.click()
    page.wait_for_url("**/function/709/")
    assert page.get_by_role("heading", name="Who spends it").is_visible()
    page.wait_for_function("() => document.querySelector('canvas[data-chart]').dataset.rendered")
    assert page.get_by_role("cell", name="School salaries").is_visible()
