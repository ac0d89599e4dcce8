from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """A link for e-mails and SMS, which are sent without a request to take the host from."""
    return settings.SITE_URL.rstrip("/") + path
