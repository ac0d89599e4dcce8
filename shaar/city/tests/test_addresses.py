"""The address register: folding, search in three spellings, import row by row, nearest."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

from shaar.city import demo, selectors
from shaar.city.addresses import fold, parse_query, transliterate
from shaar.city.models import Address, District
from shaar.testing import refused_command


def labels(query: str) -> list[str]:
    return [a.street_en + " " + a.house_number for a in selectors.address_search(query)]


class FoldingTests(SimpleTestCase):
    def test_it_folds_spellings_to_one_key(self) -> None:
        self.assertEqual(fold("Чүй проспекти"), " chui")
        self.assertEqual(fold("проспект Чуй"), " chui")
        self.assertEqual(fold("Chui Avenue"), " chui")
        self.assertEqual(parse_query("Чуй, 12а"), (["chui"], "12a"))
        self.assertEqual(transliterate("улица Жибек Жолу"), "ulitsa Zhibek Zholu")


class RegisterTests(TestCase):
    """The demo's districts and sample register."""

    @classmethod
    def setUpTestData(cls) -> None:
        for code, ky, ru, en, population, boundary in demo.DISTRICTS:
            District.objects.create(code=code, name_ky=ky, name_ru=ru, name_en=en,
                                    population=population, boundary=boundary)
        demo.seed_addresses()

    def test_it_finds_an_address_in_kyrgyz_russian_and_latin(self) -> None:
        for query in ["Чүй 12", "Чуй 12", "Chui 12", "Chuy 12", "проспект Чуй, 12",
                      "12 Chui Avenue", "чүй проспекти 12"]:
            with self.subTest(query=query):
                self.assertEqual(labels(query)[0], "Chui Avenue 12")

    def test_it_finds_a_russian_genitive_from_a_kyrgyz_nominative(self) -> None:
        self.assertEqual(labels("Токтогул 5")[0], "Toktogul Street 5")
        self.assertEqual(labels("улица Токтогула 5")[0], "Toktogul Street 5")
        self.assertEqual(labels("Jibek Jolu 3")[0], "Zhibek Zholu Avenue 3")

    def test_it_lists_street_matches_in_house_order_and_finds_nothing_for_nonsense(
            self) -> None:
        self.assertEqual(labels("Манас")[:3],
                         ["Manas Avenue 1", "Manas Avenue 2", "Manas Avenue 3"])
        self.assertEqual(labels("Qwerty 1"), [])
        self.assertEqual(labels(""), [])
        self.assertEqual(labels("   "), [])

    def test_it_places_a_whole_address_string_only_when_it_names_one_house(self) -> None:
        address = selectors.address_best("проспект Чуй, 12")
        assert address is not None
        self.assertEqual(address.street_en, "Chui Avenue")
        assert address.district is not None
        self.assertEqual(address.district.code, "leninsky")
        self.assertIsNone(selectors.address_best("Чуй"))  # no house number: a street
        self.assertIsNone(selectors.address_best("Qwerty 12"))

    def test_it_finds_the_nearest_address_within_150_metres(self) -> None:
        house = Address.objects.get(street_en="Chui Avenue", house_number="120")
        near = selectors.address_nearest(lat=house.lat - 0.0001, lon=house.lon + 0.0001)
        assert near is not None
        self.assertEqual(near.pk, house.pk)
        self.assertIsNone(selectors.address_nearest(lat=42.0, lon=74.0))

    def test_it_answers_search_and_nearest_over_the_api(self) -> None:
        found = self.client.get("/api/v1/city/addresses/", {"q": "Chui 12", "lang": "ky"}).json()
        self.assertEqual(found[0]["label"], "Чүй проспекти, 12")
        self.assertEqual(found[0]["district"], "leninsky")
        self.assertIs(found[0]["is_sample"], True)
        house = Address.objects.get(street_en="Chui Avenue", house_number="12")
        near = self.client.get("/api/v1/city/addresses/nearest/",
                               {"lat": str(house.lat), "lon": str(house.lon), "lang": "en"})
        self.assertEqual(near.status_code, 200)
        self.assertEqual(near.json()["label"], "Chui Avenue, 12")
        nearest = "/api/v1/city/addresses/nearest/"
        self.assertEqual(self.client.get(nearest, {"lat": 1, "lon": 1}).status_code, 404)
        self.assertEqual(self.client.get(nearest, {"lat": 99, "lon": 1}).status_code, 404)
        self.assertEqual(self.client.get(nearest, {"lat": "x", "lon": "1"}).status_code, 422)

    def test_it_imports_a_csv_register_and_places_each_house_in_its_district(self) -> None:
        path = Path(self.enterContext(tempfile.TemporaryDirectory())) / "addresses.csv"
        path.write_text(CSV, encoding="utf-8")
        Address.objects.all().delete()
        call_command("import_addresses", str(path))
        chui = Address.objects.get(street_ru="проспект Чуй")
        self.assertEqual(chui.street_en, "prospekt Chuy")  # transliterated when empty
        assert chui.district is not None
        self.assertEqual(chui.district.code, "pervomaisky")
        self.assertIs(chui.is_sample, False)
        self.assertEqual(selectors.address_search("Kiev 12a")[0].house_number, "12А")
        # Importing again updates in place.
        call_command("import_addresses", str(path))
        self.assertEqual(Address.objects.count(), 2)


CSV = """street_ky;street_ru;street_en;house_number;lat;lon
Чүй проспекти;проспект Чуй;;7;42,8765;74,6012
Киев көчөсү;улица Киевская;Kiev Street;12А;42.8735;74.6100
"""


class RefusedImportTests(TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def test_it_imports_nothing_when_any_row_is_wrong(self) -> None:
        path = self.folder / "bad.csv"
        path.write_text("street_ru,house_number,lat,lon\n"
                        "улица Киевская,1,42.87,74.61\n"
                        ",2,42.87,74.61\n"
                        "улица Киевская,3,north,74.61\n"
                        "улица Киевская,4,95,74.61\n"
                        "улица Киевская,1,42.87,74.61\n", encoding="utf-8")
        err = refused_command(self, "import_addresses", str(path), language="en",
                              message="4 problem")
        self.assertIn("Row 3, column “street_ru”: empty", err)
        self.assertIn("Row 4, column “lat”: not a number", err)
        self.assertIn("Row 5, column “lat”: outside -90…90", err)
        self.assertIn("Row 6, column “house_number”: the same address is already on row 2", err)
        self.assertEqual(Address.objects.count(), 0)

    def test_it_imports_geojson_points_and_refuses_a_file_without_the_columns(self) -> None:
        path = self.folder / "a.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [74.61, 42.87]},
             "properties": {"street_ru": "улица Киевская", "street_ky": "Киев көчөсү",
                            "house_number": "3"}},
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": []},
             "properties": {"street_ru": "улица Киевская", "house_number": "5"}},
        ]}), encoding="utf-8")
        err = refused_command(self, "import_addresses", str(path), language="en")
        self.assertIn("Row 2, column “lat”: empty", err)
        self.assertEqual(Address.objects.count(), 0)

        bad = self.folder / "b.csv"
        bad.write_text("street,house\nx,1\n", encoding="utf-8")
        err = refused_command(self, "import_addresses", str(bad), language="en",
                              message="problem")
        self.assertIn("missing column", err)
