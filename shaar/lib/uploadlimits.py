"""Upload limits: one family of settings for every app, and the decoding budget of photos.

- UPLOAD_MAX_MB[kind]: the largest file of each kind (feedback photos, civic-budget,
  grants, action-plan and open-budget files), `max_bytes(kind)`.
- UPLOAD_MAX_PIXELS: the largest photo; UPLOAD_MAX_PIXELS_PER_REQUEST: all the photos of
  one request together; UPLOAD_MAX_PIXELS_PER_HOUR: all the photos one account (or, without
  an account, one client address) may have decoded in an hour. Decoding is the expensive
  part (five 40-megapixel PNGs in a 754 KB request cost 6.5 s and 688 MB), and these are
  read from the images' headers before anything is decoded.
"""

from __future__ import annotations

import warnings

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.utils.translation import gettext as _
from PIL import Image


def max_bytes(kind: str) -> int:
    return settings.UPLOAD_MAX_MB[kind] * 1024 * 1024


def max_mb(kind: str) -> int:
    return settings.UPLOAD_MAX_MB[kind]


def declared_pixels(upload) -> int:
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
