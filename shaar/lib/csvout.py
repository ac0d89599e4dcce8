"""One CSV writer for every export: cells a spreadsheet would run as a formula are
neutralised (CSV injection: `=HYPERLINK(…)`, `@SUM(…)` typed into a description).

`writer`/`DictWriter` wrap the `csv` module's; `streaming_response` sends rows as they are
read, so an export of a million rows never sits in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.http import StreamingHttpResponse

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# So that spreadsheet programs read UTF-8 (Cyrillic) text as UTF-8.
BOM = "\ufeff"


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, prefixed with an apostrophe. Numbers
    are numbers (a negative amount stays -5), whatever their type."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """Undo `neutralise` when one of our own exports is imported again ("'=x" was "=x")."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.strip() == value


class writer:
    def __init__(self, out: SupportsWrite[str], **kwargs: Any) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class DictWriter(csv.DictWriter[str]):
    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: neutralise(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


class _Line:
    """A file-like object whose write returns the line: csv writes one line at a time."""

    def write(self, value: str) -> str:
        return value


def stream(header: Sequence[str], rows: Iterable[Sequence[Any]], *,
           chunk_rows: int = 500) -> Iterator[str]:
    """The CSV text, BOM and header first, in chunks of `chunk_rows` rows."""
    out = writer(_Line())
    yield BOM + out.writerow(header)
    chunk: list[str] = []
    for row in rows:
        chunk.append(out.writerow(row))
        if len(chunk) >= chunk_rows:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def streaming_response(filename: str, header: Sequence[str],
                       rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
