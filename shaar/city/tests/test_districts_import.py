"""import_districts: valid polygons only, overlaps and gaps reported, routing follows."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from shaar.city import demo, selectors
from shaar.city.importing import CleanDistrict, overlaps
from shaar.city.models import Address, District

pytestmark = pytest.mark.django_db


def square(west, south, size=0.1):
    ring = [[west, south], [west + size, south], [west + size, south + size],
            [west, south + size], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def write(tmp_path, features):
    path = tmp_path / "districts.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": geometry, "properties": properties}
        for properties, geometry in features]}), encoding="utf-8")
    return path


NAMES = {"name_ky": "Түндүк", "name_ru": "Северный", "name_en": "North"}


def test_the_demo_districts_are_valid_and_do_not_overlap() -> None:
    districts = [CleanDistrict(code=row[0], geometry=row[5], names={}, population=None)
                 for row in demo.DISTRICTS]
    assert overlaps(districts) == []


def test_it_imports_boundaries_and_routes_points_by_them(tmp_path) -> None:
    path = write(tmp_path, [({"code": "north", **NAMES, "population": "1000"}, square(74, 43)),
                            ({"code": "south", **NAMES}, square(74, 42.9))])
    call_command("import_districts", str(path))
    north = District.objects.get(code="north")
    assert north.boundary_is_approximate is False and north.population == 1000
    assert selectors.district_for_point(lat=43.05, lon=74.05) == north
    south = selectors.district_for_point(lat=42.95, lon=74.05)
    assert south is not None and south.code == "south"
    assert selectors.district_for_point(lat=44, lon=74.05) is None


def test_it_moves_addresses_into_the_new_districts(tmp_path) -> None:
    call_command("import_districts", str(write(tmp_path, [({"code": "a", **NAMES},
                                                           square(74, 43))])))
    Address.objects.create(street_ky="x", street_ru="x", street_en="x", house_number="1",
                           lat=42.95, lon=74.05, search_key=" x", house_key="1")
    call_command("import_districts", str(write(tmp_path, [({"code": "b", **NAMES},
                                                           square(74, 42.9))])))
    district = Address.objects.get().district
    assert district is not None and district.code == "b"


def test_it_refuses_invalid_polygons_and_names_the_feature(tmp_path, capsys) -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[74, 43], [74.1, 43.1], [74.1, 43],
                                                  [74, 43.1], [74, 43]]]}
    path = write(tmp_path, [({"code": "ok", **NAMES}, square(74, 43)),
                            ({"code": "twisted", **NAMES}, bowtie),
                            ({"code": "ok", **NAMES}, square(75, 43)),
                            ({"code": "line", **NAMES}, {"type": "LineString",
                                                         "coordinates": [[74, 43], [75, 43]]})])
    with pytest.raises(CommandError, match="3 problem"):
        call_command("import_districts", str(path), language="en")
    err = capsys.readouterr().err
    assert "Row 2, column “geometry”: invalid polygon: Self-intersection" in err
    assert "Row 3, column “code”: the same code is already on feature 1" in err
    assert "Row 4, column “geometry”: not a Polygon or MultiPolygon" in err
    assert not District.objects.exists()


def test_it_reports_overlaps_and_gaps_and_imports_overlaps_only_when_told(tmp_path,
                                                                          capsys) -> None:
    path = write(tmp_path, [({"code": "a", **NAMES}, square(74, 43)),
                            ({"code": "b", **NAMES}, square(74.05, 43)),
                            ({"code": "c", **NAMES}, square(74.3, 43))])
    with pytest.raises(CommandError, match="1 overlap"):
        call_command("import_districts", str(path))
    assert "Overlap: a and b" in capsys.readouterr().err
    assert not District.objects.exists()
    call_command("import_districts", str(path), allow_overlaps=True)
    assert District.objects.count() == 3

    ring = [[74, 43], [74.3, 43], [74.3, 43.3], [74, 43.3], [74, 43]]
    hole = [[74.1, 43.1], [74.2, 43.1], [74.2, 43.2], [74.1, 43.2], [74.1, 43.1]]
    holed = write(tmp_path, [({"code": "a", **NAMES},
                              {"type": "Polygon", "coordinates": [ring, hole]})])
    call_command("import_districts", str(holed))
    assert "Not covered by any district" in capsys.readouterr().err


def test_a_new_district_needs_its_names(tmp_path) -> None:
    with pytest.raises(CommandError):
        call_command("import_districts", str(write(tmp_path, [({"code": "x"},
                                                               square(74, 43))])))
    assert not District.objects.exists()
