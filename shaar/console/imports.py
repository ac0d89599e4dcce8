"""The imports the console offers, each over its app's own actions: a template, a check
that writes nothing (with a preview of what will change), and the run itself.

The same app actions serve the management commands (`import_budget`, `import_register`),
so a file the console accepts is accepted on the command line and the other way round.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shaar.accounts import actions as account_actions
from shaar.accounts.models import RegisterEntry
from shaar.accounts.register import decode_upload, parse_register, read_rows
from shaar.city.models import District
from shaar.feedback.models import Status
from shaar.lib.tabular import FileFormatError, RowError, read_file
from shaar.openbudget import actions as budget_actions
from shaar.openbudget.loaders import load_bytes
from shaar.openbudget.models import AdminUnit, BudgetVersion


@dataclass
class Checked:
    """What a check found: every problem, or a preview of the change."""

    errors: list[dict[str, Any]]
    preview: dict[str, Any]
    total: int = 0


def _errors(errors: Iterable[RowError]) -> list[dict[str, Any]]:
    return [{"row": e.row, "column": e.column, "reason": str(e.reason)} for e in errors]


def _file_error(message: str) -> Checked:
    return Checked([{"row": "", "column": "", "reason": message}], {})


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    # A BOM so that Excel opens Cyrillic text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode()


# --- The city budget -----------------------------------------------------------------------

BUDGET_HEADER = ["direction", "cofog", "economic_code", "admin_unit", "admin_unit_name_ky",
                 "admin_unit_name_ru", "admin_unit_name_en", "programme", "name_ky",
                 "name_ru", "name_en", "approved", "revised", "executed"]


def budget_columns() -> list[tuple[str, str]]:
    return [
        ("direction", _("“revenue” or “expenditure”")),
        ("cofog", _("function code (COFOG, e.g. 7092), for spending lines")),
        ("economic_code", _("economic classification code")),
        ("admin_unit", _("code or name of the administrative unit; empty for revenue")),
        ("admin_unit_name_ky / _ru / _en",
         _("the unit's name in Kyrgyz, Russian and English: a unit the city does not have "
           "yet is created from them")),
        ("programme", _("programme (optional)")),
        ("name_ky / name_ru / name_en", _("the line's name in each language")),
        ("approved / revised / executed", _("amounts in som; revised and executed may be "
                                            "empty")),
    ]


def budget_template() -> bytes:
    return _csv(BUDGET_HEADER, [
        ["expenditure", "7092", "2111", "education", "Билим берүү башкармалыгы",
         "Управление образования", "Education Department", "", "Мектептер", "Школы",
         "Schools", "125000000.00", "", ""],
        ["revenue", "", "11111100", "", "", "", "", "", "Киреше салыгы",
         "Подоходный налог", "Income tax", "300000000.00", "", ""]])


def budget_check(data: bytes, file_name: str, options: dict[str, Any]) -> Checked:
    try:
        loaded = load_bytes(data, file_name)
    except FileFormatError as exc:
        return _file_error(str(exc))
    year = int(options["year"])
    if loaded.fiscal_year is not None and loaded.fiscal_year != year:
        return _file_error(_("The package is for fiscal year %(found)s, not %(year)s.")
                           % {"found": loaded.fiscal_year, "year": year})
    extra_units = dict(loaded.extra_units)
    result = budget_actions.budget_check(header=loaded.header, rows=loaded.rows, year=year,
                                         extra_units=extra_units)
    if result.errors:
        return Checked(_errors(result.errors), {})
    existing = set(AdminUnit.objects.values_list("code", flat=True))
    used = {line.admin_unit_code for line in result.lines if line.admin_unit_code}
    new_units = [{"code": code, **extra_units.get(code, {})}
                 for code in sorted(used - existing) if code in extra_units]
    totals: defaultdict[str, Decimal] = defaultdict(Decimal)
    for line in result.lines:
        totals[line.fields["direction"]] += line.fields.get("approved") or Decimal(0)
    current = BudgetVersion.objects.filter(fiscal_year__year=year, is_current=True).first()
    return Checked([], {
        "year": year, "lines": len(result.lines), "new_units": new_units,
        "replaces": {"number": current.number, "lines": current.line_count} if current else None,
        "totals": {direction: f"{amount:,.2f}".replace(",", " ")
                   for direction, amount in sorted(totals.items())},
    }, total=len(result.lines))


def budget_run(data: bytes, file_name: str, options: dict[str, Any], *, user,
               progress: Callable[[int], None]) -> str:
    loaded = load_bytes(data, file_name)
    version = budget_actions.budget_import(
        year=int(options["year"]), header=loaded.header, rows=loaded.rows,
        source=loaded.source, source_name=file_name, executed_on=loaded.executed_on,
        population=loaded.population, imported_by=user, extra_units=dict(loaded.extra_units),
        progress=progress)
    return _("Imported %(count)s lines as version %(version)s of %(year)s.") % {
        "count": version.line_count, "version": version.number, "year": options["year"]}


# --- The residency register ----------------------------------------------------------------

REGISTER_HEADER = ["pin", "birth_year", "district"]


def register_columns() -> list[tuple[str, str]]:
    return [("pin", _("personal number (14 digits); it is stored only as a keyed hash")),
            ("birth_year", _("year of birth")),
            ("district", _("district: its code or its name in any language"))]


def register_template() -> bytes:
    district = District.objects.order_by("code").first()
    return _csv(REGISTER_HEADER, [["21234567890123", "1985",
                                   district.name if district else "district"]])


def _register_rows(data: bytes):
    return read_rows(decode_upload(data))


def register_check(data: bytes, file_name: str, options: dict[str, Any]) -> Checked:
    try:
        parsed, errors = parse_register(_register_rows(data))
    except ValidationError as exc:
        return _file_error(" ".join(exc.messages))
    if errors:
        return Checked(_errors(errors), {})
    names = dict(District.objects.values_list("id", "name_" + _language()))
    by_district = Counter(names.get(row.district_id, "") for row in parsed)
    return Checked([], {"rows": len(parsed), "replaces": RegisterEntry.objects.count(),
                        "districts": sorted(by_district.items())}, total=len(parsed))


def register_run(data: bytes, file_name: str, options: dict[str, Any], *, user,
                 progress: Callable[[int], None]) -> str:
    batch = account_actions.register_import(rows=_register_rows(data), file_name=file_name,
                                            uploaded_by=user, on_row=lambda: progress(1))
    return _("Imported %(count)s register entries.") % {"count": batch.row_count}


# --- Past appeals (the hotline's and the e-portal's cases) -------------------------------

def appeals_columns() -> list[tuple[str, str]]:
    return [
        ("date", _("when the appeal was received: YYYY-MM-DD or DD.MM.YYYY, time optional")),
        ("channel", _("phone, letter, in_person, eportal or web (or their names)")),
        ("category", _("the category's code or name in any language")),
        ("text", _("what the resident wrote or said")),
        ("address", _("address (optional)")),
        ("lat / lon", _("the place as a point; or else")),
        ("district", _("the district (its centre is used)")),
        ("status", _("new, acknowledged, in_progress, resolved or rejected (or their names)")),
        ("answer", _("the city's answer, published with the appeal (optional)")),
        ("closed_on", _("when it was closed (optional)")),
    ]


def appeals_template() -> bytes:
    from shaar.feedback.history import COLUMNS
    from shaar.feedback.models import Category

    category = Category.objects.order_by("order", "code").first()
    district = District.objects.order_by("code").first()
    return _csv(COLUMNS, [["2025-03-14", "phone", category.name if category else "potholes",
                           "Яма на дороге у школы № 5", "ул. Токтогула, 100", "", "",
                           district.name if district else "", "resolved",
                           "Яма заделана 20 марта.", "2025-03-20"]])


def _table(data: bytes, file_name: str):
    header, rows, _format = read_file(data, file_name)
    return header, list(rows)


def appeals_check(data: bytes, file_name: str, options: dict[str, Any]) -> Checked:
    from shaar.feedback.history import check_appeals

    try:
        header, rows = _table(data, file_name)
    except FileFormatError as exc:
        return _file_error(str(exc))
    appeals, errors = check_appeals(header, rows)
    if errors:
        return Checked(_errors(errors), {})
    by_status = Counter(str(Status(appeal.status).label) for appeal in appeals)
    dates = [appeal.created_at for appeal in appeals]
    return Checked([], {
        "rows": len(appeals), "by_status": sorted(by_status.items()),
        "first": date_format(timezone.localtime(min(dates))) if dates else "",
        "last": date_format(timezone.localtime(max(dates))) if dates else "",
    }, total=len(appeals))


def appeals_run(data: bytes, file_name: str, options: dict[str, Any], *, user,
                progress: Callable[[int], None]) -> str:
    from shaar.feedback import actions as feedback_actions

    header, rows = _table(data, file_name)
    count = feedback_actions.appeals_import(header=header, rows=rows, by=user,
                                            progress=progress)
    return _("Imported %(count)s past appeals.") % {"count": count}


# --- Past grants ---------------------------------------------------------------------------

def grants_columns() -> list[tuple[str, str]]:
    return [
        ("call_code", _("the past call's code (rows with the same code make one call)")),
        ("call_title_ky / _ru / _en", _("the call's title (for a new past call)")),
        ("year", _("the year of the call")),
        ("organisation", _("the grantee's name")),
        ("registration_number", _("its registration number; empty for an informal group")),
        ("project_title", _("the project")),
        ("district", _("the district (optional)")),
        ("requested / awarded", _("amounts in som")),
        ("agreement_number", _("grant agreement number (optional)")),
        ("project_start / project_end", _("dates: YYYY-MM-DD or DD.MM.YYYY (optional)")),
        ("completed", _("yes or no")),
    ]


def grants_template() -> bytes:
    from shaar.grants.history import COLUMNS

    district = District.objects.order_by("code").first()
    return _csv(COLUMNS, [["youth-2023", "Жаштар демилгелери 2023", "Молодёжные инициативы 2023",
                           "Youth initiatives 2023", "2023", "ОФ «Жашыл шаар»", "12345-3301-ОФ",
                           "Сквер во дворе", district.name if district else "", "300000",
                           "250000", "Г-17", "2023-04-01", "2023-10-31", "yes"]])


def grants_check(data: bytes, file_name: str, options: dict[str, Any]) -> Checked:
    from shaar.grants.history import check_grants

    try:
        header, rows = _table(data, file_name)
    except FileFormatError as exc:
        return _file_error(str(exc))
    grants, errors = check_grants(header, rows)
    if errors:
        return Checked(_errors(errors), {})
    calls = Counter(grant.call_code for grant in grants)
    total = sum(grant.awarded for grant in grants)
    return Checked([], {"rows": len(grants), "calls": sorted(calls.items()),
                        "total": f"{total:,}".replace(",", " ")}, total=len(grants))


def grants_run(data: bytes, file_name: str, options: dict[str, Any], *, user,
               progress: Callable[[int], None]) -> str:
    from shaar.grants import actions as grants_actions

    header, rows = _table(data, file_name)
    count = grants_actions.past_grants_import(header=header, rows=rows, by=user,
                                              progress=progress)
    return _("Imported %(count)s past grants.") % {"count": count}


# --- The address register and district boundaries (the city app's own checks) -----------

def addresses_columns() -> list[tuple[str, str]]:
    return [
        ("street_ky / street_ru / street_en",
         _("the street's name in Kyrgyz, Russian and English; only the Russian one is "
           "required (the others are filled from it)")),
        ("house_number", _("house number, e.g. 12 or 12/1")),
        ("lat / lon", _("the entrance as a point (decimal degrees)")),
    ]


def addresses_template() -> bytes:
    """The columns, with the city's first address as the example row (its map centre and
    placeholders when it has none yet)."""
    from shaar.city.importing import ADDRESS_COLUMNS
    from shaar.city.models import Address, City

    address = Address.objects.order_by("pk").first()
    if address is None:
        city = City.current()
        example = ["…", "…", "…", "1", str(city.map_center_lat), str(city.map_center_lon)]
    else:
        example = [address.street_ky, address.street_ru, address.street_en,
                   address.house_number, str(address.lat), str(address.lon)]
    return _csv(list(ADDRESS_COLUMNS), [example])


def _addresses(data: bytes, file_name: str):
    from shaar.city.importing import check_addresses, read_addresses

    header, rows = read_addresses(data, file_name)
    return check_addresses(header, rows)


def addresses_check(data: bytes, file_name: str, options: dict[str, Any]) -> Checked:
    from shaar.city.addresses import fold_house
    from shaar.city.models import Address

    try:
        addresses, errors = _addresses(data, file_name)
    except FileFormatError as exc:
        return _file_error(str(exc))
    if errors:
        return Checked(_errors(errors), {})
    existing = Address.objects.count()
    if options.get("replace"):
        new, updated, removed = len(addresses), 0, existing
    else:
        keys = set(Address.objects.values_list("street_ru", "house_key"))
        updated = sum((a.street_ru, fold_house(a.house_number)) in keys for a in addresses)
        new, removed = len(addresses) - updated, 0
    return Checked([], {"rows": len(addresses), "new": new, "updated": updated,
                        "removed": removed}, total=len(addresses))


def addresses_run(data: bytes, file_name: str, options: dict[str, Any], *, user,
                  progress: Callable[[int], None]) -> str:
    from shaar.city import actions as city_actions

    addresses, errors = _addresses(data, file_name)
    if errors:
        raise ValidationError([str(error) for error in errors[:20]])
    created, updated = city_actions.addresses_import(
        addresses=addresses, replace=bool(options.get("replace")), by=user)
    progress(len(addresses))
    return _("Imported %(count)s addresses: %(created)s new, %(updated)s updated.") % {
        "count": len(addresses), "created": created, "updated": updated}


def districts_columns() -> list[tuple[str, str]]:
    return [
        ("type: Polygon / MultiPolygon", _("each feature is one district's boundary, in "
                                           "longitude/latitude (WGS 84)")),
        ("code", _("the district's code: an existing district gets the new boundary")),
        ("name_ky / name_ru / name_en", _("the district's name in each language, needed for "
                                          "a new district")),
        ("population", _("number of residents (optional)")),
    ]


def districts_template() -> bytes:
    """One feature: the city's first district (placeholders when it has none yet) as a small
    square around the city's map centre."""
    import json

    from shaar.city.models import City

    city = City.current()
    lat, lon = city.map_center_lat, city.map_center_lon
    ring = [[lon - 0.02, lat - 0.02], [lon + 0.02, lat - 0.02], [lon + 0.02, lat + 0.02],
            [lon - 0.02, lat + 0.02], [lon - 0.02, lat - 0.02]]
    district = District.objects.order_by("code").first()
    properties = ({"code": district.code, "name_ky": district.name_ky,
                   "name_ru": district.name_ru, "name_en": district.name_en,
                   "population": district.population} if district else
                  {"code": "district-1", "name_ky": "…", "name_ru": "…", "name_en": "…",
                   "population": 0})
    return json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": [ring]}}]},
        ensure_ascii=False, indent=1).encode()


