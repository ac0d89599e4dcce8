"""Turn an uploaded or local file into rows for `actions.budget_import`, whatever its
format: CSV, XLSX or a Fiscal Data Package (.zip, or datapackage.json on disk)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from shaar.lib.tabular import Row, read_file

from .exports import FiscalDataPackage


@dataclass
class LoadedFile:
    header: list[str]
    rows: list[Row]
    source: str  # BudgetVersion.Source value
    executed_on: datetime.date | None = None
    population: int | None = None
    fiscal_year: int | None = None
    extra_units: dict[str, dict[str, str]] = field(default_factory=dict)


def _is_package_zip(data: bytes) -> bool:
    import io
    import zipfile

    if data[:2] != b"PK":
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(n.rsplit("/", 1)[-1] == "datapackage.json" for n in archive.namelist())
    except zipfile.BadZipFile:
        return False


def _from_package(package: FiscalDataPackage) -> LoadedFile:
    header, rows, units = package.read()
    return LoadedFile(header, rows, "fdp", executed_on=package.executed_on,
                      population=package.population, fiscal_year=package.fiscal_year,
                      extra_units=units)


def load_bytes(data: bytes, file_name: str) -> LoadedFile:
    if _is_package_zip(data):
        return _from_package(FiscalDataPackage.from_zip(data))
    header, rows, source = read_file(data, file_name)
    return LoadedFile(header, list(rows), source)


def load_path(path: Path) -> LoadedFile:
    if path.is_dir() or path.name == "datapackage.json":
        return _from_package(FiscalDataPackage.from_path(path))
    return load_bytes(path.read_bytes(), path.name)
