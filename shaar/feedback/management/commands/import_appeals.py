"""manage.py import_appeals FILE

Import the city's past appeals (CSV or XLSX; columns in shaar/feedback/history.py: date,
channel, category, text, address, lat, lon, district, status, answer, closed_on). Every
row is checked first; with any problem nothing is imported and each is printed (row,
column, reason).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from shaar.feedback import actions
from shaar.openbudget.importing import FileFormatError, read_file


class Command(BaseCommand):
    help = ("Import past appeals (the hotline's and e-portal's cases) into the feedback "
            "history, marked as imported. Columns: date, channel, category, text, address, "
            "lat, lon, district, status, answer, closed_on. Nothing is imported if any row "
            "is bad.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE,
                            help="Language of the problem report (default: the city's).")

    def handle(self, *args, file: Path, **options) -> None:
        with translation.override(options["language"]):
            try:
                header, read_rows, _format = read_file(file.read_bytes(), file.name)
                rows = list(read_rows)
            except (OSError, FileFormatError) as exc:
                raise CommandError(str(exc)) from exc
            with tqdm(total=len(rows), unit="rows", disable=options["verbosity"] == 0,
                      file=self.stderr) as bar:
                try:
                    count = actions.appeals_import(header=header, rows=rows, by=None,
                                                   progress=bar.update)
                except actions.AppealImportError as exc:
                    for error in exc.errors:
                        self.stderr.write(str(error))
                    raise CommandError(f"{len(exc.errors)} problem(s) found; nothing was "
                                       "imported.") from exc
        self.stdout.write(f"Imported {count} past appeals.")
