"""Where scorecards get their reports from: the adapter between the feedback app and the
pure metrics.

`ReportSource` is the interface; `FeedbackSource` reads the feedback app's reports through
`shaar.feedback.selectors.handled_reports` and turns each into one `ReportRecord`; the
figures are defined once, in `metrics`. The setting PROVIDERS_REPORT_SOURCE names the
class to use, so tests and the demo can feed records from memory and a city can plug in
another report system.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from shaar.feedback.selectors import (
    category_names,
    category_targets,
    handled_reports,
    organisation_open_reports,
)

from .metrics import ReportRecord


@dataclass(frozen=True)
class OpenReport:
    """A report still open, for the provider page's map and worst-overdue list."""

    report_id: int
    category: str
    lat: float | None  # a report may give only an address: listed, not on the map
    lon: float | None
    received_at: datetime
    resolve_due_at: datetime | None
    url: str | None


class ReportSource(Protocol):
    name: str

    def records(self, *, start: datetime, end: datetime,
                organisation_ids: Sequence[int] | None = None,
                report_ids: Sequence[int] | None = None) -> Iterator[ReportRecord]:
        """Reports received in [start, end) and handled by a provider, one record each."""
        ...

    def open_reports(self, *, organisation_id: int, limit: int = 500) -> list[OpenReport]: ...

    def categories(self) -> dict[str, tuple[str, str, str]]:
        """Category code → (name_ky, name_ru, name_en)."""
        ...

    def report_url(self, report_id: int) -> str | None: ...


class ListSource:
    """Records held in memory: tests and the demo use it."""

    name = "memory"

    def __init__(self, records: Iterable[ReportRecord] = (),
                 open_reports: Iterable[OpenReport] = ()) -> None:
        self._records = list(records)
        self._open = list(open_reports)

    def records(self, *, start, end, organisation_ids=None, report_ids=None):
        for record in self._records:
            if not start <= record.received_at < end:
                continue
            if organisation_ids is not None and record.organisation_id not in organisation_ids:
                continue
            if report_ids is not None and record.report_id not in report_ids:
                continue
            yield record

    def open_reports(self, *, organisation_id, limit=500):
        return self._open[:limit]

    def categories(self):
        return {}

    def report_url(self, report_id):
        return None


class FeedbackSource:
    """The feedback app's reports, read through its selectors (`shaar.feedback.selectors`
    decides which reports a provider handled and what their history says).

    - A report belongs to the organisation it is routed to now (`Report.organisation`).
    - First response is `Report.acknowledged_at` (the first change away from "new",
      whether acknowledged, in progress, resolved or rejected).
    - The resident's answer to "Was it fixed?" is the latest rating of the report.
    - The feedback app has no "waiting for the resident" status, so no time is paused.
    """

    name = "feedback"

    def records(self, *, start, end, organisation_ids=None, report_ids=None):
        for (rid, org, category, district, received, acknowledged, resolved, reopened,
             rejected, score, fixed) in handled_reports(start=start, end=end,
                                                        organisation_ids=organisation_ids,
                                                        report_ids=report_ids):
            # Positional: a million keyword calls cost seconds (field order of ReportRecord).
            yield ReportRecord(rid, org, category, district, received, acknowledged, resolved,
                               reopened, rejected, (), score, fixed)

    def open_reports(self, *, organisation_id, limit=500):
        return [OpenReport(rid, cat, lat, lon, created, due, self.report_url(rid))
                for rid, cat, lat, lon, created, due in
                organisation_open_reports(organisation_id=organisation_id, limit=limit)]

    def categories(self):
        return category_names()

    def category_targets(self) -> dict[str, tuple[float, float]]:
        """The feedback categories' own targets: used where the city has not set a
        provider-specific service level."""
        return category_targets()

    def report_url(self, report_id):
        try:
            return reverse("feedback:detail", args=[report_id])
        except NoReverseMatch:
            return None

    def staff_report_url(self, report_id):
        try:
            return reverse("feedback:staff-report", args=[report_id])
        except NoReverseMatch:
            return None


_override: ReportSource | None = None


def get_source() -> ReportSource:
    if _override is not None:
        return _override
    return import_string(settings.PROVIDERS_REPORT_SOURCE)()


def set_source_for_tests(source: ReportSource | None) -> None:
    global _override
    _override = source
