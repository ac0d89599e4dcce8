"""SMS backends: one small interface, chosen by settings.SMS_BACKEND (like EMAIL_BACKEND).

To add a gateway, copy `http.py`: subclass BaseSmsBackend and implement `send`.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import BaseSmsBackend, SmsError


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to: str, text: str) -> None:
    get_backend().send(to=to, text=text)


__all__ = ["BaseSmsBackend", "SmsError", "get_backend", "send_sms"]
