"""Writes of the city's reference data: its settings, districts, departments and
organisations (made by its administrators in the staff console), the address register and
district boundaries."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .addresses import fold, fold_house
from .geo import find_containing
from .importing import CleanAddress, CleanDistrict
from .models import Address, City, Department, District, Organisation

BATCH = 2000


def address_search_fields(*, street_ky: str, street_ru: str, street_en: str,
                          house_number: str) -> dict[str, str]:
    return {"search_key": fold(street_ky, street_ru, street_en),
            "house_key": fold_house(house_number)}


def _require_manager(by) -> None:
    if by is not None and not by.has_perm("city.manage"):
        raise PermissionDenied


@transaction.atomic
def addresses_import(*, addresses: list[CleanAddress], replace: bool,
                     is_sample: bool = False, by=None) -> tuple[int, int]:
    """Create or update every address (keyed by Russian street name and house number), each
    placed in the district whose boundary holds it. `replace` first deletes the register.
    BY is the staff member (None from the command line). Returns (created, updated)."""
    _require_manager(by)
    if replace:
        Address.objects.all().delete()
    districts = list(District.objects.filter(boundary__isnull=False))
    existing = {(a.street_ru, a.house_key): a for a in Address.objects.all()}
    created: list[Address] = []
    updated: list[Address] = []
    for row in addresses:
        fields: dict[str, Any] = {"street_ky": row.street_ky, "street_ru": row.street_ru,
                  "street_en": row.street_en, "house_number": row.house_number,
                  "lat": row.lat, "lon": row.lon, "is_sample": is_sample,
                  "district": find_containing(districts, row.lon, row.lat),
                  **address_search_fields(street_ky=row.street_ky, street_ru=row.street_ru,
                                          street_en=row.street_en,
                                          house_number=row.house_number)}
        address = existing.get((row.street_ru, fields["house_key"]))
        if address is None:
            created.append(Address(**fields))
        else:
            for name, value in fields.items():
                setattr(address, name, value)
            updated.append(address)
    Address.objects.bulk_create(created, batch_size=BATCH)
    Address.objects.bulk_update(updated, [
        "street_ky", "street_en", "house_number", "lat", "lon", "is_sample", "district",
        "search_key", "house_key"], batch_size=BATCH)
    return len(created), len(updated)


@transaction.atomic
def districts_import(*, districts: list[CleanDistrict], approximate: bool,
                     by=None) -> tuple[int, int]:
    """Set each district's boundary (created when the code is new, which needs its three
    names); then re-place every address in the new boundaries. BY is the staff member (None
    from the command line). Returns (created, updated)."""
    _require_manager(by)
    created = updated = 0
    for row in districts:
        district = District.objects.select_for_update().filter(code=row.code).first()
        names = {key: value for key, value in row.names.items() if value}
        if district is None:
            district = District(code=row.code, **names)
            created += 1
        else:
            for key, value in names.items():
                setattr(district, key, value)
            updated += 1
        district.boundary = row.geometry
        district.boundary_is_approximate = approximate
        district.is_sample = district.is_sample and approximate
        if row.population is not None:
            district.population = row.population
        district.full_clean()
        district.save()
    _replace_addresses()
    return created, updated


def _replace_addresses() -> None:
    districts = list(District.objects.filter(boundary__isnull=False))
    changed = []
    for address in Address.objects.only("id", "lat", "lon", "district_id").iterator():
        district = find_containing(districts, address.lon, address.lat)
        district_id = district.id if district else None
        if address.district_id != district_id:
            address.district_id = district_id
            changed.append(address)
    Address.objects.bulk_update(changed, ["district"], batch_size=BATCH)


REFERENCE_MODELS = (City, District, Department, Organisation)


@transaction.atomic
def reference_save(*, obj: City | District | Department | Organisation, by) -> None:
    """Create or change one row of reference data; cached copies follow (model signals)."""
    if not isinstance(obj, REFERENCE_MODELS):
        raise TypeError(f"not city reference data: {type(obj).__name__}")
    if by is None or not by.has_perm("city.manage"):
        raise PermissionDenied
    obj.full_clean()
    obj.save()
