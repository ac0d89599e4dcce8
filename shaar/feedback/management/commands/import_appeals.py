"""manage.py import_appeals FILE

Import the city's past appeals (CSV or XLSX; columns in shaar/feedback/history.py: date,
channel, category, text, address, lat, lon, district, status, answer, closed_on). Every
row is checked first; with any problem nothing is imported and each is printed (row,
column, reason).
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import translation

from shaar.feedback import actions
from shaar.lib.tabular import add_language_argument, import_file_rows


class Command(BaseCommand):
    help = ("Import past appeals (the hotline's and e-portal's cases) into the feedback "
            "history, marked as imported. Columns: date, channel, category, text, address, "
            "lat, lon, district, status, answer, closed_on. Nothing is imported if any row "
            "is bad.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        add_language_argument(parser)

    def handle(self, *args, file: Path, **options) -> None:
        with translation.override(options["language"]):
            count = import_file_rows(self, file, options["verbosity"],
                                     functools.partial(actions.appeals_import, by=None))
        self.stdout.write(f"Imported {count} past appeals.")
