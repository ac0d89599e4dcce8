"""A report placed by its address alone: Open311 address_string, the report form without JS."""

from __future__ import annotations

from django.test import TestCase

from shaar.city import demo
from shaar.city.models import Address, District
from shaar.feedback.models import ApiClient, Report
from shaar.feedback.tests.factories import make_category
from shaar.testing import make_city


class PlacingByAddressTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        make_city()
        for code, ky, ru, en, population, boundary in demo.DISTRICTS:
            District.objects.create(code=code, name_ky=ky, name_ru=ru, name_en=en,
                                    population=population, boundary=boundary)
        demo.seed_addresses()
        make_category("pothole")
        client_app = ApiClient(name="Call centre")
        client_app.set_key("good-key")
        client_app.save()

    def post(self, address: str):
        return self.client.post("/open311/v2/requests.json", {
            "api_key": "good-key", "service_code": "pothole", "description": "Hole",
            "address_string": address})

    def test_it_places_an_address_only_request_with_its_point_and_district(self) -> None:
        house = Address.objects.get(street_en="Chui Avenue", house_number="120")
        for address in ["проспект Чуй, 120", "Чүй проспекти 120", "Chui Ave 120"]:
            with self.subTest(address=address):
                response = self.post(address)
                self.assertEqual(response.status_code, 201, response.content)
                report = Report.objects.get(pk=response.json()[0]["service_request_id"])
                self.assertEqual((report.lat, report.lon), (house.lat, house.lon))
                assert report.district is not None and house.district is not None
                self.assertEqual(report.district.code, house.district.code)
                self.assertEqual(report.district.code, "pervomaisky")
                self.assertEqual(report.address, address)

    def test_it_refuses_a_request_without_any_location(self) -> None:
        response = self.post("")
        self.assertEqual(response.status_code, 400)
        self.assertIn("address_string", response.json()[0]["description"])
        self.assertFalse(Report.objects.exists())

    def test_an_address_it_cannot_place_goes_to_city_triage_without_a_pin(self) -> None:
        for address in ["проспект Чуй", "Nowhere Street 5"]:
            with self.subTest(address=address):
                Report.objects.all().delete()  # each case starts without reports
                response = self.post(address)
                self.assertEqual(response.status_code, 201)
                report = Report.objects.get()
                self.assertEqual((report.lat, report.lon, report.district), (None, None, None))
                self.assertEqual(report.address, address)

    def test_the_report_form_places_a_report_from_an_address_without_the_map(self) -> None:
        form = {"category": "pothole", "description": "A deep hole", "lat": "", "lon": ""}
        response = self.client.post("/en/feedback/new/", {**form, "address": "Nowhere 5"})
        self.assertIn("or give an address from the list", response.content.decode())
        self.assertFalse(Report.objects.exists())

        self.client.post("/en/feedback/new/", {**form, "address": "Чүй проспекти, 12"})
        report = Report.objects.get()
        house = Address.objects.get(street_en="Chui Avenue", house_number="12")
        assert report.district is not None
        self.assertEqual((report.lat, report.lon, report.district.code),
                         (house.lat, house.lon, "leninsky"))
