"""Checks on uploaded evidence and documents: size, type by content (not by name), and
photos re-encoded so that their metadata (GPS position, camera serial) is not published."""

from __future__ import annotations

import io
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}
# Office documents are ZIP containers; PDF starts with its own signature.
DOCUMENT_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
}
MAX_PIXELS = 40_000_000


def max_bytes() -> int:
    return settings.ACTIONPLAN_MAX_UPLOAD_MB * 1024 * 1024


def kind_of(upload: UploadedFile) -> str:
    """'photo' or 'document' from the extension; the content is checked afterwards."""
    ext = os.path.splitext(upload.name or "")[1].lower()
    if ext in PHOTO_EXTENSIONS:
        return "photo"
    if ext in DOCUMENT_SIGNATURES:
        return "document"
    raise ValidationError(
        _("%(name)s: this type of file is not accepted. Upload a photo (JPEG, PNG, WebP) or a "
          "document (PDF, DOCX, XLSX, PPTX, ODT, ODS)."), params={"name": upload.name})


def _check_size(upload: UploadedFile) -> None:
    if upload.size and upload.size > max_bytes():
        raise ValidationError(_("%(name)s is larger than %(limit)s MB."),
                              params={"name": upload.name,
                                      "limit": settings.ACTIONPLAN_MAX_UPLOAD_MB})
    if not upload.size:
        raise ValidationError(_("%(name)s is empty."), params={"name": upload.name})


def clean_document(upload: UploadedFile) -> UploadedFile:
    _check_size(upload)
    ext = os.path.splitext(upload.name or "")[1].lower()
    signatures = DOCUMENT_SIGNATURES.get(ext)
    if signatures is None:
        raise ValidationError(_("%(name)s: this type of document is not accepted."),
                              params={"name": upload.name})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(_("%(name)s does not look like the kind of file its name says."),
                              params={"name": upload.name})
    return upload


def clean_photo(upload: UploadedFile) -> ContentFile:
    """Open the image, refuse anything Pillow cannot read, and re-encode it as JPEG."""
    _check_size(upload)
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("%(name)s has too many pixels."),
                                      params={"name": upload.name})
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((2400, 2400))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("%(name)s is not a photo we can read."),
                              params={"name": upload.name}) from exc
    base = os.path.splitext(os.path.basename(upload.name or "photo"))[0][:80] or "photo"
    return ContentFile(out.getvalue(), name=f"{base}.jpg")
