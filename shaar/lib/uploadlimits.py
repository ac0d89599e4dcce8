"""Upload limits: one family of settings for every app, and the decoding budget of photos.

- UPLOAD_MAX_MB[kind]: the largest file of each kind (feedback photos, civic-budget,
  grants, action-plan and open-budget files, the console's imports), `max_bytes(kind)`.
- UPLOAD_MAX_PIXELS: the largest photo; UPLOAD_MAX_PIXELS_PER_REQUEST: all the photos of
  one request together; UPLOAD_MAX_PIXELS_PER_HOUR: all the photos one account (or, without
  an account, one client address) may have decoded in an hour. They are enforced by
  shaar.lib.uploads and shaar.web.ratelimits.
"""

from __future__ import annotations

from django.conf import settings


def max_bytes(kind: str) -> int:
    return settings.UPLOAD_MAX_MB[kind] * 1024 * 1024


def max_mb(kind: str) -> int:
    return settings.UPLOAD_MAX_MB[kind]
