"""The drills' "gateway": every e-mail and SMS becomes one line in DRILL_OUTBOX (appended
and fsynced, so a killed worker keeps what it sent). With DRILL_HANG_AT=N the N-th message
hangs before it is written, so the test kills the worker in the middle of a send."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

from shaar.accounts.sms import BaseSmsBackend


def hang() -> None:
    Path(os.environ["DRILL_HANG_MARKER"]).write_text(str(os.getpid()))
    while True:
        time.sleep(1)


def sent_count() -> int:
    outbox = Path(os.environ["DRILL_OUTBOX"])
    return len(outbox.read_text().splitlines()) if outbox.exists() else 0


def _deliver(channel: str, to: str, text: str) -> None:
    hang_at = int(os.environ.get("DRILL_HANG_AT", "0"))
    if hang_at and sent_count() == hang_at - 1:
        hang()
    with Path(os.environ["DRILL_OUTBOX"]).open("a") as file:
        file.write(json.dumps({"channel": channel, "to": to, "text": text}) + "\n")
        file.flush()
        os.fsync(file.fileno())


class FileSmsBackend(BaseSmsBackend):
    def send(self, *, to: str, text: str) -> None:
        _deliver("sms", to, text)


class FileEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            for to in message.to:
                _deliver("email", to, message.subject)
        return len(email_messages)
