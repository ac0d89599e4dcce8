"""Schemas shared by every router of /api/v1/. OpenAPI names a component after its class, so
two routers must never define classes with the same name: they would share one schema."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """Every error answer: a message in the reader's language and, for invalid input, the
    messages of each field."""

    detail: str
    errors: dict[str, list[str]] = {}


# Numbers the database can hold (ids: shaar.lib.ids.MAX_ID): a larger value in a URL is
# invalid input (422), not a database overflow (500).
MAX_PAGE = 100_000
MAX_YEAR = 9999
