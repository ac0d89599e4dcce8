"""Maps in Chromium with every host but 127.0.0.1 blocked: the base map comes from the site's
own tile file, nothing else is asked of anyone; it works offline after one visit; a pin can
be placed with the keyboard alone and an address found in Kyrgyz, Russian or Latin."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from shaar.accounts.models import Role
from shaar.budgeting.models import Phase, Proposal
from shaar.budgeting.tests.factories import make_cycle, make_pool
from shaar.city import demo
from shaar.city.models import District
from shaar.feedback.tests.factories import make_category, make_report
from shaar.providers.tests.factories import make_provider
from shaar.testing import make_city, make_resident, make_staff, sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# True when a tile canvas shows more than the background: land, streets, names were drawn.
DRAWN = """() => Array.from(document.querySelectorAll('canvas.leaflet-tile')).some((c) => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4 * 97) {
    colours.add(data[i] << 16 | data[i + 1] << 8 | data[i + 2]);
  }
  return colours.size > 3;
})"""


@pytest.fixture
def city():
    make_city()
    for code, ky, ru, en, population, boundary in demo.DISTRICTS:
        District.objects.create(code=code, name_ky=ky, name_ru=ru, name_en=en,
                                population=population, boundary=boundary)
    demo.seed_addresses()


@pytest.fixture
def network(page, live_server):
    """Only the test server answers; every request is listed, every other host refused."""
    requests: list[str] = []
    refused: list[str] = []

    def route(r):
        if urlsplit(r.request.url).hostname in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    page.context.route("**/*", route)
    page.on("request", lambda request: requests.append(request.url))
    page.set_viewport_size({"width": 390, "height": 844})
    return {"requests": requests, "refused": refused}



def assert_base_map_from_our_origin(page, network, live_server) -> None:
    page.wait_for_function(DRAWN, timeout=15_000)
    hosts = {urlsplit(url).netloc for url in network["requests"]}
    assert hosts == {urlsplit(live_server.url).netloc}, network["requests"]
    assert network["refused"] == []
    assert any(urlsplit(url).path == "/tiles/city.pmtiles" for url in network["requests"])


def test_every_page_with_a_map_draws_the_base_map_from_our_own_origin(page, live_server,
                                                                      network, city) -> None:
    category = make_category("pothole")
    pervomaisky = District.objects.get(code="pervomaisky")
    report = make_report(category, pervomaisky, lat=42.8765, lon=74.60)
    make_provider("tazalyk", districts=[pervomaisky])
    cycle = make_cycle(Phase.PROPOSALS, slug="budget-2027")
    pool = make_pool(cycle, budget=2_000_000)
    resident = make_resident("aigul", district=pervomaisky)
    proposal = Proposal.objects.create(
        cycle=cycle, pool=pool, author=resident, title="A playground", description="Safe",
        category="playgrounds", estimated_cost=100_000, latitude=42.87, longitude=74.61,
        status=Proposal.Status.SUBMITTED)
    public = ["/en/feedback/new/?category=pothole", "/ru/feedback/map/",
              f"/ky/feedback/{report.pk}/", "/en/providers/tazalyk/",
              f"/en/budget/proposals/{proposal.pk}/", f"/en/budget/{cycle.slug}/map/"]
    for path in public:
        network["requests"].clear()
        page.goto(live_server.url + path)
        assert_base_map_from_our_origin(page, network, live_server)

    sign_in_browser(page.context, live_server.url, resident)
    network["requests"].clear()
    page.goto(f"{live_server.url}/en/budget/{cycle.slug}/propose/")
    assert_base_map_from_our_origin(page, network, live_server)

    sign_in_browser(page.context, live_server.url, make_staff(Role.CITY_ADMIN, "adil"))
    for path in ["/en/feedback/staff/appeal/?category=pothole",
                 f"/en/feedback/staff/{report.pk}/", "/en/feedback/staff/systemic/"]:
        network["requests"].clear()
        page.goto(live_server.url + path)
        if page.locator(".leaflet-container").count():
            assert_base_map_from_our_origin(page, network, live_server)
        else:  # the systemic page draws its map only when there are clusters
            assert network["refused"] == []


def test_the_report_forms_map_shows_tiles_offline_after_one_visit(page, live_server, network,
                                                                   city) -> None:
    make_category("pothole")
    # Zoom 16 at a street: these tiles are not among the low zooms stored at install, so
    # drawing them offline proves that the tiles a resident has seen are kept.
    street = f"{live_server.url}/en/feedback/new/?category=pothole&lat=42.8765&lon=74.60"
    page.goto(street)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker
    page.wait_for_function(DRAWN, timeout=15_000)
    page.wait_for_timeout(500)  # let the worker finish storing what it fetched

    page.context.set_offline(True)
    network["requests"].clear()
    page.goto(street)
    page.wait_for_function(DRAWN, timeout=15_000)
    page.goto(f"{live_server.url}/en/feedback/new/")  # the city's overview: stored at install
    page.wait_for_function(DRAWN, timeout=15_000)
    assert network["refused"] == []


def test_a_pin_can_be_placed_with_the_keyboard_alone(page, live_server, network, city) -> None:
    make_category("pothole")
    page.goto(f"{live_server.url}/en/feedback/new/?category=pothole")
    page.wait_for_function(DRAWN, timeout=15_000)
    assert page.input_value("input[name=lat]") == ""
    # Tab from the "use my location" button reaches the map.
    page.focus("[data-locate]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "report-map"
    assert "Arrow keys move the pin" in page.get_attribute("#report-map", "aria-label")
    for key in ["+", "+", "+", "+", "ArrowRight", "ArrowRight", "ArrowUp", "Shift+ArrowDown"]:
        page.keyboard.press(key)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('input[name=lat]').value !== ''")
    lat = float(page.input_value("input[name=lat]"))
    lon = float(page.input_value("input[name=lon]"))
    assert 42.85 < lat < 42.9 and 74.55 < lon < 74.65
    live = page.locator("[data-location-text]")
    assert live.get_attribute("aria-live") == "polite"
    page.wait_for_function(
        "() => document.querySelector('[data-location-text]').textContent"
        ".includes('Nearest address')")
    assert page.input_value("#id_address") != ""  # the nearest address, offered


@pytest.mark.parametrize(("lang", "typed", "expected"), [
    ("ky", "Чүй 12", "Чүй проспекти, 12"),
    ("ru", "Чуй 12", "проспект Чуй, 12"),
    ("en", "Chuy 12", "Chui Avenue, 12"),
])
def test_address_search_places_the_pin_in_three_spellings(page, live_server, network, city,
                                                          lang, typed, expected) -> None:
    make_category("pothole")
    page.goto(f"{live_server.url}/{lang}/feedback/new/?category=pothole")
    page.fill("#id_address", typed)
    option = page.locator(".address-options [role=option]").first
    option.wait_for()
    assert option.inner_text().startswith(expected)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#id_address") == expected
    assert page.input_value("input[name=lat]") == "42.876320"
    assert page.get_attribute("#id_address", "aria-expanded") == "false"
    assert network["refused"] == []
