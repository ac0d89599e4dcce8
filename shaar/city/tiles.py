"""The city's base map as one PMTiles archive: built from GeoJSON-like features (the demo),
or cut out of a public Protomaps build for the city's bounding box (a real city).

Layer and property names follow the Protomaps basemap schema (earth, water, landuse, roads,
boundaries, places; `kind`, `name`, `name:ky`…), so `protomaps-leaflet` draws both kinds of
archive with the same style.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import tempfile
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mapbox_vector_tile
import numpy
import shapely
from mapbox_vector_tile.encoder import on_invalid_geometry_make_valid
from pmtiles.reader import MmapSource
from pmtiles.tile import (
    Compression,
    TileType,
    deserialize_directory,
    deserialize_header,
    find_tile,
    zxy_to_tileid,
)
from pmtiles.writer import Writer
from shapely import STRtree, box
from shapely.geometry import shape

# Bounding boxes are (west, south, east, north) in degrees, WGS 84.
BBox = tuple[float, float, float, float]
EXTENT = 4096


@dataclass
class Feature:
    layer: str
    geometry: dict[str, Any]  # GeoJSON geometry
    properties: dict[str, Any] = field(default_factory=dict)


def tile_range(bbox: BBox, z: int) -> Iterator[tuple[int, int]]:
    """(x, y) of every tile at zoom z that touches the box, in Web Mercator tiling."""
    west, south, east, north = bbox
    x0, y0 = _tile_xy(west, north, z)
    x1, y1 = _tile_xy(east, south, z)
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            yield x, y


def _tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_bounds(z: int, x: int, y: int) -> BBox:
    n = 2**z

    def lat(yy: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * yy / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    return lon, math.degrees(math.asinh(math.tan(math.radians(lat))))


def _header(bbox: BBox, minzoom: int, maxzoom: int, tile_type: TileType,
            compression: Compression) -> dict[str, Any]:
    west, south, east, north = bbox
    return {
        "tile_type": tile_type, "tile_compression": compression,
        "min_lon_e7": int(west * 1e7), "min_lat_e7": int(south * 1e7),
        "max_lon_e7": int(east * 1e7), "max_lat_e7": int(north * 1e7),
        "center_zoom": min(maxzoom, 12),
        "center_lon_e7": int((west + east) / 2 * 1e7),
        "center_lat_e7": int((south + north) / 2 * 1e7),
        "min_zoom": minzoom, "max_zoom": maxzoom,
    }


def _write(path: Path, tiles: Iterable[tuple[int, bytes]], header: dict[str, Any],
           metadata: dict[str, Any]) -> int:
    """Write (tile id, bytes) in ascending id order to `path` atomically; the tile count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    # A file of its own beside the target, renamed over it when complete: readers never see
    # half a file, and two processes building at once do not mix their bytes.
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".partial", delete=False) as handle:
        try:
            writer = Writer(handle)
            for tile_id, data in sorted(tiles, key=lambda item: item[0]):
                writer.write_tile(tile_id, data)
                count += 1
            if not count:
                raise ValueError("no tiles in the bounding box")
            writer.finalize(header, metadata)
        except BaseException:
            Path(handle.name).unlink()
            raise
    Path(handle.name).replace(path)
    return count


def build_archive(path: Path, features: list[Feature], *, bbox: BBox, minzoom: int,
                  maxzoom: int, metadata: dict[str, Any]) -> int:
    """Encode `features` into gzip-compressed vector tiles for every zoom in the range."""
    geometries = [shape(f.geometry) for f in features]
    index = STRtree(geometries)

    def tiles() -> Iterator[tuple[int, bytes]]:
        for z in range(minzoom, maxzoom + 1):
            for x, y in tile_range(bbox, z):
                data = _encode_tile(z, x, y, features, geometries, index)
                if data:
                    yield zxy_to_tileid(z, x, y), data

    layers = sorted({f.layer for f in features})
    metadata = {**metadata, "vector_layers": [{"id": name, "fields": {}} for name in layers]}
    return _write(path, tiles(), _header(bbox, minzoom, maxzoom, TileType.MVT, Compression.GZIP),
                  metadata)


def _encode_tile(z: int, x: int, y: int, features: list[Feature], geometries: list,
                 index: STRtree) -> bytes | None:
    west, south, east, north = tile_bounds(z, x, y)
    # A margin of a few pixels so that lines and outlines join across tile edges.
    pad = (east - west) * 8 / 256
    area = box(west - pad, south - pad, east + pad, north + pad)
    # Tile pixels (0…EXTENT, y up) of Web Mercator, so that straight lines stay straight;
    # done here in one vectorised step rather than point by point in the encoder.
    mx0, my0 = _mercator(west, south)
    mx1, my1 = _mercator(east, north)
    scale = numpy.array([EXTENT / (mx1 - mx0), EXTENT / (my1 - my0)])
    origin = numpy.array([mx0, my0])

    def to_pixels(coords: numpy.ndarray) -> numpy.ndarray:
        projected = coords.copy()
        projected[:, 1] = numpy.degrees(numpy.arcsinh(numpy.tan(numpy.radians(coords[:, 1]))))
        return numpy.rint((projected - origin) * scale)

    by_layer: dict[str, list[dict[str, Any]]] = {}
    for i in index.query(area):
        clipped = geometries[i].intersection(area)
        if clipped.is_empty:
            continue
        feature = features[i]
        by_layer.setdefault(feature.layer, []).append(
            {"geometry": shapely.transform(clipped, to_pixels), "properties": feature.properties})
    if not by_layer:
        return None
    encoded = mapbox_vector_tile.encode(
        [{"name": name, "features": items} for name, items in sorted(by_layer.items())],
        default_options={"extents": EXTENT,
                         "on_invalid_geometry": on_invalid_geometry_make_valid},
    )
    return gzip.compress(encoded, mtime=0)


