"""Report photos: the shared upload checks (`shaar.lib.uploads`) with feedback's limits,
and the resized copies the photo task makes."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image

from shaar.lib import uploadlimits
from shaar.lib.uploads import read_limited, reencode_photo, too_big


def read_upload(upload, *, max_bytes: int | None = None) -> bytes:
    return read_limited(upload, max_bytes=max_bytes or uploadlimits.max_bytes("feedback"))


def clean_image(data: bytes) -> tuple[ContentFile, int, int]:
    """Validate image bytes and return a re-encoded JPEG without metadata."""
    if len(data) > uploadlimits.max_bytes("feedback"):
        raise too_big(uploadlimits.max_bytes("feedback"))
    return reencode_photo(data, max_pixels=settings.UPLOAD_MAX_PIXELS)


def resized(data: bytes, max_side: int) -> ContentFile:
    image = Image.open(io.BytesIO(data))
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=82, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")
