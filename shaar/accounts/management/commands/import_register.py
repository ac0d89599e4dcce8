from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from shaar.accounts import actions
from shaar.accounts.register import read_rows
from shaar.lib.tabular import RowsRefused


class Command(BaseCommand):
    help = ("Import the residency register (CSV: pin, birth_year, district). Every row is "
            "checked first; if any is bad, nothing is imported and the errors are listed.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            with file.open(encoding="utf-8-sig", newline="") as fh:
                total = sum(1 for _line in fh) - 1
                fh.seek(0)
                with tqdm(total=total, unit="rows", disable=options["verbosity"] == 0,
                          file=self.stderr) as bar:
                    batch = actions.register_import(rows=read_rows(fh), file_name=file.name,
                                                    uploaded_by=None,
                                                    on_row=lambda: bar.update(1))
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except RowsRefused as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} problems found; nothing was imported.") from exc
        self.stdout.write(f"Imported {batch.row_count} register entries.")
