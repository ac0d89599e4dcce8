"""manage.py import_past_grants FILE --by E-MAIL

Import grants the city made before Shaar (CSV or XLSX; columns in shaar/grants/history.py).
Every row is checked first; with any problem nothing is imported and each is printed
(row, column, reason).
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from shaar.accounts.selectors import user_by_contact
from shaar.grants import actions
from shaar.lib.tabular import add_language_argument, import_file_rows


class Command(BaseCommand):
    help = ("Import past grants as decided calls with their awards. Columns: call_code, "
            "call_title_ky, call_title_ru, call_title_en, year, organisation, "
            "registration_number, project_title, district, requested, awarded, "
            "agreement_number, project_start, project_end, completed. Nothing is imported "
            "if any row is bad.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--by", required=True,
                            help="E-mail or mobile number of the grants manager importing.")
        add_language_argument(parser)

    def handle(self, *args, file: Path, **options) -> None:
        by = user_by_contact(options["by"])
        if by is None or not by.has_perm("grants.manage"):
            raise CommandError("--by must name a grants manager's account.")
        with translation.override(options["language"]):
            count = import_file_rows(self, file, options["verbosity"],
                                     functools.partial(actions.past_grants_import, by=by))
        self.stdout.write(f"Imported {count} past grants.")
