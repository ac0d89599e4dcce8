from __future__ import annotations

from datetime import date

import pytest

from shaar.lib.months import parse_month


@pytest.mark.parametrize(("raw", "month"), [
    ("2026-01", date(2026, 1, 1)), (" 2026-12 ", date(2026, 12, 1)),
    ("2026-13", None), ("2026-00", None), ("1999-05", None), ("2026-1", None),
    ("26-01", None), ("", None), (None, None), ("2026-01-05", None),
])
def test_it_reads_a_month_written_yyyy_mm_from_2000(raw: str | None, month: date | None) -> None:
    assert parse_month(raw) == month
