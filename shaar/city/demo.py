"""Demo data for the city: Bishkek, its four districts (approximate boundaries) and
a few departments. Idempotent: rows are keyed by code and updated in place."""

from __future__ import annotations

from shaar.lib.demo import Scale

from .models import City, Department, District


def _box(west: float, south: float, east: float, north: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


# Approximate rectangles around each district, not survey boundaries; populations are
# rounded figures of the order published by the city. Both are marked as sample data.
DISTRICTS = [
    ("leninsky", "Ленин району", "Ленинский район", "Leninsky district", 383_000,
     _box(74.450, 42.770, 74.575, 42.930)),
    ("oktyabrsky", "Октябрь району", "Октябрьский район", "Oktyabrsky district", 327_000,
     _box(74.575, 42.770, 74.750, 42.860)),
    ("pervomaisky", "Биринчи май району", "Первомайский район", "Pervomaisky district", 246_000,
     _box(74.575, 42.860, 74.635, 42.950)),
    ("sverdlovsky", "Свердлов району", "Свердловский район", "Sverdlovsky district", 340_000,
     _box(74.635, 42.860, 74.750, 42.950)),
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
    for code, ky, ru, en in DEPARTMENTS:
        Department.objects.update_or_create(
            code=code, defaults={"name_ky": ky, "name_ru": ru, "name_en": en, "is_sample": True}
        )
