"""manage.py import_past_grants FILE --by E-MAIL

Import grants the city made before Shaar (CSV or XLSX; columns in shaar/grants/history.py).
Every row is checked first; with any problem nothing is imported and each is printed
(row, column, reason).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from shaar.accounts.selectors import user_by_contact
from shaar.grants import actions
from shaar.openbudget.importing import FileFormatError, read_file


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
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE,
                            help="Language of the problem report (default: the city's).")

    def handle(self, *args, file: Path, **options) -> None:
        by = user_by_contact(options["by"])
        if by is None or not by.has_perm("grants.manage"):
            raise CommandError("--by must name a grants manager's account.")
        with translation.override(options["language"]):
            try:
                header, read_rows, _format = read_file(file.read_bytes(), file.name)
                rows = list(read_rows)
            except (OSError, FileFormatError) as exc:
                raise CommandError(str(exc)) from exc
            with tqdm(total=len(rows), unit="rows", disable=options["verbosity"] == 0,
                      file=self.stderr) as bar:
                try:
                    count = actions.past_grants_import(header=header, rows=rows, by=by,
                                                       progress=bar.update)
                except actions.PastGrantImportError as exc:
                    for error in exc.errors:
                        self.stderr.write(str(error))
                    raise CommandError(f"{len(exc.errors)} problem(s) found; nothing was "
                                       "imported.") from exc
                except ValidationError as exc:
                    raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Imported {count} past grants.")
