"""import_districts: valid polygons only, overlaps and gaps reported, routing follows."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase

from shaar.city import demo, selectors
from shaar.city.importing import CleanDistrict, overlaps
from shaar.city.models import Address, District
from shaar.testing import refused_command


def square(west, south, size=0.1):
    ring = [[west, south], [west + size, south], [west + size, south + size],
            [west, south + size], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def write(folder: Path, features) -> Path:
    path = folder / "districts.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": geometry, "properties": properties}
        for properties, geometry in features]}), encoding="utf-8")
    return path


NAMES = {"name_ky": "Түндүк", "name_ru": "Северный", "name_en": "North"}


class DemoDistrictsTests(SimpleTestCase):
    def test_the_demo_districts_are_valid_and_do_not_overlap(self) -> None:
        districts = [CleanDistrict(code=row[0], geometry=row[5], names={}, population=None)
                     for row in demo.DISTRICTS]
        self.assertEqual(overlaps(districts), [])


class ImportDistrictsTests(TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def test_it_imports_boundaries_and_routes_points_by_them(self) -> None:
        path = write(self.folder, [({"code": "north", **NAMES, "population": "1000"},
                                    square(74, 43)),
                                   ({"code": "south", **NAMES}, square(74, 42.9))])
        call_command("import_districts", str(path))
        north = District.objects.get(code="north")
        self.assertIs(north.boundary_is_approximate, False)
        self.assertEqual(north.population, 1000)
        self.assertEqual(selectors.district_for_point(lat=43.05, lon=74.05), north)
        south = selectors.district_for_point(lat=42.95, lon=74.05)
        assert south is not None
        self.assertEqual(south.code, "south")
        self.assertIsNone(selectors.district_for_point(lat=44, lon=74.05))

    def test_it_moves_addresses_into_the_new_districts(self) -> None:
        call_command("import_districts", str(write(self.folder, [({"code": "a", **NAMES},
                                                                  square(74, 43))])))
        Address.objects.create(street_ky="x", street_ru="x", street_en="x", house_number="1",
                               lat=42.95, lon=74.05, search_key=" x", house_key="1")
        call_command("import_districts", str(write(self.folder, [({"code": "b", **NAMES},
                                                                  square(74, 42.9))])))
        district = Address.objects.get().district
        assert district is not None
        self.assertEqual(district.code, "b")

    def test_it_refuses_invalid_polygons_and_names_the_feature(self) -> None:
        bowtie = {"type": "Polygon", "coordinates": [[[74, 43], [74.1, 43.1], [74.1, 43],
                                                      [74, 43.1], [74, 43]]]}
        line = {"type": "LineString", "coordinates": [[74, 43], [75, 43]]}
        path = write(self.folder, [({"code": "ok", **NAMES}, square(74, 43)),
                                   ({"code": "twisted", **NAMES}, bowtie),
                                   ({"code": "ok", **NAMES}, square(75, 43)),
                                   ({"code": "line", **NAMES}, line)])
        err = refused_command(self, "import_districts", str(path), language="en",
                              message="3 problem")
        self.assertIn("Row 2, column “geometry”: invalid polygon: Self-intersection", err)
        self.assertIn("Row 3, column “code”: the same code is already on feature 1", err)
        self.assertIn("Row 4, column “geometry”: not a Polygon or MultiPolygon", err)
        self.assertFalse(District.objects.exists())

    def test_it_reports_overlaps_and_gaps_and_imports_overlaps_only_when_told(self) -> None:
        path = write(self.folder, [({"code": "a", **NAMES}, square(74, 43)),
                                   ({"code": "b", **NAMES}, square(74.05, 43)),
                                   ({"code": "c", **NAMES}, square(74.3, 43))])
        err = refused_command(self, "import_districts", str(path), message="1 overlap")
        self.assertIn("Overlap: a and b", err)
        self.assertFalse(District.objects.exists())
        call_command("import_districts", str(path), allow_overlaps=True, stderr=io.StringIO())
        self.assertEqual(District.objects.count(), 3)

        ring = [[74, 43], [74.3, 43], [74.3, 43.3], [74, 43.3], [74, 43]]
        hole = [[74.1, 43.1], [74.2, 43.1], [74.2, 43.2], [74.1, 43.2], [74.1, 43.1]]
        holed = write(self.folder, [({"code": "a", **NAMES},
                                     {"type": "Polygon", "coordinates": [ring, hole]})])
        stderr = io.StringIO()
        call_command("import_districts", str(holed), stderr=stderr)
        self.assertIn("Not covered by any district", stderr.getvalue())

    def test_a_new_district_needs_its_names(self) -> None:
        with self.assertRaises(CommandError):
            call_command("import_districts", str(write(self.folder, [({"code": "x"},
                                                                      square(74, 43))])))
        self.assertFalse(District.objects.exists())
