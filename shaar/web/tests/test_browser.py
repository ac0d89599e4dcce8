from __future__ import annotations

import pytest

from shaar.city.demo import seed as seed_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPECTED = {
    "ky": ("Бишкек", "Кирүү"),
    "ru": ("Бишкек", "Войти"),
    "en": ("Bishkek", "Log in"),
}


def test_it_shows_the_home_page_in_each_language(page, live_server) -> None:
    seed_city()
    page.set_viewport_size({"width": 390, "height": 844})
    for code, (city_name, log_in) in EXPECTED.items():
        page.goto(f"{live_server.url}/{code}/")
        assert page.locator("html").get_attribute("lang") == code
        assert page.locator(".brand").inner_text() == city_name
        # On a phone the navigation waits behind the menu button.
        assert not page.get_by_role("link", name=log_in).is_visible()
        page.locator(".menu-button").click()
        assert page.locator(".menu-button").get_attribute("aria-expanded") == "true"
        assert page.get_by_role("link", name=log_in).is_visible()


def test_the_language_menu_switches_the_page(page, live_server) -> None:
    seed_city()
    page.goto(f"{live_server.url}/en/")
    page.locator("details.lang summary").click()
    page.get_by_role("link", name="Русский").click()
    page.wait_for_url(f"{live_server.url}/ru/")
    assert page.locator("html").get_attribute("lang") == "ru"
