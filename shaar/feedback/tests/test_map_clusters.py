"""Reports grouped on a grid by the database for the map's view."""

from __future__ import annotations

import pytest

from shaar.testing import make_city, make_district

from ..selectors import PINS_FROM_ZOOM, cluster_cell_degrees
from .factories import make_category, make_report

pytestmark = pytest.mark.django_db
URL = "/en/feedback/map/clusters.json"


@pytest.fixture
def reports():
    make_city()
    district = make_district("leninsky")
    category = make_category("pothole")
    assert district.boundary is not None
    lat, lon = 42.05, district.boundary["coordinates"][0][0][0] + 0.002
    near = [make_report(category, district, lat=lat + i * 1e-5, lon=lon) for i in range(3)]
    far = make_report(category, district, lat=lat + 0.04, lon=lon)
    hidden = make_report(category, district, lat=lat, lon=lon)
    hidden.is_hidden = True
    hidden.save(update_fields=["is_hidden"])
    return near, far


def test_it_groups_nearby_reports_and_leaves_a_lone_one_as_a_pin(client, reports) -> None:
    near, far = reports
    # Around the reports (the factory's districts move east as a process makes more).
    lon = far.lon
    data = client.get(URL, {"bbox": f"{lon - 0.3},41.9,{lon + 0.3},42.2", "zoom": "12"}).json()
    groups = sorted(data["clusters"], key=lambda c: c[2])
    assert [c[2] for c in groups] == [1, 3]  # the hidden report is not counted
    assert groups[0][3] == far.pk and groups[1][3] is None
    assert groups[1][0] == pytest.approx(near[1].lat, abs=1e-5)


def test_it_sends_each_report_as_a_pin_when_zoomed_in(client, reports) -> None:
    near, _far = reports
    box = f"{near[0].lon - 0.001},{near[0].lat - 0.001},{near[0].lon + 0.001},{near[0].lat + 0.001}"
    data = client.get(URL, {"bbox": box, "zoom": str(PINS_FROM_ZOOM)}).json()
    assert sorted(p[0] for p in data["pins"]) == sorted(r.pk for r in near)


def test_it_only_counts_reports_in_the_box_and_matching_the_filters(client, reports) -> None:
    assert client.get(URL, {"bbox": "10,10,11,11", "zoom": "12"}).json() == {"clusters": []}
    lon = reports[1].lon
    data = client.get(URL, {"bbox": f"{lon - 0.3},41.9,{lon + 0.3},42.2", "zoom": "12",
                            "category": "other"}).json()
    assert data == {"clusters": []}


@pytest.mark.parametrize("params", [{}, {"bbox": "1,2,3", "zoom": "5"},
                                    {"bbox": "a,b,c,d", "zoom": "5"},
                                    {"bbox": "10,10,5,5", "zoom": "5"},
                                    {"bbox": "0,0,1,1", "zoom": "23"},
                                    {"bbox": "0,0,1,1", "zoom": "-1"}])
def test_it_refuses_a_bad_box_or_zoom_with_a_400(client, params) -> None:
    response = client.get(URL, params)
    assert response.status_code == 400 and "bbox" in response.json()["error"]


def test_cells_halve_with_each_zoom() -> None:
    assert cluster_cell_degrees(10) == pytest.approx(2 * cluster_cell_degrees(11))
