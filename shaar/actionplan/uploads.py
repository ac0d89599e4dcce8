"""Evidence and documents of the action plan: photos are re-encoded without metadata (GPS
position, camera serial); documents are checked by content, not by name. The checks
themselves are the site-wide ones in `shaar.lib.uploads`."""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from shaar.lib import uploadlimits
from shaar.lib.uploads import DOCUMENT_SIGNATURES, check_document, clean_photo

PHOTO_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".heic"}
DOCUMENTS = {ext: sig for ext, sig in DOCUMENT_SIGNATURES.items() if ext not in PHOTO_EXTENSIONS}


def max_bytes() -> int:
    return uploadlimits.max_bytes("actionplan")


def kind_of(upload: UploadedFile) -> str:
    """'photo' or 'document' from the extension; the content is checked afterwards."""
    ext = os.path.splitext(upload.name or "")[1].lower()
    if ext in PHOTO_EXTENSIONS:
        return "photo"
    if ext in DOCUMENTS:
        return "document"
    raise ValidationError(
        _("%(name)s: this type of file is not accepted. Upload a photo (JPEG, PNG, WebP) or a "
          "document (PDF, DOCX, XLSX, PPTX, ODT, ODS)."), params={"name": upload.name})


def clean(upload: UploadedFile) -> tuple[str, File]:
    """(kind, the file to store): a re-encoded photo, or the checked document."""
    kind = kind_of(upload)
    if kind == "photo":
        return kind, clean_photo(upload, max_bytes=max_bytes())
    check_document(upload, max_bytes=max_bytes(), allowed=DOCUMENTS)
    return kind, upload
