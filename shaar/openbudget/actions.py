"""Every write of the citizen's budget: importing a year's figures."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from shaar.city.models import City, Department, District
from shaar.lib.tabular import Row, RowsRefused

from .importing import CheckResult, check_rows
from .models import AdminUnit, BudgetLine, BudgetVersion, FiscalYear

BATCH_SIZE = 500




def known_unit_codes(extra: Iterable[str] = ()) -> set[str]:
    """Codes an import may use: administrative units, and city departments and districts
    (a unit is created for those on first use)."""
    return (set(AdminUnit.objects.values_list("code", flat=True))
            | set(Department.objects.values_list("code", flat=True))
            | set(District.objects.values_list("code", flat=True))
            | set(extra))


def _ensure_units(codes: set[str], extra_units: dict[str, dict[str, str]]) -> dict[str, int]:
    units = {u.code: u.id for u in AdminUnit.objects.filter(code__in=codes)}
    for code in sorted(codes - units.keys()):
        department = Department.objects.filter(code=code).first()
        district = District.objects.filter(code=code).first() if department is None else None
        source = department or district
        names = ({"name_ky": source.name_ky, "name_ru": source.name_ru,
                  "name_en": source.name_en} if source else
                 {f"name_{lang}": extra_units.get(code, {}).get(lang) or code
                  for lang in ("ky", "ru", "en")})
        kind = (AdminUnit.Kind.DEPARTMENT if department else
                AdminUnit.Kind.DISTRICT if district else AdminUnit.Kind.OTHER)
        unit = AdminUnit(code=code, kind=kind, department=department, district=district,
                         is_sample=bool(source and source.is_sample), **names)
        unit.full_clean()
        unit.save()
        units[code] = unit.id
    return units


CODE_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")
UNIT_NAME_COLUMNS = {lang: f"admin_unit_name_{lang}" for lang in ("ky", "ru", "en")}


class UnitResolver:
    """Find each row's administrative unit by code, or by name in any language; a unit the
    city does not have yet is created from the row's `admin_unit_name_ky/ru/en`.

    Rewrites a row's `admin_unit` to the unit's code, adding new codes to `known` and their
    names to `extra_units` (what `_ensure_units` creates), so checking sees them.
    """

    def __init__(self, known: set[str], extra_units: dict[str, dict[str, str]]) -> None:
        self.known, self.extra_units = known, extra_units
        self.by_name: dict[str, str] = {}
        for model in (AdminUnit, Department, District):
            for code, *names in model.objects.values_list("code", "name_ky", "name_ru",
                                                          "name_en"):
                for name in names:
                    if name:
                        self.by_name.setdefault(name.strip().casefold(), code)

    def rows(self, rows: Iterable[Row]) -> Iterable[Row]:
        for row in rows:
            self._resolve(row)
            yield row

    def _resolve(self, row: Row) -> None:
        raw = str(row.values.get("admin_unit") or "").strip()
        names = {lang: str(row.values.get(column) or "").strip()
                 for lang, column in UNIT_NAME_COLUMNS.items()}
        if raw.lower() in self.known:
            return
        for candidate in (raw, *names.values()):
            code = self.by_name.get(candidate.casefold()) if candidate else None
            if code:
                row.values["admin_unit"] = code
                return
        if not any(names.values()):
            return  # unknown code and no names: checking reports it
        code = self._new_code(raw, names)
        row.values["admin_unit"] = code
        self.known.add(code)
        self.extra_units.setdefault(code, {lang: name or code for lang, name in names.items()})
        for name in names.values():
            if name:
                self.by_name.setdefault(name.casefold(), code)


    @staticmethod
    def _new_code(raw: str, names: dict[str, str]) -> str:
        """The file's code if it is one; else one made from the English name, or from a
        hash of the names (Cyrillic names make no ASCII code)."""
        if CODE_RE.fullmatch(raw.lower()):
            return raw.lower()
        return slugify(names["en"])[:60] or "unit-" + hashlib.sha256(
            "|".join(names.values()).encode()).hexdigest()[:10]


def budget_check(*, header: list[str], rows: Iterable[Row], year: int,
                 extra_units: dict[str, dict[str, str]] | None = None) -> CheckResult:
    """Check a file's rows without writing anything. EXTRA_UNITS (code → names) gains the
    units the file names that the city does not have yet."""
    extra_units = extra_units if extra_units is not None else {}
    known = known_unit_codes(extra_units)
    resolver = UnitResolver(known, extra_units)
    return check_rows(header, resolver.rows(rows), known_units=known, year=year)


def budget_import(*, year: int, header: list[str], rows: Iterable[Row], source: str,
                  source_name: str = "", executed_on: datetime.date | None = None,
                  population: int | None = None, imported_by=None, is_sample: bool = False,
                  extra_units: dict[str, dict[str, str]] | None = None,
                  progress: Callable[[int], object] | None = None) -> BudgetVersion:
    """Import a year's budget from checked rows as its new current version.

    Every row is checked first; with any bad row, RowsRefused lists them all and
    nothing is written. The write happens in one transaction: readers see either the old
    version or the new one complete, never a mix. Earlier versions are kept.
    """
    extra_units = extra_units or {}
    if not 1991 <= year <= 2200:
        raise ValidationError(_("The fiscal year must be between 1991 and 2200."))
    if population is not None and population < 0:
        raise ValidationError(_("The population cannot be negative."))
    # Checking runs outside the transaction: a big file must not hold the write lock.
    result = budget_check(header=header, rows=rows, year=year, extra_units=extra_units)
    if result.errors:
        raise RowsRefused(result.errors)

    with transaction.atomic():
        fiscal_year, _created = FiscalYear.objects.get_or_create(
            year=year, defaults={"population": population or City.current().population,
                                 "is_sample": is_sample})
        # Lock the year: two imports of the same year are serialised.
        fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
        update_fields = []
        if population is not None and population != fiscal_year.population:
            fiscal_year.population = population
            update_fields.append("population")
        if fiscal_year.is_sample != is_sample:
            fiscal_year.is_sample = is_sample
            update_fields.append("is_sample")
        if update_fields:
            fiscal_year.full_clean()
            fiscal_year.save(update_fields=update_fields)

        number = (fiscal_year.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        fiscal_year.versions.filter(is_current=True).update(is_current=False)
        version = BudgetVersion(fiscal_year=fiscal_year, number=number, is_current=True,
                                source=source, source_name=source_name[:255],
                                executed_on=executed_on, line_count=len(result.lines),
                                imported_by=imported_by)
        version.full_clean()
        version.save()

        units = _ensure_units({line.admin_unit_code for line in result.lines
                               if line.admin_unit_code}, extra_units)
        batch: list[BudgetLine] = []
        for line in result.lines:
            batch.append(BudgetLine(version=version, row_number=line.row_number,
                                    admin_unit_id=units.get(line.admin_unit_code),
                                    **line.fields))
            if len(batch) >= BATCH_SIZE:
                BudgetLine.objects.bulk_create(batch)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            BudgetLine.objects.bulk_create(batch)
            if progress:
                progress(len(batch))
    return version
