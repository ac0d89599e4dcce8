from __future__ import annotations

import requests
from django.conf import settings

from .base import BaseSmsBackend, SmsError


class HttpSmsBackend(BaseSmsBackend):
    """A generic HTTP gateway: POSTs JSON {"to", "text", "sender"} with a bearer token.

    Configured by SMS_HTTP_URL, SMS_HTTP_TOKEN, SMS_HTTP_SENDER and SMS_HTTP_TIMEOUT.
    Any non-2xx answer or network error raises SmsError, so callers can retry.
    """

    def send(self, *, to: str, text: str) -> None:
        if not settings.SMS_HTTP_URL:
            raise SmsError("SMS_HTTP_URL is not set")
        try:
            response = requests.post(
                settings.SMS_HTTP_URL,
                json={"to": to, "text": text, "sender": settings.SMS_HTTP_SENDER},
                headers={"Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}"},
                timeout=settings.SMS_HTTP_TIMEOUT,
            )
        except requests.RequestException as exc:
            raise SmsError(str(exc)) from exc
        if not response.ok:
            raise SmsError(f"gateway answered {response.status_code}")