# --- cutting a city out of a public build ----------------------------------------------------
ByteSource = Callable[[int, int], bytes]


def http_source(url: str, timeout: float = 60) -> ByteSource:
    """Byte ranges of a remote archive, read with HTTP Range requests."""

    def get_bytes(offset: int, length: int) -> bytes:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in open_source
            url, headers={"Range": f"bytes={offset}-{offset + length - 1}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.read()

    return get_bytes


def open_source(location: str) -> ByteSource:
    if location.startswith(("http://", "https://")):
        return http_source(location)
    handle = open(location, "rb")  # noqa: SIM115 - kept open for the mmap's lifetime
    return MmapSource(handle)


def extract(source: ByteSource, path: Path, *, bbox: BBox, maxzoom: int,
            attribution: str) -> int:
    """Copy every tile of the source that touches `bbox`, zooms 0..maxzoom, into `path`.

    Tiles are copied as stored (no re-encoding); directories are read once each, so a
    remote build costs one request per directory and one per tile.
    """
    cached = functools.lru_cache(maxsize=512)(lambda offset, length: bytes(source(offset, length)))
    header = deserialize_header(cached(0, 127))
    metadata = json.loads(_maybe_gunzip(
        cached(header["metadata_offset"], header["metadata_length"]),
        header["internal_compression"]))
    maxzoom = min(maxzoom, header["max_zoom"])

    def lookup(tile_id: int) -> bytes | None:
        offset, length = header["root_offset"], header["root_length"]
        for _depth in range(4):
            entry = find_tile(deserialize_directory(cached(offset, length)), tile_id)
            if entry is None:
                return None
            if entry.run_length:
                return source(header["tile_data_offset"] + entry.offset, entry.length)
            offset, length = header["leaf_directory_offset"] + entry.offset, entry.length
        return None

    def tiles() -> Iterator[tuple[int, bytes]]:
        for z in range(header["min_zoom"], maxzoom + 1):
            for x, y in tile_range(bbox, z):
                tile_id = zxy_to_tileid(z, x, y)
                data = lookup(tile_id)
                if data:
                    yield tile_id, bytes(data)

    metadata = {**metadata, "attribution": attribution or metadata.get("attribution", "")}
    return _write(path, tiles(), _header(bbox, header["min_zoom"], maxzoom, header["tile_type"],
                                         header["tile_compression"]), metadata)


def _maybe_gunzip(data: bytes, compression: Compression) -> bytes:
    return gzip.decompress(data) if compression == Compression.GZIP else data


def read_metadata(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        source = MmapSource(handle)
        header = deserialize_header(source(0, 127))
        return json.loads(_maybe_gunzip(source(header["metadata_offset"],
                                               header["metadata_length"]),
                                        header["internal_compression"]))


# What a PMTiles reader asks for first: the header with the root directory in one request.
HEADER_RANGE = (0, 16384)


def low_zoom_ranges(path: Path, maxzoom: int) -> list[tuple[int, int]]:
    """Every byte range (offset, length) a reader fetches to draw the archive's whole area at
    zooms up to `maxzoom`: the header, the leaf directories on the way, the tiles. The
    service worker stores them at install, so the city's overview opens offline."""
    with path.open("rb") as handle:
        source = MmapSource(handle)
        header = deserialize_header(source(0, 127))
        bbox = (header["min_lon_e7"] / 1e7, header["min_lat_e7"] / 1e7,
                header["max_lon_e7"] / 1e7, header["max_lat_e7"] / 1e7)
        ranges: dict[tuple[int, int], None] = {HEADER_RANGE: None}
        directories: dict[tuple[int, int], list] = {}
        for z in range(header["min_zoom"], min(maxzoom, header["max_zoom"]) + 1):
            for x, y in tile_range(bbox, z):
                offset, length = header["root_offset"], header["root_length"]
                for depth in range(4):
                    if depth:
                        ranges[(offset, length)] = None
                    if (offset, length) not in directories:
                        directories[(offset, length)] = deserialize_directory(
                            source(offset, length))
                    entry = find_tile(directories[(offset, length)], zxy_to_tileid(z, x, y))
                    if entry is None:
                        break
                    if entry.run_length:
                        ranges[(header["tile_data_offset"] + entry.offset, entry.length)] = None
                        break
                    offset = header["leaf_directory_offset"] + entry.offset
                    length = entry.length
        return list(ranges)
