"""Demo data for the city: Bishkek, its four districts (approximate boundaries) and
a few departments. Idempotent: rows are keyed by code and updated in place."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

from shapely.geometry import mapping, shape

from shaar.lib.demo import Scale

from .actions import addresses_import
from .addresses import distance_m
from .importing import CleanAddress
from .models import City, Department, District
from .tiles import Feature, build_archive, read_metadata

# Approximate outlines that follow the districts' shapes (shared edges, no overlaps), not
# survey boundaries; populations are rounded figures of the order published by the city.
# Both are marked as sample data; `import_districts` replaces them with real ones.
_A, _B, _C, _D = (74.455, 42.930), (74.585, 42.944), (74.660, 42.950), (74.750, 42.932)
_E, _F, _G, _H = (74.762, 42.862), (74.742, 42.790), (74.660, 42.768), (74.590, 42.760)
_I, _J, _K, _O = (74.500, 42.778), (74.448, 42.842), (74.588, 42.900), (74.596, 42.862)
_L, _P, _Q, _R = (74.600, 42.812), (74.632, 42.902), (74.641, 42.866), (74.700, 42.856)


def _polygon(*points: tuple[float, float]) -> dict:
    return {"type": "Polygon", "coordinates": [[list(p) for p in (*points, points[0])]]}


DISTRICTS = [
    ("leninsky", "Ленин району", "Ленинский район", "Leninsky district", 383_000,
     _polygon(_A, _J, _I, _H, _L, _O, _K, _B)),
    ("oktyabrsky", "Октябрь району", "Октябрьский район", "Oktyabrsky district", 327_000,
     _polygon(_O, _L, _H, _G, _F, _E, _R, _Q)),
    ("pervomaisky", "Биринчи май району", "Первомайский район", "Pervomaisky district", 246_000,
     _polygon(_B, _K, _O, _Q, _P, _C)),
    ("sverdlovsky", "Свердлов району", "Свердловский район", "Sverdlovsky district", 340_000,
     _polygon(_C, _P, _Q, _R, _E, _D)),
]

# A sample street grid (straight lines near the real streets), parks and rivers: enough for
# the demo's base map and address register to look like the city. Not survey data.
# (code, Kyrgyz, Russian, English, kind, [(lon, lat), ...])
STREETS = [
    ("zhibek-zholu", "Жибек Жолу проспекти", "проспект Жибек Жолу", "Zhibek Zholu Avenue",
     "major_road", [(74.520, 42.889), (74.700, 42.889)]),
    ("chui", "Чүй проспекти", "проспект Чуй", "Chui Avenue", "major_road",
     [(74.500, 42.8765), (74.720, 42.8765)]),
    ("kiev", "Киев көчөсү", "улица Киевская", "Kiev Street", "minor_road",
     [(74.560, 42.8735), (74.640, 42.8735)]),
    ("toktogul", "Токтогул көчөсү", "улица Токтогула", "Toktogul Street", "minor_road",
     [(74.550, 42.870), (74.650, 42.870)]),
    ("moskva", "Москва көчөсү", "улица Московская", "Moscow Street", "major_road",
     [(74.530, 42.866), (74.660, 42.866)]),
    ("akhunbaev", "Ахунбаев көчөсү", "улица Ахунбаева", "Akhunbaev Street", "major_road",
     [(74.540, 42.838), (74.700, 42.838)]),
    ("manas", "Манас проспекти", "проспект Манаса", "Manas Avenue", "major_road",
     [(74.588, 42.815), (74.588, 42.900)]),
    ("erkindik", "Эркиндик гүлбулвары", "бульвар Эркиндик", "Erkindik Boulevard",
     "minor_road", [(74.6045, 42.850), (74.6045, 42.880)]),
    ("abdrakhmanov", "Абдрахманов көчөсү", "улица Абдрахманова", "Abdrakhmanov Street",
     "major_road", [(74.612, 42.820), (74.612, 42.910)]),
    ("ibraimov", "Ибраимов көчөсү", "улица Ибраимова", "Ibraimov Street", "minor_road",
     [(74.626, 42.835), (74.626, 42.900)]),
    ("baitik-baatyr", "Байтик Баатыр көчөсү", "улица Байтик Баатыра", "Baitik Baatyr Street",
     "minor_road", [(74.598, 42.790), (74.598, 42.860)]),
    ("jal", "Жал көчөсү", "улица Джал", "Dzhal Street", "minor_road",
     [(74.540, 42.795), (74.640, 42.815)]),
]

PARKS = [
    ("Панфилов паркы", "парк Панфилова", "Panfilov Park",
     [(74.595, 42.8770), (74.6015, 42.8770), (74.6015, 42.8800), (74.595, 42.8800)]),
    ("Эмен паркы", "Дубовый парк", "Oak Park",
     [(74.6055, 42.8770), (74.6110, 42.8770), (74.6110, 42.8810), (74.6055, 42.8810)]),
    ("Ата-Түрк паркы", "парк Ататюрк", "Atatürk Park",
     [(74.594, 42.836), (74.604, 42.836), (74.604, 42.843), (74.594, 42.843)]),
]

# The demo's map covers this box (west, south, east, north): the city and a margin.
BBOX = (74.44, 42.75, 74.77, 42.955)

RIVERS = [
    ("Ала-Арча дарыясы", "река Ала-Арча", "Ala-Archa River",
     [(74.565, 42.760), (74.570, 42.820), (74.575, 42.870), (74.580, 42.950)]),
    ("Аламүдүн дарыясы", "река Аламедин", "Alamedin River",
     [(74.660, 42.770), (74.652, 42.830), (74.645, 42.880), (74.640, 42.950)]),
]


DEPARTMENTS = [
    ("urban-development", "Шаарды өнүктүрүү саясаты башкармалыгы",
     "Управление политики развития города", "City Development Policy Department"),
    ("finance", "Финансы башкармалыгы", "Финансовое управление", "Finance Department"),
    ("transport", "Транспорт жана жол инфраструктурасы башкармалыгы",
     "Управление транспорта и дорожной инфраструктуры",
     "Transport and Road Infrastructure Department"),
    ("education", "Билим берүү башкармалыгы", "Управление образования",
     "Education Department"),
    ("social", "Социалдык өнүктүрүү башкармалыгы", "Управление социального развития",
     "Social Development Department"),
    ("landscaping", "Шаарды көрктөндүрүү башкармалыгы", "Управление благоустройства",
     "Landscaping and Public Spaces Department"),
]


def seed(scale: Scale | None = None) -> None:
    City.objects.update_or_create(
        id=1,
        defaults={
            "name_ky": "Бишкек",
            "name_ru": "Бишкек",
            "name_en": "Bishkek",
            "default_language": "ky",
            "currency": "KGS",
            "currency_name_ky": "сом",
            "currency_name_ru": "сом",
            "currency_name_en": "som",
            "country_code": "KG",
            "country_name_en": "Kyrgyzstan",
            "population": sum(row[4] for row in DISTRICTS),
            "time_zone": "Asia/Bishkek",
            "hotline_phone": "1212",
            "demo_data_loaded": True,
            "is_sample": True,
        },
    )
    for code, ky, ru, en, population, boundary in DISTRICTS:
        District.objects.update_or_create(
            code=code,
            defaults={"name_ky": ky, "name_ru": ru, "name_en": en, "population": population,
                      "boundary": boundary, "boundary_is_approximate": True, "is_sample": True,
                      "office_ky": f"{ky} администрациясы, 1-кабинет. Дш–Жм 9:00–18:00 "
                                   "(үлгү дарек)",
                      "office_ru": f"Администрация: {ru}, кабинет 1. Пн–Пт 9:00–18:00 "
                                   "(адрес-пример)",
                      "office_en": f"{en} administration, room 1. Mon–Fri 9:00–18:00 "
                                   "(sample address)"},
        )
    seed_addresses()
    for code, ky, ru, en in DEPARTMENTS:
        Department.objects.update_or_create(
            code=code, defaults={"name_ky": ky, "name_ru": ru, "name_en": en, "is_sample": True}
        )


# Sample houses every ~150 m along each street, odd numbers on one side, even on the other.
HOUSE_SPACING_M = 150


def sample_addresses() -> list[CleanAddress]:
    rows: list[CleanAddress] = []
    for _code, ky, ru, en, _kind, points in STREETS:
        (lon0, lat0), (lon1, lat1) = points[0], points[-1]
        steps = max(2, int(distance_m(lat0, lon0, lat1, lon1) // HOUSE_SPACING_M))
        # About 20 m off the centre line, to the left (odd) or right (even) of the street.
        north, east = (lon1 - lon0), -(lat1 - lat0)
        norm = math.hypot(north, east) or 1
        off_lat, off_lon = north / norm * 0.00018, east / norm * 0.00025
        for i in range(steps):
            t = (i + 0.5) / steps
            lat, lon = lat0 + (lat1 - lat0) * t, lon0 + (lon1 - lon0) * t
            for number, side in ((2 * i + 1, 1), (2 * i + 2, -1)):
                rows.append(CleanAddress(row=len(rows) + 1, street_ky=ky, street_ru=ru,
                                         street_en=en, house_number=str(number),
                                         lat=round(lat + side * off_lat, 6),
                                         lon=round(lon + side * off_lon, 6)))
    return rows


def seed_addresses() -> None:
    addresses_import(addresses=sample_addresses(), replace=False, is_sample=True)


def _names(ky: str, ru: str, en: str) -> dict[str, str]:
    # "name" is what a renderer shows when the page's language has no name of its own.
    return {"name": ru, "name:ky": ky, "name:ru": ru, "name:en": en}


def _line(points: list[tuple[float, float]]) -> dict:
    return {"type": "LineString", "coordinates": [list(p) for p in points]}


def tile_features() -> list[Feature]:
    """The demo's base map: land, rivers, parks, the street grid and district outlines."""
    west, south, east, north = BBOX
    features = [Feature("earth", _polygon((west - 0.05, south - 0.05), (east + 0.05, south - 0.05),
                                          (east + 0.05, north + 0.05), (west - 0.05, north + 0.05)),
                        {"kind": "earth"})]
    for ky, ru, en, points in RIVERS:
        river = shape(_line(points)).buffer(0.0006)  # about 50 m wide
        features.append(Feature("water", mapping(river), {"kind": "river", **_names(ky, ru, en)}))
    for ky, ru, en, points in PARKS:
        features.append(Feature("landuse", _polygon(*points), {"kind": "park",
                                                               **_names(ky, ru, en)}))
    for _code, ky, ru, en, kind, points in STREETS:
        features.append(Feature("roads", _line(points), {"kind": kind, **_names(ky, ru, en)}))
    for row in DISTRICTS:
        outline = shape(row[5]).boundary
        features.append(Feature("boundaries", mapping(outline), {"kind": "county",
                                                                 "kind_detail": 8}))
    features.append(Feature("places", {"type": "Point", "coordinates": [74.603, 42.872]},
                            {"kind": "locality", "min_zoom": 1, "population_rank": 12,
                             **_names("Бишкек", "Бишкек", "Bishkek")}))
    return features


# Bump when the encoding changes, so that cached demo files are rebuilt.
TILES_FORMAT = 1
TILES_MAX_ZOOM = 15


def build_tiles(path: Path) -> bool:
    """Write the demo's sample base map to `path`, unless an identical one is already there.
    Returns whether it wrote. Never replaces a real city's file (one not marked sample)."""
    features = tile_features()
    content = [(f.layer, f.geometry, f.properties) for f in features]
    digest = hashlib.sha256(json.dumps([TILES_FORMAT, TILES_MAX_ZOOM, BBOX, content],
                                       sort_keys=True).encode()).hexdigest()
    if path.exists():
        metadata = read_metadata(path)
        if not metadata.get("shaar:sample"):
            raise FileExistsError(path)
        if metadata.get("shaar:digest") == digest:
            return False
    build_archive(path, features, bbox=BBOX, minzoom=0, maxzoom=TILES_MAX_ZOOM,
                  metadata={"name": "Shaar demo", "description": "Sample data, not survey data",
                            "shaar:sample": True, "shaar:digest": digest})
    return True
