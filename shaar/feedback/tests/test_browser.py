"""End to end in Chromium, phone-sized: a report with a photo and a map pin, sent while
offline and delivered once when the network returns."""

from __future__ import annotations

import pytest

from shaar.testing import make_city, make_district

from ..models import Report
from .factories import centre, image_bytes, make_category, make_question


def submit_offline_then_reconnect(page) -> None:
    """Submit while offline: the draft waits on the phone, then goes once the network is back."""
    page.click("form[data-report-form] > p > button[type=submit]")
    page.wait_for_selector("#outbox:not([hidden])")
    assert "saved on this phone" in page.inner_text("#outbox")
    assert Report.objects.count() == 0

    page.context.set_offline(False)
    page.wait_for_url("**/feedback/follow/**", timeout=15_000)
    page.wait_for_timeout(500)  # any duplicate retry would have arrived by now


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_sends_an_offline_report_once_when_back_online(page, live_server, settings):
    settings.MAP_TILES_URL = ""  # no tile server: outlines and pins must still show
    make_city()
    district = make_district("pervomaisky")
    make_category("pothole")
    assert district.boundary is not None
    ring = district.boundary["coordinates"][0]
    lat = (ring[0][1] + ring[2][1]) / 2
    lon = (ring[0][0] + ring[1][0]) / 2

    page.set_viewport_size({"width": 390, "height": 844})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/en/feedback/new/?category=pothole&lat={lat}&lon={lon}")
    # The district outline is drawn as a vector path even without tiles.
    page.wait_for_selector("#report-map[data-outlines='1'] .leaflet-overlay-pane canvas",
                           state="attached")
    assert page.input_value("input[name=lat]") != ""
    # Tapping the map moves the pin.
    page.locator("#report-map").click(position={"x": 190, "y": 160})
    assert page.input_value("input[name=lat]") != ""
    page.fill("textarea[name=description]", "Deep pothole at the crossing")
    page.set_input_files("input[name=photos]", files=[
        {"name": "hole.jpg", "mimeType": "image/jpeg", "buffer": image_bytes(exif_gps=True)}])

    page.context.set_offline(True)
    submit_offline_then_reconnect(page)
    assert "Your report" in page.inner_text("h1")
    assert Report.objects.count() == 1
    report = Report.objects.get()
    assert report.photos.count() == 1
    assert report.district == district
    assert report.description == "Deep pothole at the crossing"
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_outlines_and_pins_without_tiles(page, live_server, settings):
    settings.MAP_TILES_URL = ""
    make_city()
    district = make_district("leninsky")
    category = make_category("streetlight")
    from .factories import make_report

    for _ in range(3):
        make_report(category, district)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": 390, "height": 844})
    with page.expect_response("**/feedback/map/clusters.json**") as response:
        page.goto(f"{live_server.url}/en/feedback/map/")
    assert [c[2] for c in response.value.json()["clusters"]] == [3]
    page.wait_for_selector("#reports-map[data-outlines='1']")
    # Three reports at one point: a numbered group marker drawn by our own code.
    page.wait_for_selector("#reports-map .map-count")
    assert page.inner_text("#reports-map .map-count") == "3"
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_opens_the_form_offline_and_sends_the_report_when_back_online(
        page, live_server, settings):
    """The service worker stores the form when the site is first opened: later, without
    network, the form opens from it, shows the chosen category's questions, keeps the
    report and sends it once when the network returns."""
    settings.MAP_TILES_URL = ""
    make_city()
    district = make_district("pervomaisky")
    make_category("pothole")
    lamp = make_category("streetlight")
    make_question(lamp, "pole", required=True)

    page.set_viewport_size({"width": 390, "height": 844})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/en/")
    # Fails with a reason, never hangs, when the service worker does not install.
    assert page.evaluate("Promise.race([navigator.serviceWorker.ready.then(() => true), "
                         "new Promise((done) => setTimeout(() => done(false), 20000))])"), \
        "the service worker did not install within 20 s"
    # Added after the worker stored the form: the offline form must not know it.
    make_category("graffiti")

    lat, lon = centre(district)
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/en/feedback/new/?lat={lat}&lon={lon}")
    assert page.locator("select[name=category] option[value=pothole]").count() == 1
    assert page.locator("select[name=category] option[value=graffiti]").count() == 0
    page.wait_for_selector("#report-map[data-outlines='1']", state="attached")

    page.select_option("select[name=category]", "streetlight")
    assert page.is_visible("[data-questions-for=streetlight] input[name=q_pole]")
    assert not page.is_visible("[data-questions-for=pothole]")
    page.fill("input[name=q_pole]", "Pole 17")
    assert page.input_value("input[name=lat]") == f"{lat:.6f}"
    page.fill("textarea[name=description]", "The lamp is out")
    submit_offline_then_reconnect(page)
    report = Report.objects.get()
    assert report.category == lamp
    assert report.answers == {"pole": "Pole 17"}
    assert report.district == district
    assert errors == []
