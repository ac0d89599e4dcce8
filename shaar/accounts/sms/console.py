from __future__ import annotations

import sys

from .base import BaseSmsBackend


class ConsoleSmsBackend(BaseSmsBackend):
    """Prints messages, for development: the code appears in the `make run` console."""

    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {to}] {text}\n")
        sys.stdout.flush()
