"""What every importer of a city's files shares: a bad cell, by row and column (here, in the
site's catalogue, so every importer's message is translated), the refusal of a file with bad
rows, and the skeleton of an import command."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm


@dataclass(frozen=True)
class RowError:
    """Row numbers as a spreadsheet shows them (the header is row 1)."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("Row %(row)s, column “%(column)s”: %(reason)s") % {
            "row": self.row, "column": self.column, "reason": self.reason}


class RowsRefused(Exception):
    """A file had bad rows, so nothing was imported: `errors` lists every one (row, column,
    reason), for the page, the console's job or the command to show."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(f"{len(errors)} bad row(s)")
        self.errors = list(errors)


def refused_rows_error(command: BaseCommand, exc: RowsRefused) -> CommandError:
    """What every import command says about refused rows: each on stderr, then one line."""
    for error in exc.errors:
        command.stderr.write(str(error))
    return CommandError(f"{len(exc.errors)} problem(s) found; nothing was imported.")


def import_file_rows(command: BaseCommand, file: Path, verbosity: int,
                     run: Callable[..., int]) -> int:
    """Reads a CSV or XLSX file for an import command and calls `run(header=, rows=,
    progress=)` (an app's import action; progress draws a bar on stderr); refused rows and
    unreadable files become a CommandError."""
    from shaar.openbudget.importing import FileFormatError, read_file

    try:
        header, read_rows, _format = read_file(file.read_bytes(), file.name)
        rows = list(read_rows)
    except (OSError, FileFormatError) as exc:
        raise CommandError(str(exc)) from exc
    with tqdm(total=len(rows), unit="rows", disable=verbosity == 0, file=command.stderr) as bar:
        try:
            return run(header=header, rows=rows, progress=bar.update)
        except RowsRefused as exc:
            raise refused_rows_error(command, exc) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
