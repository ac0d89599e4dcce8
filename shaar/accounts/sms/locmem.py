from __future__ import annotations

from .base import BaseSmsBackend

outbox: list[dict[str, str]] = []


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in `outbox`, for tests (like Django's locmem e-mail backend)."""

    def send(self, *, to: str, text: str) -> None:
        outbox.append({"to": to, "text": text})
