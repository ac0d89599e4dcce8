"""The full public exports as files: every public report as CSV, and as GeoJSON in each
language (its category names, status labels and links are in that language).

A Celery task builds them every FEEDBACK_EXPORTS_MINUTES, and the web server sends the file
without running Python (nginx's X-Accel-Redirect, or gunicorn's sendfile): at a million
reports, building one is about a minute of a background worker's time, and downloading it
costs the web processes nothing, however many clients download at once. Filtered downloads
are small and still streamed live (views.export_csv, views.export_geojson).

Moderation withdraws the files at once (hidden reports and edited descriptions must not
stay downloadable until the next build), and a build that started before a withdrawal is
thrown away rather than published.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date

from shaar.lib import csvout

from . import selectors

CSV_FIELDS = ["id", "category", "status", "channel", "lat", "lon", "address", "district",
              "description", "created_at", "updated_at", "resolved_at", "supporters",
              "overdue", "is_sample"]
CSV_NAME = "reports.csv"
CONTENT_TYPES = {".csv": "text/csv; charset=utf-8", ".geojson": "application/geo+json"}
# The time of the last withdrawal is this file's modification time. A build that began
# less than CLOCK_MARGIN seconds after it is thrown away too: the withdrawal may come from
# another machine whose clock is a little ahead.
WITHDRAWN_MARK = ".withdrawn"
CLOCK_MARGIN = 5.0
# Set while a build is asked for or running, so that requests finding no file, or one older
# than FEEDBACK_EXPORTS_MINUTES (Celery beat is late, or absent as under `make run`), ask
# for one build between them.
REQUESTED_KEY = "feedback:exports:requested"
REQUESTED_SECONDS = 10 * 60


def geojson_name(language: str) -> str:
    return f"reports.{language}.geojson"


def file_names() -> list[str]:
    return [CSV_NAME, *(geojson_name(code) for code, _name in settings.LANGUAGES)]


def _directory() -> Path:
    return Path(settings.FEEDBACK_EXPORTS_DIR)


def csv_rows(qs: Any) -> Iterator[list[Any]]:
    return ([data[field] for field in CSV_FIELDS] for data in selectors.public_rows(qs))


def geojson_chunks(rows: Any) -> Iterator[str]:
    """The rows in their order, linked to the reports' pages in the active language."""
    detail_base = reverse("feedback:detail", args=[0])[:-2]  # "/xx/feedback/"
    return selectors.geojson_chunks(rows, detail_base=detail_base)


def newest_first(qs: Any) -> Any:
    # The primary key's order is the order of receipt, read from its index without a sort.
    return qs.order_by("-id")


# --- building ---------------------------------------------------------------------------
def build_all() -> list[str]:
    """Write every export from one moment's data; return the names published (none when a
    withdrawal came while building: the next build publishes)."""
    cache.set(REQUESTED_KEY, 1, timeout=REQUESTED_SECONDS)
    try:
        return _build_all()
    finally:
        cache.delete(REQUESTED_KEY)


def _build_all() -> list[str]:
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    as_of = time.time()
    rows = csv_rows(selectors.public_reports().order_by("id"))
    built = [(CSV_NAME, _written(directory, csvout.stream(CSV_FIELDS, rows), as_of))]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            chunks = geojson_chunks(newest_first(selectors.public_reports()))
            built.append((geojson_name(code), _written(directory, chunks, as_of)))
    published = []
    for name, temporary in built:
        if _withdrawn_since(as_of):
            temporary.unlink()
        else:
            os.replace(temporary, directory / name)  # atomic: a download sees old or new
            published.append(name)
    return published


def _written(directory: Path, chunks: Iterable[str], as_of: float) -> Path:
    """The chunks in a new temporary file beside the published ones, dated `as_of` (the
    moment its data was read, which Last-Modified then says)."""
    handle, name = tempfile.mkstemp(dir=directory, prefix=".building-")
    with open(handle, "w", encoding="utf-8", newline="") as out:
        for chunk in chunks:
            out.write(chunk)
    os.utime(name, (as_of, as_of))
    os.chmod(name, 0o644)  # mkstemp's 0600 would keep nginx, another user, from reading it
    return Path(name)


def _withdrawn_since(as_of: float) -> bool:
    try:
        return (_directory() / WITHDRAWN_MARK).stat().st_mtime + CLOCK_MARGIN > as_of
    except FileNotFoundError:
        return False


def request_build() -> None:
    """Ask for a build now (once at a time), after the current transaction commits."""
    from .tasks import refresh_exports

    if cache.add(REQUESTED_KEY, 1, timeout=REQUESTED_SECONDS):
        transaction.on_commit(refresh_exports.delay)


def withdraw_all() -> None:
    """Take every published export offline (after moderation) and ask for new ones."""
    def withdraw() -> None:
        directory = _directory()
        directory.mkdir(parents=True, exist_ok=True)
        mark = directory / WITHDRAWN_MARK
        mark.touch()
        now = time.time()  # the clock builds read, not the file system's coarser one
        os.utime(mark, (now, now))
        for name in file_names():
            (directory / name).unlink(missing_ok=True)
        cache.delete(REQUESTED_KEY)
        request_build()

    transaction.on_commit(withdraw)


# --- serving ----------------------------------------------------------------------------
def built_at(name: str) -> float | None:
    """When the published file's data was read (a Unix time), or None if there is none."""
    try:
        return (_directory() / name).stat().st_mtime
    except FileNotFoundError:
        return None


def file_response(name: str, *, filename: str) -> HttpResponseBase | None:
    """The published file as a download, or None when there is none yet. A build is asked
    for when there is none or it is out of date; where Celery runs in the request, as under
    `make run`, it is built here and sent."""
    built = built_at(name)
    if built is None or time.time() - built > settings.FEEDBACK_EXPORTS_MINUTES * 60:
        request_build()
    path = _directory() / name
    try:
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    except FileNotFoundError:
        return None
    modified = os.fstat(handle.fileno()).st_mtime
    content_type = CONTENT_TYPES[path.suffix]
    response: HttpResponseBase
    if settings.FEEDBACK_EXPORTS_ACCEL_PREFIX:
        handle.close()
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.FEEDBACK_EXPORTS_ACCEL_PREFIX + name
    else:
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Last-Modified"] = http_date(modified)
    return response
