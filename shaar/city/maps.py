"""What every map page needs to draw the city's base map from our own origin."""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import City
from .tiles import low_zoom_ranges, read_metadata
from .views import tiles_version


@functools.lru_cache(maxsize=4)
def _tiles_are_sample(path: Path, version: str) -> bool:
    """True when the archive was built from the demo's invented geography (version keys the
    cache, so a replaced file is read again)."""
    if not version:
        return False
    return bool(read_metadata(path).get("shaar:sample"))


@functools.lru_cache(maxsize=4)
def _low_zoom_ranges(path: Path, version: str, maxzoom: int) -> list[tuple[int, int]]:
    return low_zoom_ranges(path, maxzoom) if version else []


def service_worker_tiles() -> dict:
    """For the service worker: the tile file's URL and version, and the byte ranges (first,
    last) that draw the city at its own zoom and below, stored at install for offline use.
    Without a tile URL (maps without a base map) there is nothing to store."""
    if not settings.MAP_TILES_URL:
        return {"url": "", "version": "", "ranges": []}
    version = tiles_version()
    ranges = _low_zoom_ranges(settings.MAP_TILES_PATH, version, City.current().map_zoom)
    return {"url": settings.MAP_TILES_URL, "version": version,
            "ranges": [[offset, offset + length - 1] for offset, length in ranges]}


def _texts() -> dict[str, str]:
    """What place.js says; %s stands for the address or the coordinates."""
    return {
        "map": _("Map. Arrow keys move the pin, Shift with an arrow moves it further, Enter "
                 "places it, plus and minus zoom."),
        "pin": _("Pin placed at %s."),
        "nearest": _("Nearest address: %s."),
        "suggestions": _("Addresses"),
        "found": _("Addresses found: %s. Use the up and down arrows to choose."),
        "none": _("No address found."),
        "chosen": _("Chosen: %s."),
    }


def base_map_config() -> dict:
    """Tile source, attribution, centre and zoom, as the page's map script reads them."""
    city = City.current()
    sample = _tiles_are_sample(settings.MAP_TILES_PATH, tiles_version())
    attribution = settings.MAP_TILE_ATTRIBUTION
    if sample:
        attribution = _("Sample map: invented streets, approximate districts")
    return {"tiles": settings.MAP_TILES_URL, "attribution": attribution, "text": _texts(),
            "max_data_zoom": settings.MAP_TILES_MAX_ZOOM, "sample": sample,
            "lang": get_language() or settings.LANGUAGE_CODE,
            "center": [city.map_center_lat, city.map_center_lon], "zoom": city.map_zoom}
