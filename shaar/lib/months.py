"""Months as the site writes them in addresses and forms: YYYY-MM, from the year 2000."""

from __future__ import annotations

import re
from datetime import date

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(raw: str | None) -> date | None:
    """The first day of the month `raw` names, or None when it names none."""
    match = MONTH_RE.match((raw or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)
