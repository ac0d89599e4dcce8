"""Text as it enters: control characters out, in one place.

A vertical tab or an escape character pasted into a description made Open311's XML invalid
for every page that included it, and a NUL byte is refused by PostgreSQL (a 500). Text
keeps tabs and line breaks; a vertical tab or form feed (Word's soft line and page breaks)
becomes a line break; every other control character (C0, DEL, C1) and the two
non-characters XML forbids are removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

BREAKS = re.compile("[\x0b\x0c]")
CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
ANY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def clean_text(value: str) -> str:
    if not ANY.search(value):
        return value
    return CONTROL.sub("", BREAKS.sub("\n", value))


def clean_data(value: Any) -> Any:
    """`clean_text` on every string in decoded JSON (keys too)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_data(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(k): clean_data(v) for k, v in value.items()}
    return value


def needs_cleaning(values: Iterable[object]) -> bool:
    return any(ANY.search(value) for value in values if isinstance(value, str))
