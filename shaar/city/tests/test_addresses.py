"""The address register: folding, search in three spellings, import row by row, nearest."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from shaar.city import demo, selectors
from shaar.city.addresses import fold, parse_query, transliterate
from shaar.city.models import Address, District

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    for code, ky, ru, en, population, boundary in demo.DISTRICTS:
        District.objects.create(code=code, name_ky=ky, name_ru=ru, name_en=en,
                                population=population, boundary=boundary)
    demo.seed_addresses()


def labels(query: str) -> list[str]:
    return [a.street_en + " " + a.house_number for a in selectors.address_search(query)]


@pytest.mark.parametrize("query", ["Чүй 12", "Чуй 12", "Chui 12", "Chuy 12", "проспект Чуй, 12",
                                   "12 Chui Avenue", "чүй проспекти 12"])
def test_it_finds_an_address_in_kyrgyz_russian_and_latin(register, query) -> None:
    assert labels(query)[0] == "Chui Avenue 12"


def test_it_finds_a_russian_genitive_from_a_kyrgyz_nominative(register) -> None:
    assert labels("Токтогул 5")[0] == "Toktogul Street 5"
    assert labels("улица Токтогула 5")[0] == "Toktogul Street 5"
    assert labels("Jibek Jolu 3")[0] == "Zhibek Zholu Avenue 3"


def test_it_lists_street_matches_in_house_order_and_finds_nothing_for_nonsense(register) -> None:
    assert labels("Манас")[:3] == ["Manas Avenue 1", "Manas Avenue 2", "Manas Avenue 3"]
    assert labels("Qwerty 1") == []
    assert labels("") == [] and labels("   ") == []


def test_it_folds_spellings_to_one_key() -> None:
    assert fold("Чүй проспекти") == fold("проспект Чуй") == fold("Chui Avenue") == " chui"
    assert parse_query("Чуй, 12а") == (["chui"], "12a")
    assert transliterate("улица Жибек Жолу") == "ulitsa Zhibek Zholu"


def test_it_places_a_whole_address_string_only_when_it_names_one_house(register) -> None:
    address = selectors.address_best("проспект Чуй, 12")
    assert address is not None and address.street_en == "Chui Avenue"
    assert address.district is not None and address.district.code == "leninsky"
    assert selectors.address_best("Чуй") is None  # no house number: a street, not a place
    assert selectors.address_best("Qwerty 12") is None


def test_it_finds_the_nearest_address_within_150_metres(register) -> None:
    house = Address.objects.get(street_en="Chui Avenue", house_number="120")
    near = selectors.address_nearest(lat=house.lat - 0.0001, lon=house.lon + 0.0001)
    assert near is not None and near.pk == house.pk
    assert selectors.address_nearest(lat=42.0, lon=74.0) is None


def test_it_answers_search_and_nearest_over_the_api(client, register) -> None:
    found = client.get("/api/v1/city/addresses/", {"q": "Chui 12", "lang": "ky"}).json()
    assert found[0]["label"] == "Чүй проспекти, 12"
    assert found[0]["district"] == "leninsky" and found[0]["is_sample"] is True
    house = Address.objects.get(street_en="Chui Avenue", house_number="12")
    near = client.get("/api/v1/city/addresses/nearest/",
                      {"lat": house.lat, "lon": house.lon, "lang": "en"})
    assert near.status_code == 200 and near.json()["label"] == "Chui Avenue, 12"
    assert client.get("/api/v1/city/addresses/nearest/", {"lat": 1, "lon": 1}).status_code == 404
    assert client.get("/api/v1/city/addresses/nearest/", {"lat": 99, "lon": 1}).status_code == 404
    assert client.get("/api/v1/city/addresses/nearest/", {"lat": "x", "lon": 1}
                      ).status_code == 422


CSV = """street_ky;street_ru;street_en;house_number;lat;lon
Чүй проспекти;проспект Чуй;;7;42,8765;74,6012
Киев көчөсү;улица Киевская;Kiev Street;12А;42.8735;74.6100
"""


def test_it_imports_a_csv_register_and_places_each_house_in_its_district(tmp_path,
                                                                          register) -> None:
    path = tmp_path / "addresses.csv"
    path.write_text(CSV, encoding="utf-8")
    Address.objects.all().delete()
    call_command("import_addresses", str(path))
    chui = Address.objects.get(street_ru="проспект Чуй")
    assert chui.street_en == "prospekt Chuy"  # transliterated when the column is empty
    assert chui.district is not None and chui.district.code == "pervomaisky"
    assert chui.is_sample is False
    assert selectors.address_search("Kiev 12a")[0].house_number == "12А"
    # Importing again updates in place.
    call_command("import_addresses", str(path))
    assert Address.objects.count() == 2


def test_it_imports_nothing_when_any_row_is_wrong(tmp_path, capsys) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("street_ru,house_number,lat,lon\n"
                    "улица Киевская,1,42.87,74.61\n"
                    ",2,42.87,74.61\n"
                    "улица Киевская,3,north,74.61\n"
                    "улица Киевская,4,95,74.61\n"
                    "улица Киевская,1,42.87,74.61\n", encoding="utf-8")
    with pytest.raises(CommandError, match="4 problem"):
        call_command("import_addresses", str(path), language="en")
    err = capsys.readouterr().err
    assert "Row 3, column “street_ru”: empty" in err
    assert "Row 4, column “lat”: not a number" in err
    assert "Row 5, column “lat”: outside -90…90" in err
    assert "Row 6, column “house_number”: the same address is already on row 2" in err
    assert Address.objects.count() == 0


def test_it_imports_geojson_points_and_refuses_a_file_without_the_columns(tmp_path,
                                                                         capsys) -> None:
    path = tmp_path / "a.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [74.61, 42.87]},
         "properties": {"street_ru": "улица Киевская", "street_ky": "Киев көчөсү",
                        "house_number": "3"}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": []},
         "properties": {"street_ru": "улица Киевская", "house_number": "5"}},
    ]}), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_addresses", str(path), language="en")
    assert "Row 2, column “lat”: empty" in capsys.readouterr().err
    assert Address.objects.count() == 0

    bad = tmp_path / "b.csv"
    bad.write_text("street,house\nx,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="problem"):
        call_command("import_addresses", str(bad), language="en")
    assert "missing column" in capsys.readouterr().err
