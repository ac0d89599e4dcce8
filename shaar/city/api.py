from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from . import selectors
from .models import Address, City, District

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


class AddressOut(Schema):
    label: str
    street: str
    house_number: str
    lat: float
    lon: float
    district: str | None
    district_name: str | None
    is_sample: bool


def _address_out(address: Address) -> dict:
    district = address.district
    return {"label": address.label, "street": address.street,
            "house_number": address.house_number, "lat": address.lat, "lon": address.lon,
            "district": district.code if district else None,
            "district_name": district.name if district else None,
            "is_sample": address.is_sample}


def _language(lang: str) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    return lang if lang in codes else settings.LANGUAGE_CODE


@router.get("/addresses/", response=list[AddressOut], summary="Search the address register",
            description="Street names in Kyrgyz, Russian or Latin spelling, with or without a "
                        "house number (\"Чүй 12\", \"проспект Чуй\", \"Chui 12\"). At most 8.")
def address_search(request, q: str = "", lang: str = "") -> list[dict]:
    with translation.override(_language(lang)):
        return [_address_out(a) for a in selectors.address_search(q)]


@router.get("/addresses/nearest/", response={200: AddressOut, 404: dict},
            summary="The address nearest a point (within 150 m)")
def address_nearest(request, lat: float, lon: float, lang: str = ""):
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return Status(404, {"detail": _("The coordinates are outside the valid range.")})
    with translation.override(_language(lang)):
        address = selectors.address_nearest(lat=lat, lon=lon)
        if address is None:
            return Status(404, {"detail": _("No address within 150 m.")})
        return _address_out(address)
