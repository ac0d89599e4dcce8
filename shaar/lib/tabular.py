"""What every importer of a city's files shares: reading a CSV or XLSX file into numbered rows
(the header is row 1, so row numbers match what a person sees in a spreadsheet), a bad cell by
row and column, the refusal of a file with bad rows, and the skeleton of an import command.
Its messages are translated in the web and open budget catalogues."""

from __future__ import annotations

import csv
import io
from argparse import ArgumentParser
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from shaar.lib.csvout import unneutralise


class FileFormatError(Exception):
    """The file cannot be read at all (not CSV, not XLSX, no header…)."""


@dataclass
class Row:
    number: int
    values: dict[str, Any]


# --- Readers ---------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileFormatError(_("The file is not text in UTF-8 or Windows-1251."))


def _header(cells: Iterable[Any]) -> list[str]:
    return [str(cell or "").strip().lower().lstrip("\ufeff") for cell in cells]


def read_csv(data: bytes) -> tuple[list[str], Iterator[Row]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # Excel in Russian and Kyrgyz locales saves CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _header(next(reader))
    except StopIteration:
        raise FileFormatError(_("The file is empty.")) from None
    except csv.Error as exc:
        raise FileFormatError(_("The file is not valid CSV: %(error)s") % {"error": exc}) from None

    def rows() -> Iterator[Row]:
        try:
            for index, cells in enumerate(reader, start=2):
                if not any(cell.strip() for cell in cells):
                    continue
                values: dict[str, Any] = {name: unneutralise(cells[i]) if i < len(cells) else ""
                          for i, name in enumerate(header)}
                if len(cells) > len(header):
                    values["__extra__"] = cells[len(header):]
                yield Row(index, values)
        except csv.Error as exc:
            raise FileFormatError(_("The file is not valid CSV: %(error)s")
                                  % {"error": exc}) from None

    return header, rows()


def read_xlsx(data: bytes) -> tuple[list[str], Iterator[Row]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileFormatError(_("The file is not a valid XLSX workbook.")) from exc
    sheet = workbook.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    try:
        header = _header(next(cells))
    except StopIteration:
        raise FileFormatError(_("The file is empty.")) from None

    def rows() -> Iterator[Row]:
        for index, values in enumerate(cells, start=2):
            if not any(value not in (None, "") for value in values):
                continue
            named = {}
            for i, name in enumerate(header):
                value = values[i] if i < len(values) else None
                named[name] = unneutralise(value) if isinstance(value, str) else value
            yield Row(index, named)
        workbook.close()

    return header, rows()


def read_file(data: bytes, file_name: str) -> tuple[list[str], Iterator[Row], str]:
    """Header, rows and the format ("csv" or "xlsx"), chosen by content then by name."""
    if data[:2] == b"PK" or file_name.lower().endswith(".xlsx"):
        header, rows = read_xlsx(data)
        return header, rows, "xlsx"
    header, rows = read_csv(data)
    return header, rows, "csv"


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


def add_language_argument(parser: ArgumentParser) -> None:
    """An import command's --language: the language it reports problems in."""
    parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                        default=settings.LANGUAGE_CODE,
                        help="Language of the problem report (default: the city's).")


def problems_error(command: BaseCommand, errors: Sequence[object]) -> CommandError:
    """What every import command says about a file's problems: each on stderr, then one
    line."""
    for error in errors:
        command.stderr.write(str(error))
    return CommandError(f"{len(errors)} problem(s) found; nothing was imported.")


def import_file_rows(command: BaseCommand, file: Path, verbosity: int,
                     run: Callable[..., int]) -> int:
    """Reads a CSV or XLSX file for an import command and calls `run(header=, rows=,
    progress=)` (an app's import action; progress draws a bar on stderr); refused rows and
    unreadable files become a CommandError."""
    try:
        header, read_rows, _format = read_file(file.read_bytes(), file.name)
        rows = list(read_rows)
    except (OSError, FileFormatError) as exc:
        raise CommandError(str(exc)) from exc
    with tqdm(total=len(rows), unit="rows", disable=verbosity == 0, file=command.stderr) as bar:
        try:
            return run(header=header, rows=rows, progress=bar.update)
        except RowsRefused as exc:
            raise problems_error(command, exc.errors) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
