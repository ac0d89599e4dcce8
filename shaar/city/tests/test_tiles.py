"""The base map file: the demo build, the range-serving view and the extract command."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import mapbox_vector_tile
import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.test import TestCase
from pmtiles.reader import MmapSource, Reader

from shaar.city import demo, tiles


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiles") / "city.pmtiles"
    assert demo.build_tiles(path) is True
    return path


@pytest.fixture
def archive(built, settings):
    settings.MAP_TILES_PATH = built
    return built


def _tile(path, z, lon, lat):
    x, y = next(tiles.tile_range((lon, lat, lon, lat), z))
    with path.open("rb") as handle:
        data = Reader(MmapSource(handle)).get(z, x, y)
    return mapbox_vector_tile.decode(gzip.decompress(data))


def test_it_builds_a_sample_map_with_streets_named_in_three_languages(archive) -> None:
    metadata = tiles.read_metadata(archive)
    assert metadata["shaar:sample"] is True
    layer_names = {layer["id"] for layer in metadata["vector_layers"]}
    assert {"earth", "water", "landuse", "roads", "boundaries", "places"} <= layer_names
    decoded = _tile(archive, 15, 74.60, 42.8765)  # Chui Avenue near Panfilov Park
    roads = decoded["roads"]["features"]
    chui = next(f["properties"] for f in roads if f["properties"]["name:en"] == "Chui Avenue")
    assert chui["name:ky"] == "Чүй проспекти" and chui["name:ru"] == "проспект Чуй"
    assert any(f["properties"]["kind"] == "park" for f in decoded["landuse"]["features"])


def test_it_does_not_rebuild_an_identical_file(archive) -> None:
    before = archive.stat().st_mtime_ns
    assert demo.build_tiles(archive) is False
    assert archive.stat().st_mtime_ns == before


def test_it_never_overwrites_a_real_citys_file(tmp_path, settings) -> None:
    real = tmp_path / "real.pmtiles"
    tiles.build_archive(real, demo.tile_features()[:2], bbox=demo.BBOX, minzoom=0, maxzoom=3,
                        metadata={"name": "a real city"})
    with pytest.raises(FileExistsError):
        demo.build_tiles(real)
    settings.MAP_TILES_PATH = real
    with pytest.raises(CommandError, match="real city"):
        call_command("build_demo_tiles")
    assert tiles.read_metadata(real)["name"] == "a real city"


class ServingTests(TestCase):
    """The view serves MAP_TILES_PATH: the demo build the test session makes first."""

    def test_it_serves_byte_ranges_of_the_file(self) -> None:
        data = Path(django_settings.MAP_TILES_PATH).read_bytes()
        response = self.client.get("/tiles/city.pmtiles", HTTP_RANGE="bytes=0-16383")
        self.assertEqual(response.status_code, 206)
        self.assertEqual(response.content, data[:16384])
        self.assertEqual(response["Content-Range"], f"bytes 0-16383/{len(data)}")
        self.assertEqual(response["Accept-Ranges"], "bytes")
        self.assertTrue(response["ETag"])

        suffix = self.client.get("/tiles/city.pmtiles", HTTP_RANGE="bytes=-100")
        self.assertEqual(suffix.status_code, 206)
        self.assertEqual(suffix.content, data[-100:])
        open_ended = self.client.get("/tiles/city.pmtiles",
                                     HTTP_RANGE=f"bytes={len(data) - 10}-")
        self.assertEqual(open_ended.content, data[-10:])
        whole = self.client.get("/tiles/city.pmtiles")
        self.assertEqual(whole.status_code, 200)
        self.assertEqual(whole.getvalue(), data)

    def test_it_refuses_ranges_it_cannot_satisfy(self) -> None:
        size = Path(django_settings.MAP_TILES_PATH).stat().st_size
        for header in [f"bytes={10**9}-{10**9 + 5}", "bytes=5-1", "items=0-5", "bytes=0-1,5-9",
                       "bytes=-"]:
            with self.subTest(header=header):
                response = self.client.get("/tiles/city.pmtiles", HTTP_RANGE=header)
                self.assertEqual(response.status_code, 416)
                self.assertEqual(response["Content-Range"], f"bytes */{size}")

    def test_it_answers_404_without_a_file_and_405_to_writes(self) -> None:
        with tempfile.TemporaryDirectory() as folder, \
                self.settings(MAP_TILES_PATH=Path(folder) / "missing.pmtiles"):
            self.assertEqual(self.client.get("/tiles/city.pmtiles").status_code, 404)
            self.assertEqual(self.client.post("/tiles/city.pmtiles").status_code, 405)


def test_it_extracts_the_city_from_a_bigger_build(archive, tmp_path) -> None:
    out = tmp_path / "cut.pmtiles"
    box = (74.58, 42.86, 74.62, 42.89)
    call_command("extract_tiles", str(archive), bbox=box, maxzoom=14, output=str(out))
    with archive.open("rb") as a, out.open("rb") as b:
        source, cut = MmapSource(a), MmapSource(b)
        for z in range(0, 15):
            for x, y in tiles.tile_range(box, z):
                assert Reader(cut).get(z, x, y) == Reader(source).get(z, x, y)
        # Nothing outside the box (the demo has tiles 0.1° further west).
        x, y = next(tiles.tile_range((74.46, 42.87, 74.46, 42.87), 14))
        assert Reader(cut).get(14, x, y) is None
        assert Reader(source).get(14, x, y) is not None
    assert out.stat().st_size < archive.stat().st_size


def test_it_lists_the_ranges_a_reader_needs_for_the_low_zooms(archive) -> None:
    ranges = tiles.low_zoom_ranges(archive, 12)
    assert ranges[0] == tiles.HEADER_RANGE
    data = archive.read_bytes()
    stored = {data[offset:offset + length] for offset, length in ranges}
    with archive.open("rb") as handle:
        reader = Reader(MmapSource(handle))
        wanted = [reader.get(12, x, y) for x, y in tiles.tile_range(demo.BBOX, 12)]
        beyond = [reader.get(13, x, y) for x, y in tiles.tile_range(demo.BBOX, 13)]
    assert all(tile in stored for tile in wanted if tile)
    assert not any(tile in stored for tile in beyond if tile)
