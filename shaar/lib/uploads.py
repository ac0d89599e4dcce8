"""Checks for every file residents and staff upload, shared by all apps.

Photos: the real type is read from the bytes (JPEG, PNG, WebP, and HEIC through the
maintained libheif binding), size and pixel limits are checked before decoding, and the
image is written again as a JPEG without EXIF, so no GPS position, camera serial or
anything hidden after the image data is ever stored. SVG, text and other types are refused.

Documents: the extension must be an accepted type and the content must start with that
type's signature, so a script renamed `.pdf` is refused.
"""

from __future__ import annotations

import io
import os
import warnings

from django.conf import settings
from django.core.exceptions import BadRequest, ValidationError
from django.core.files.base import ContentFile, File
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

try:
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC = True
except ImportError:  # pragma: no cover
    HEIC = False

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"} | ({"HEIF"} if HEIC else set())
ZIP = (b"PK\x03\x04",)  # Office Open XML and OpenDocument files are ZIP containers
DOCUMENT_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".docx": ZIP, ".xlsx": ZIP, ".pptx": ZIP, ".odt": ZIP, ".ods": ZIP,
    ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


# --- the decoding budget -------------------------------------------------------------------
# Decoding is the expensive part of a photo (five 40-megapixel PNGs in a 754 KB request
# cost 6.5 s and 688 MB): the pixels a request asks for are read from the images' headers
# and bounded before anything is decoded (UPLOAD_MAX_PIXELS_PER_REQUEST here, and per
# account per hour in shaar.web.ratelimits).
def declared_pixels(upload: File[bytes]) -> int:
    """Width × height from the image's header (nothing decoded); 0 for any other file."""
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
    except Exception:  # not an image (a PDF, garbage): the upload checks refuse it later
        return 0
    finally:
        upload.seek(0)
    return width * height


class TooManyPixels(BadRequest):
    """The photos of one request hold more pixels than UPLOAD_MAX_PIXELS_PER_REQUEST."""


def request_pixels(request: HttpRequest) -> int:
    """The pixels of every image uploaded with the request; refused (a 400) above the
    per-request budget."""
    total = sum(declared_pixels(upload) for name in request.FILES
                for upload in request.FILES.getlist(name))
    if total > settings.UPLOAD_MAX_PIXELS_PER_REQUEST:
        raise TooManyPixels(_("These photos are too large together (%(mp)d megapixels at "
                              "most). Send fewer or smaller photos.")
                            % {"mp": settings.UPLOAD_MAX_PIXELS_PER_REQUEST // 1_000_000})
    return total


def too_big(max_bytes: int) -> ValidationError:
    return ValidationError(_("The file is larger than %(size)s.")
                           % {"size": filesizeformat(max_bytes)}, code="too_big")


def read_limited(upload: File[bytes], *, max_bytes: int) -> bytes:
    """The upload's bytes, refusing more than max_bytes without reading much past it."""
    if getattr(upload, "size", None) is not None and upload.size > max_bytes:
        raise too_big(max_bytes)
    upload.seek(0)
    data: bytes = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_big(max_bytes)
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    return data


def reencode_photo(data: bytes, *, max_pixels: int) -> tuple[ContentFile[bytes], int, int]:
    """Validate image bytes; return a re-encoded JPEG without metadata, and its size."""
    not_photo = ValidationError(
        _("This file is not a photo. Please send a JPEG, PNG, WebP or HEIC image."),
        code="not_photo")
    too_many_pixels = ValidationError(_("The photo has more than %(mp)d megapixels.")
                                      % {"mp": max_pixels // 1_000_000}, code="too_many_pixels")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data), formats=sorted(PHOTO_FORMATS))
            # The header gives the size before decoding: a decompression bomb is refused
            # here without allocating its pixels.
            width, height = image.size
            if width * height > max_pixels:
                raise too_many_pixels
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise too_many_pixels from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise not_photo from exc
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGB", "L"):
        image = image.convert("RGB")
    else:  # transparency onto white, as a JPEG has none
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    # Pixels only: the orientation is applied above, and nothing else read from the file
    # (EXIF, GPS, a JPEG comment, ICC or XMP data Pillow would otherwise write back) is kept.
    image.info.clear()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg"), image.width, image.height


def clean_photo(upload: File[bytes], *, max_bytes: int,
                max_pixels: int | None = None) -> ContentFile[bytes]:
    """An uploaded photo, checked and re-encoded; named after the upload, as .jpg."""
    data = read_limited(upload, max_bytes=max_bytes)
    content, _width, _height = reencode_photo(
        data, max_pixels=max_pixels or settings.UPLOAD_MAX_PIXELS)
    base = os.path.splitext(os.path.basename(upload.name or ""))[0][:80] or "photo"
    content.name = f"{base}.jpg"
    return content


def check_document(upload: File[bytes], *, max_bytes: int,
                   allowed: dict[str, tuple[bytes, ...]] = DOCUMENT_SIGNATURES) -> str:
    """Refuse a document that is too big, of a type not accepted, or not what its name
    says. Returns the file's base name, safe to store."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in allowed:
        raise ValidationError(_("Files of this type are not accepted. Use: %(types)s.")
                              % {"types": ", ".join(sorted(allowed))}, code="type")
    head = read_limited(upload, max_bytes=max_bytes)[:16]
    upload.seek(0)
    if not any(head.startswith(signature) for signature in allowed[extension]):
        raise ValidationError(_("The file content does not match its type (%(ext)s).")
                              % {"ext": extension}, code="mismatch")
    return name[:200]
