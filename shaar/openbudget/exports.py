"""Open data: a version as CSV, JSON and a Frictionless Fiscal Data Package, and reading
such a package back.

The Fiscal Data Package (FDP) is a datapackage.json describing one CSV. Each CSV column
declares its FDP `columnType` (the OpenSpending types: `value`,
`functional-classification:cofog:code`, `administrative-classification:generic:code`…),
and the package also carries the older `model` (measures and dimensions), so both
generations of OpenSpending-style tools can read it. The three amount columns are
measures in the phases "approved", "adjusted" (revised) and "executed".
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from shaar.city.models import City
from shaar.lib import csvout
from shaar.lib.tabular import FileFormatError, Row

from . import cofog
from .importing import COLUMNS, OPTIONAL_COLUMNS
from .models import QUARTERS, BudgetLine, BudgetVersion
from .selectors import lines_of

EXPORT_COLUMNS = [*COLUMNS, *OPTIONAL_COLUMNS]
FDP_CSV = "budget.csv"
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
FDP_PHASES = {"approved": "approved", "revised": "adjusted", "executed": "executed"}


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def line_row(line: BudgetLine) -> dict[str, str]:
    """A line in the import file layout (so an export can be imported again)."""
    row = {
        "direction": line.direction, "cofog": line.cofog, "economic_code": line.economic_code,
        "admin_unit": line.admin_unit.code if line.admin_unit else "",
        "programme": line.programme, "name_ky": line.name_ky, "name_ru": line.name_ru,
        "name_en": line.name_en, "participation": line.participation,
    }
    for column in ("approved", "revised", "executed",
                   *[f"{k}_q{q}" for k in ("planned", "executed") for q in QUARTERS]):
        row[column] = _amount(getattr(line, column))
    return row


def write_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """CSV text with every cell that a spreadsheet would run as a formula neutralised."""
    buffer = io.StringIO()
    writer = csvout.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return buffer.getvalue()


def version_csv(version: BudgetVersion) -> str:
    return write_csv([line_row(line) for line in lines_of(version)], EXPORT_COLUMNS)


def version_json(version: BudgetVersion) -> dict[str, Any]:
    fiscal_year = version.fiscal_year
    return {
        "fiscal_year": fiscal_year.year, "currency": City.current().currency,
        "version": version.number,
        "imported_at": version.imported_at.isoformat(),
        "executed_on": version.executed_on.isoformat() if version.executed_on else None,
        "population": fiscal_year.population, "is_sample": fiscal_year.is_sample,
        "lines": [line_row(line) for line in lines_of(version)],
    }


# --- Fiscal Data Package -----------------------------------------------------------------

def _fdp_fields(currency: str) -> list[dict[str, Any]]:
    def string(name: str, column_type: str | None = None, **extra) -> dict[str, Any]:
        field = {"name": name, "type": "string", **extra}
        if column_type:
            field["columnType"] = column_type
        return field

    fields = [
        {"name": "fiscal_year", "type": "integer", "columnType": "date:fiscal-year"},
        string("direction", "direction", constraints={"enum": ["revenue", "expenditure"]}),
        string("cofog", "functional-classification:cofog:code",
               description="COFOG in GFS notation: division 701–710 or group 7011–7109"),
        string("cofog_label", "functional-classification:cofog:label"),
        string("economic_code", "economic-classification:generic:code"),
        string("admin_unit", "administrative-classification:generic:code"),
        string("admin_unit_name_en", "administrative-classification:generic:label"),
        string("admin_unit_name_ru"), string("admin_unit_name_ky"),
        string("programme", "activity:generic:program:code"),
        string("name_ky"), string("name_ru"), string("name_en", "budget-line-item:label"),
    ]
    for column, phase in FDP_PHASES.items():
        fields.append({"name": column, "type": "number", "columnType": "value",
                       "phase": phase, "currency": currency, "decimalChar": "."})
    for kind in ("planned", "executed"):
        for q in QUARTERS:
            fields.append({"name": f"{kind}_q{q}", "type": "number", "columnType": "value",
                           "phase": "approved" if kind == "planned" else "executed",
                           "quarter": q, "currency": currency, "decimalChar": "."})
    fields.append(string("participation",
                         constraints={"enum": ["", "civic_budget", "community_grants"]}))
    return fields


def fdp_descriptor(version: BudgetVersion) -> dict[str, Any]:
    year = version.fiscal_year.year
    city = City.current()
    fields = _fdp_fields(city.currency)
    measures = {column: {"source": column, "currency": city.currency, "phase": phase}
                for column, phase in FDP_PHASES.items()}
    dimensions = {
        "functional-classification": {
            "dimensionType": "classification", "classificationType": "functional",
            "attributes": {"code": {"source": "cofog"},
                           "label": {"source": "cofog_label", "labelfor": "code"}},
            "primaryKey": ["code"]},
        "economic-classification": {
            "dimensionType": "classification", "classificationType": "economic",
            "attributes": {"code": {"source": "economic_code"}}, "primaryKey": ["code"]},
        "administrative-classification": {
            "dimensionType": "classification", "classificationType": "administrative",
            "attributes": {"code": {"source": "admin_unit"},
                           "label": {"source": "admin_unit_name_en", "labelfor": "code"}},
            "primaryKey": ["code"]},
        "direction": {"dimensionType": "other", "attributes": {"direction": {"source":
                                                                              "direction"}},
                      "primaryKey": ["direction"]},
        "date": {"dimensionType": "datetime",
                 "attributes": {"year": {"source": "fiscal_year"}}, "primaryKey": ["year"]},
    }
    return {
        "profile": "fiscal-data-package",
        "name": f"city-budget-{year}",
        "title": f"City budget {year} (version {version.number})",
        "version": str(version.number),
        "countryCode": city.country_code,
        "currency": city.currency,
        "fiscalPeriod": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "granularity": "aggregated",
        "created": version.imported_at.isoformat(),
        "executionDate": version.executed_on.isoformat() if version.executed_on else None,
        "population": version.fiscal_year.population,
        "isSample": version.fiscal_year.is_sample,
        "license": {"name": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        "resources": [{
            "name": "budget", "path": FDP_CSV, "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "schema": {"fields": fields},
        }],
        "model": {"measures": measures, "dimensions": dimensions},
    }


def version_fdp_zip(version: BudgetVersion) -> bytes:
    rows = []
    year = version.fiscal_year.year
    for line in lines_of(version):
        row = line_row(line)
        row["fiscal_year"] = str(year)
        row["cofog_label"] = cofog.FUNCTIONS[line.cofog].name_en if line.cofog else ""
        for lang in ("ky", "ru", "en"):
            row[f"admin_unit_name_{lang}"] = (getattr(line.admin_unit, f"name_{lang}")
                                              if line.admin_unit_id else "")
        rows.append(row)
    descriptor = fdp_descriptor(version)
    columns = [field["name"] for field in descriptor["resources"][0]["schema"]["fields"]]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json",
                         json.dumps(descriptor, ensure_ascii=False, indent=2))
        archive.writestr(FDP_CSV, write_csv(rows, columns))
    return buffer.getvalue()


# Other packages name their columns differently: find ours by FDP columnType.
_BY_COLUMN_TYPE = {
    "direction": "direction",
    "functional-classification:cofog:code": "cofog",
    "functional-classification:cofog:group:code": "cofog",
    "functional-classification:cofog:division:code": "cofog",
    "economic-classification:generic:code": "economic_code",
    "administrative-classification:generic:code": "admin_unit",
    "activity:generic:program:code": "programme",
    "date:fiscal-year": "fiscal_year",
}
_BY_PHASE = {"approved": "approved", "adjusted": "revised", "executed": "executed"}


class FiscalDataPackage:
    """A package read from a .zip, a datapackage.json path or its directory."""

    def __init__(self, descriptor: dict[str, Any], csv_bytes: bytes) -> None:
        self.descriptor = descriptor
        self.csv_bytes = csv_bytes

    @classmethod
    def from_zip(cls, data: bytes) -> FiscalDataPackage:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
                descriptor_name = next((n for n in names
                                        if n.rsplit("/", 1)[-1] == "datapackage.json"), None)
                if descriptor_name is None:
                    raise FileFormatError(_("The package has no datapackage.json."))
                # A small upload can unpack to gigabytes: refuse oversized members.
                if any(info.file_size > MAX_UNPACKED_BYTES for info in archive.infolist()):
                    raise FileFormatError(_("The package's files are too large."))
                base = descriptor_name.rsplit("/", 1)[0] + "/" if "/" in descriptor_name else ""
                descriptor = cls._descriptor(archive.read(descriptor_name))
                path = cls._resource_path(descriptor)
                try:
                    return cls(descriptor, archive.read(base + path))
                except KeyError:
                    raise FileFormatError(_("The package does not contain %(path)s.")
                                          % {"path": path}) from None
        except zipfile.BadZipFile:
            raise FileFormatError(_("The file is not a valid ZIP archive.")) from None

    @classmethod
    def from_path(cls, path: Path) -> FiscalDataPackage:
        if path.is_dir():
            path = path / "datapackage.json"
        descriptor = cls._descriptor(path.read_bytes())
        resource = (path.parent / cls._resource_path(descriptor)).resolve()
        if path.parent.resolve() not in resource.parents:
            raise FileFormatError(_("The package's data file must sit beside datapackage.json."))
        if not resource.exists():
            raise FileFormatError(_("The package does not contain %(path)s.")
                                  % {"path": resource.name})
        return cls(descriptor, resource.read_bytes())

    @staticmethod
    def _descriptor(data: bytes) -> dict[str, Any]:
        try:
            descriptor = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise FileFormatError(_("datapackage.json is not valid JSON.")) from None
        if not isinstance(descriptor, dict) or not descriptor.get("resources"):
            raise FileFormatError(_("datapackage.json describes no resources."))
        return descriptor

    @staticmethod
    def _resource_path(descriptor: dict[str, Any]) -> str:
        resource = descriptor["resources"][0]
        path = resource.get("path") if isinstance(resource, dict) else None
        if isinstance(path, list):
            path = path[0] if path else None
        if not isinstance(path, str) or path.startswith("/") or ".." in path or "://" in path:
            raise FileFormatError(_("The package's resource must be a local CSV file."))
        return path

    @property
    def executed_on(self) -> datetime.date | None:
        value = self.descriptor.get("executionDate")
        try:
            return datetime.date.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            raise FileFormatError(_("executionDate in datapackage.json is not a date.")) from None

    @property
    def population(self) -> int | None:
        value = self.descriptor.get("population")
        return value if isinstance(value, int) and value >= 0 else None

    @property
    def fiscal_year(self) -> int | None:
        start = (self.descriptor.get("fiscalPeriod") or {}).get("start", "")
        return int(start[:4]) if isinstance(start, str) and start[:4].isdigit() else None

    def column_names(self) -> dict[str, str]:
        """Package column → our column, by name first, then by FDP column type."""
        fields = self.descriptor["resources"][0].get("schema", {}).get("fields", [])
        mapping: dict[str, str] = {}
        for field in fields:
            if not isinstance(field, dict) or "name" not in field:
                continue
            # The CSV reader lower-cases header cells; match the schema the same way.
            name = str(field["name"]).strip().lower()
            column_type = field.get("columnType", "")
            if name in COLUMNS or name in OPTIONAL_COLUMNS or name == "fiscal_year" \
                    or name.startswith("admin_unit_name_"):
                mapping[name] = name
            elif column_type == "value" and field.get("phase") in _BY_PHASE \
                    and "quarter" not in field:
                mapping[name] = _BY_PHASE[field["phase"]]
            elif column_type in _BY_COLUMN_TYPE:
                mapping[name] = _BY_COLUMN_TYPE[column_type]
        return mapping

    def read(self) -> tuple[list[str], list[Row], dict[str, dict[str, str]]]:
        """Header and rows in the import layout, plus the unit names the package carries."""
        from shaar.lib.tabular import read_csv

        raw_header, raw_rows = read_csv(self.csv_bytes)
        mapping = self.column_names()
        header = [mapping.get(column, column) for column in raw_header
                  if column in mapping]
        rows: list[Row] = []
        units: dict[str, dict[str, str]] = {}
        for row in raw_rows:
            values = {mapping[k]: v for k, v in row.values.items() if k in mapping}
            values.setdefault("programme", "")
            code = str(values.get("admin_unit") or "").strip().lower()
            if code:
                units.setdefault(code, {lang: values.get(f"admin_unit_name_{lang}", "")
                                        for lang in ("ky", "ru", "en")})
            rows.append(Row(row.number, values))
        for column in ("programme", "name_ky", "name_ru", "name_en", "revised", "executed"):
            if column not in header:
                header.append(column)
        return header, rows, units
