"""Ids from URLs and forms: a number the database cannot hold is "not found", never a 500.

`<id:name>` in a URL pattern (registered in shaar/urls.py) matches what a BigAutoField can
hold; `parse_ids` keeps the valid ids of a list a form sent (bulk actions).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

# The largest BigAutoField (and PostgreSQL bigint) value.
MAX_ID = 2**63 - 1


class IdConverter:
    """Like Django's `int`, but at most 18 digits, so every match fits in a bigint (a
    longer number answers 404 instead of overflowing in the database)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def parse_id(value: object) -> int | None:
    """The id in `value`, or None when it is not a positive number the database can hold."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_ids(values: Iterable[object]) -> list[int]:
    return [number for number in map(parse_id, values) if number is not None]


class IdField(forms.IntegerField):
    """A form field for the id of a row (often hidden): a positive number the database can
    hold, so a forged huge value is a form error, not an overflow in the query."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
