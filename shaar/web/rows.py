"""What every importer of a city's files reports: a bad cell, by row and column (here, in
the site's catalogue, so every importer's message is translated)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    """Row numbers as a spreadsheet shows them (the header is row 1)."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("Row %(row)s, column “%(column)s”: %(reason)s") % {
            "row": self.row, "column": self.column, "reason": self.reason}
