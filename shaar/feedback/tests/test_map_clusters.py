"""Reports grouped on a grid by the database for the map's view."""

from __future__ import annotations

from django.test import SimpleTestCase, TestCase

from shaar.testing import make_city, make_district

from ..models import Report
from ..selectors import PINS_FROM_ZOOM, cluster_cell_degrees
from .factories import make_category, make_report

URL = "/en/feedback/map/clusters.json"


class MapClustersTests(TestCase):
    lat: float
    lon: float  # where the reports are
    near: list[Report]
    far: Report

    @classmethod
    def setUpTestData(cls) -> None:
        make_city()
        district = make_district("leninsky")
        category = make_category("pothole")
        assert district.boundary is not None
        cls.lat, cls.lon = lat, lon = 42.05, district.boundary["coordinates"][0][0][0] + 0.002
        cls.near = [make_report(category, district, lat=lat + i * 1e-5, lon=lon)
                    for i in range(3)]
        cls.far = make_report(category, district, lat=lat + 0.04, lon=lon)
        hidden = make_report(category, district, lat=lat, lon=lon)
        hidden.is_hidden = True
        hidden.save(update_fields=["is_hidden"])

    def test_it_groups_nearby_reports_and_leaves_a_lone_one_as_a_pin(self) -> None:
        near, far, lon = self.near, self.far, self.lon
        # Around the reports (the factory's districts move east as a process makes more).
        data = self.client.get(URL, {"bbox": f"{lon - 0.3},41.9,{lon + 0.3},42.2",
                                     "zoom": "12"}).json()
        groups = sorted(data["clusters"], key=lambda c: c[2])
        self.assertEqual([c[2] for c in groups], [1, 3])  # the hidden report is not counted
        self.assertEqual(groups[0][3], far.pk)
        self.assertIsNone(groups[1][3])
        self.assertAlmostEqual(groups[1][0], near[1].lat, delta=1e-5)

    def test_it_sends_each_report_as_a_pin_when_zoomed_in(self) -> None:
        near, lat, lon = self.near, self.lat, self.lon  # near[0] is at lat, lon
        box = f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"
        data = self.client.get(URL, {"bbox": box, "zoom": str(PINS_FROM_ZOOM)}).json()
        self.assertEqual(sorted(p[0] for p in data["pins"]), sorted(r.pk for r in near))

    def test_it_only_counts_reports_in_the_box_and_matching_the_filters(self) -> None:
        self.assertEqual(self.client.get(URL, {"bbox": "10,10,11,11", "zoom": "12"}).json(),
                         {"clusters": []})
        lon = self.lon
        data = self.client.get(URL, {"bbox": f"{lon - 0.3},41.9,{lon + 0.3},42.2", "zoom": "12",
                                     "category": "other"}).json()
        self.assertEqual(data, {"clusters": []})

    def test_it_refuses_a_bad_box_or_zoom_with_a_400(self) -> None:
        for params in [{}, {"bbox": "1,2,3", "zoom": "5"}, {"bbox": "a,b,c,d", "zoom": "5"},
                       {"bbox": "10,10,5,5", "zoom": "5"}, {"bbox": "0,0,1,1", "zoom": "23"},
                       {"bbox": "0,0,1,1", "zoom": "-1"}]:
            with self.subTest(params=params):
                response = self.client.get(URL, params)
                self.assertEqual(response.status_code, 400)
                self.assertIn("bbox", response.json()["error"])


class ClusterCellTests(SimpleTestCase):
    def test_cells_halve_with_each_zoom(self) -> None:
        self.assertAlmostEqual(cluster_cell_degrees(10), 2 * cluster_cell_degrees(11))