def _districts(data: bytes, options: dict[str, Any]):
    """The districts, every problem (with overlaps unless allowed) and the overlaps."""
    from shaar.city.importing import check_new_district_names, overlaps, read_districts

    districts, errors = read_districts(data)
    errors += check_new_district_names(districts,
                                       District.objects.values_list("code", flat=True))
    found = overlaps(districts) if not errors else []
    if found and not options.get("allow_overlaps"):
        rows = {district.code: district.row for district in districts}
        errors += [RowError(rows[o.first], "geometry", _(
            "overlaps district %(other)s: %(area)s km² around %(lat)s, %(lon)s")
            % {"other": o.second, "area": o.area_km2, "lat": o.where[0], "lon": o.where[1]})
            for o in found]
    return districts, errors, found


def districts_check(data: bytes, file_name: str, options: dict[str, Any]) -> Checked:
    from shaar.city.importing import gaps

    try:
        districts, errors, found = _districts(data, options)
    except FileFormatError as exc:
        return _file_error(str(exc))
    if errors:
        return Checked(_errors(errors), {})
    existing = set(District.objects.values_list("code", flat=True))
    return Checked([], {
        "rows": len(districts),
        "new": [d.code for d in districts if d.code not in existing],
        "updated": [d.code for d in districts if d.code in existing],
        "overlaps": [{"first": o.first, "second": o.second, "area": o.area_km2}
                     for o in found],
        "gaps": [{"lat": lat, "lon": lon, "area": area} for lat, lon, area in gaps(districts)],
        "approximate": bool(options.get("approximate")),
    }, total=len(districts))


