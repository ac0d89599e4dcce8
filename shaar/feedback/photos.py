"""Photo checks: the real type from the bytes, size and pixel limits, re-encoding.

Nothing the resident uploaded is stored as-is: each accepted image is decoded and
written again as a JPEG without EXIF (and so without GPS), which also drops anything
hidden after the image data. SVG, text and every other type are refused.
"""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF from iPhones, with the maintained libheif binding
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC = True
except ImportError:  # pragma: no cover
    HEIC = False

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"} | ({"HEIF"} if HEIC else set())


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="photo")


def _too_big(max_bytes: int) -> ValidationError:
    return _refuse(_("The photo is larger than %(size)s.") % {"size": filesizeformat(max_bytes)})


def read_upload(upload, *, max_bytes: int | None = None) -> bytes:
    max_bytes = max_bytes or settings.FEEDBACK_PHOTO_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _too_big(max_bytes)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    return data


def clean_image(data: bytes) -> tuple[ContentFile, int, int]:
    """Validate image bytes and return a re-encoded JPEG without metadata."""
    max_pixels = settings.FEEDBACK_PHOTO_MAX_PIXELS
    if len(data) > settings.FEEDBACK_PHOTO_MAX_BYTES:
        raise _too_big(settings.FEEDBACK_PHOTO_MAX_BYTES)
    not_image = _("This file is not a photo. Please send a JPEG, PNG, WebP or HEIC image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=sorted(ALLOWED_FORMATS))
            # The header gives the size before anything is decoded: a decompression
            # bomb is refused here without allocating its pixels.
            width, height = image.size
            if width * height > max_pixels:
                raise _refuse(_("The photo has more than %(mp)d megapixels.")
                              % {"mp": max_pixels // 1_000_000})
            if image.format not in ALLOWED_FORMATS:
                raise _refuse(not_image)
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        # Pillow's own guard tripped while reading the header: far too many pixels.
        raise _refuse(_("The photo has more than %(mp)d megapixels.")
                      % {"mp": max_pixels // 1_000_000}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _refuse(not_image) from exc
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    out = io.BytesIO()
    # No exif= argument: the new file carries no EXIF, GPS or comments.
    image.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg"), image.width, image.height


def resized(data: bytes, max_side: int) -> ContentFile:
    image = Image.open(io.BytesIO(data))
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=82, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")
