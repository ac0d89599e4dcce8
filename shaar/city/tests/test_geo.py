from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import TestCase

from shaar.city.demo import seed
from shaar.city.geo import contains, validate_geometry
from shaar.city.selectors import district_for_point

DONUT = {"type": "Polygon", "coordinates": [
    [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
    [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
]}


class GeoTests(TestCase):
    def test_it_excludes_holes(self) -> None:
        self.assertTrue(contains(DONUT, 1, 1))
        self.assertFalse(contains(DONUT, 5, 5))
        self.assertFalse(contains(DONUT, 11, 5))

    def test_it_finds_the_district_of_a_point_in_bishkek(self) -> None:
        seed()
        # Ala-Too Square and the Osh bazaar, by their approximate coordinates.
        square, bazaar = (district_for_point(lat=42.8765, lon=74.6030),
                          district_for_point(lat=42.8750, lon=74.5650))
        assert square is not None and bazaar is not None
        self.assertEqual(square.code, "pervomaisky")
        self.assertEqual(bazaar.code, "leninsky")
        self.assertIsNone(district_for_point(lat=41.0, lon=73.0))

    def test_it_refuses_open_rings_and_bad_coordinates(self) -> None:
        with self.assertRaises(ValidationError):
            validate_geometry({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]})
        with self.assertRaises(ValidationError):
            validate_geometry({"type": "Polygon",
                               "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 0]]]})
        with self.assertRaises(ValidationError):
            validate_geometry({"type": "Point", "coordinates": [0, 0]})
