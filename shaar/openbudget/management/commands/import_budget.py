"""manage.py import_budget FILE --year YYYY

Checks every row first and prints each problem (row, column, reason); with any problem
nothing is imported and the command exits with status 1. Otherwise the file becomes the
year's new current version (the previous one is kept for comparison).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TextIO, cast

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from shaar.lib.tabular import (
    FileFormatError,
    RowsRefused,
    add_language_argument,
    problems_error,
)
from shaar.openbudget import actions
from shaar.openbudget.loaders import load_path


class Command(BaseCommand):
    help = (
        "Import a year's budget from CSV (comma or semicolon, UTF-8 or Windows-1251), XLSX "
        "(first sheet) or a Fiscal Data Package (.zip or datapackage.json). The first row "
        "names the columns. Required: direction (revenue or expenditure), cofog "
        "(COFOG function code, spending lines), economic_code, admin_unit, programme, "
        "name_ky, name_ru, name_en, approved, revised, executed (amounts in som). Optional: "
        "planned_q1..planned_q4, executed_q1..executed_q4, participation, fiscal_year, and "
        "admin_unit_name_ky, admin_unit_name_ru, admin_unit_name_en: admin_unit is the code "
        "of an administrative unit, department or district, or its name in any language; a "
        "unit the city does not have yet is created from the admin_unit_name_* columns. "
        "Every row is checked first; nothing is imported if any row is bad. The console "
        "(/manage/) offers a template of this layout.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--executed-on", type=datetime.date.fromisoformat, default=None,
                            help="Date the executed amounts refer to (YYYY-MM-DD).")
        parser.add_argument("--population", type=int, default=None,
                            help="Residents, for per-resident figures (default: the city's).")
        parser.add_argument("--sample", action="store_true",
                            help="Mark the year as invented sample data.")
        parser.add_argument("--no-progress", action="store_true")
        add_language_argument(parser)

    def handle(self, *args, **options) -> None:
        with translation.override(options["language"]):
            self._import(options)

    def _import(self, options) -> None:
        path: Path = options["file"]
        year: int = options["year"]
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        try:
            loaded = load_path(path)
        except (FileFormatError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if loaded.fiscal_year is not None and loaded.fiscal_year != year:
            raise CommandError(f"The package is for fiscal year {loaded.fiscal_year}, "
                               f"not {year}.")
        quiet = options["no_progress"] or options["verbosity"] < 1
        out = cast(TextIO, self.stderr._out)  # the stream OutputWrapper writes to
        rows = tqdm(loaded.rows, desc="checking", unit="row", disable=quiet, file=out)
        with tqdm(total=len(loaded.rows), desc="importing", unit="row", disable=quiet,
                  file=out) as bar:
            try:
                version = actions.budget_import(
                    year=year, header=loaded.header, rows=rows, source=loaded.source,
                    source_name=path.name,
                    executed_on=options["executed_on"] or loaded.executed_on,
                    population=options["population"] if options["population"] is not None
                    else loaded.population,
                    is_sample=options["sample"], extra_units=loaded.extra_units,
                    progress=bar.update)
            except RowsRefused as exc:
                raise problems_error(self, exc.errors) from exc
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Imported {version.line_count} lines as version {version.number} of {year}."))
