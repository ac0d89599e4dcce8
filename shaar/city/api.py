from __future__ import annotations

from ninja import Router, Schema

from .models import City, District

router = Router(tags=["city"])


class DistrictOut(Schema):
    code: str
    name_ky: str
    name_ru: str
    name_en: str
    population: int
    boundary: dict | None
    boundary_is_approximate: bool
    is_sample: bool


class CityOut(Schema):
    name_ky: str
    name_ru: str
    name_en: str
    population: int
    currency: str
    time_zone: str
    districts: list[DistrictOut]


@router.get("/", response=CityOut, summary="The city and its districts")
def city_detail(request):
    city = City.current()
    return {**{f: getattr(city, f) for f in ("name_ky", "name_ru", "name_en", "population",
                                              "currency", "time_zone")},
            "districts": list(District.objects.all())}
