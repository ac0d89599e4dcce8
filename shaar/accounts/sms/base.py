from __future__ import annotations


class SmsError(Exception):
    """The gateway did not accept the message."""


class BaseSmsBackend:
    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError
