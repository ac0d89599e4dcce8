"""A report placed by its address alone: Open311 address_string, the report form without JS."""

from __future__ import annotations

import pytest

from shaar.city import demo
from shaar.city.models import Address, District
from shaar.feedback.models import ApiClient, Report
from shaar.feedback.tests.factories import make_category
from shaar.testing import make_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    make_city()
    for code, ky, ru, en, population, boundary in demo.DISTRICTS:
        District.objects.create(code=code, name_ky=ky, name_ru=ru, name_en=en,
                                population=population, boundary=boundary)
    demo.seed_addresses()
    make_category("pothole")
    client_app = ApiClient(name="Call centre")
    client_app.set_key("good-key")
    client_app.save()


def post(client, address: str):
    return client.post("/open311/v2/requests.json", {
        "api_key": "good-key", "service_code": "pothole", "description": "Hole",
        "address_string": address})


@pytest.mark.parametrize("address", ["проспект Чуй, 120", "Чүй проспекти 120", "Chui Ave 120"])
def test_it_places_an_address_only_request_with_its_point_and_district(client, setup,
                                                                       address) -> None:
    response = post(client, address)
    assert response.status_code == 201, response.content
    report = Report.objects.get(pk=response.json()[0]["service_request_id"])
    house = Address.objects.get(street_en="Chui Avenue", house_number="120")
    assert (report.lat, report.lon) == (house.lat, house.lon)
    assert report.district is not None and house.district is not None
    assert report.district.code == house.district.code == "pervomaisky"
    assert report.address == address


def test_it_refuses_a_request_without_any_location(client, setup) -> None:
    response = post(client, "")
    assert response.status_code == 400
    assert "address_string" in response.json()[0]["description"]
    assert not Report.objects.exists()


@pytest.mark.parametrize("address", ["проспект Чуй", "Nowhere Street 5"])
def test_an_address_it_cannot_place_goes_to_city_triage_without_a_pin(client, setup,
                                                                       address) -> None:
    response = post(client, address)
    assert response.status_code == 201
    report = Report.objects.get()
    assert (report.lat, report.lon, report.district) == (None, None, None)
    assert report.address == address


def test_the_report_form_places_a_report_from_an_address_without_the_map(client,
                                                                          setup) -> None:
    form = {"category": "pothole", "description": "A deep hole", "lat": "", "lon": ""}
    response = client.post("/en/feedback/new/", {**form, "address": "Nowhere 5"})
    assert "or give an address from the list" in response.content.decode()
    assert not Report.objects.exists()

    client.post("/en/feedback/new/", {**form, "address": "Чүй проспекти, 12"})
    report = Report.objects.get()
    house = Address.objects.get(street_en="Chui Avenue", house_number="12")
    assert report.district is not None
    assert (report.lat, report.lon, report.district.code) == (house.lat, house.lon, "leninsky")
