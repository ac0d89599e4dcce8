from __future__ import annotations

import os
import re

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

# One range per request is all a PMTiles reader asks for ("bytes=START-END" or a suffix).
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# A tile or a directory is a few kilobytes; refuse to load more than this into memory.
MAX_RANGE = 16 * 1024 * 1024


def tiles_version() -> str:
    """Changes whenever the tile file is replaced: the ETag, and the service worker's cache."""
    try:
        stat = os.stat(settings.MAP_TILES_PATH)
    except FileNotFoundError:
        return ""
    return f"{stat.st_mtime_ns:x}-{stat.st_size:x}"


@require_safe
def tiles(request: HttpRequest) -> HttpResponseBase:
    """The city's PMTiles archive with HTTP range requests (nginx serves it in production)."""
    try:
        handle = open(settings.MAP_TILES_PATH, "rb")  # noqa: SIM115 - closed by the response
    except FileNotFoundError:
        raise Http404 from None
    size = os.fstat(handle.fileno()).st_size
    etag = f'"{tiles_version()}"'
    header = request.headers.get("Range", "")
    if not header:
        response: HttpResponseBase = FileResponse(handle, content_type="application/octet-stream")
    else:
        span = _parse_range(header, size)
        if span is None:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        start, end = span
        with handle:
            handle.seek(start)
            response = HttpResponse(handle.read(end - start + 1), status=206,
                                    content_type="application/octet-stream")
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    # Revalidated after an hour: a new file at deploy reaches phones the same day.
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a satisfiable single range, or None (answered with 416)."""
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start or end - start + 1 > MAX_RANGE:
        return None
    return start, end
