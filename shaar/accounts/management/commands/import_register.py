from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from shaar.accounts import actions
from shaar.accounts.models import RegisterImport
from shaar.accounts.register import read_rows
from shaar.lib.tabular import RowsRefused, add_language_argument, problems_error


class Command(BaseCommand):
    help = ("Import the residency register (CSV: pin, birth_year, district). Every row is "
            "checked first; if any is bad, nothing is imported and the errors are listed.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        add_language_argument(parser)

    def handle(self, *args, file: Path, **options) -> None:
        with translation.override(options["language"]):
            batch = self._import(file, options["verbosity"])
        self.stdout.write(f"Imported {batch.row_count} register entries.")

    def _import(self, file: Path, verbosity: int) -> RegisterImport:
        try:
            with file.open(encoding="utf-8-sig", newline="") as fh:
                total = sum(1 for _line in fh) - 1
                fh.seek(0)
                with tqdm(total=total, unit="rows", disable=verbosity == 0,
                          file=self.stderr) as bar:
                    return actions.register_import(rows=read_rows(fh), file_name=file.name,
                                                   uploaded_by=None,
                                                   on_row=lambda: bar.update(1))
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except RowsRefused as exc:
            raise problems_error(self, exc.errors) from exc