def districts_run(data: bytes, file_name: str, options: dict[str, Any], *, user,
                  progress: Callable[[int], None]) -> str:
    from shaar.city import actions as city_actions

    districts, errors, _found = _districts(data, options)
    if errors:
        raise ValidationError([str(error) for error in errors[:20]])
    created, updated = city_actions.districts_import(
        districts=districts, approximate=bool(options.get("approximate")), by=user)
    progress(len(districts))
    return _("Imported %(count)s districts: %(created)s new, %(updated)s updated.") % {
        "count": len(districts), "created": created, "updated": updated}


def _language() -> str:
    from django.utils.translation import get_language

    language = (get_language() or "en")[:2]
    return language if language in ("ky", "ru", "en") else "en"


@dataclass(frozen=True)
class ImportKind:
    title: Any
    permission: str
    columns: Callable[[], list[tuple[str, str]]]
    template: Callable[[], bytes]
    check: Callable[[bytes, str, dict[str, Any]], Checked]
    run: Callable[..., str]
    command: str
    template_ext: str = "csv"
    template_type: str = "text/csv; charset=utf-8"


KINDS: dict[str, ImportKind] = {
    "budget": ImportKind(gettext_lazy("City budget"), "openbudget.import_budget",
                         budget_columns, budget_template, budget_check, budget_run,
                         "manage.py import_budget FILE --year YYYY"),
    "register": ImportKind(gettext_lazy("Residency register"), "accounts.import_register",
                           register_columns, register_template, register_check,
                           register_run, "manage.py import_register FILE"),
    "appeals": ImportKind(gettext_lazy("Past appeals"), "feedback.import_appeals",
                          appeals_columns, appeals_template, appeals_check, appeals_run,
                          "manage.py import_appeals FILE"),
    "grants": ImportKind(gettext_lazy("Past grants"), "grants.import_past", grants_columns,
                         grants_template, grants_check, grants_run,
                         "manage.py import_past_grants FILE --by E-MAIL"),
    "addresses": ImportKind(gettext_lazy("Address register"), "city.manage", addresses_columns,
                            addresses_template, addresses_check, addresses_run,
                            "manage.py import_addresses FILE [--replace]"),
    "districts": ImportKind(gettext_lazy("District boundaries"), "city.manage",
                            districts_columns, districts_template, districts_check,
                            districts_run,
                            "manage.py import_districts FILE.geojson [--approximate] "
                            "[--allow-overlaps]",
                            template_ext="geojson",
                            template_type="application/geo+json; charset=utf-8"),
}
