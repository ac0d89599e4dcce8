"""Where scorecards get their reports from: the adapter between the feedback app and the
pure metrics.

`ReportSource` is the interface; `FeedbackSource` reads the feedback app's reports, status
events and "Was it fixed?" ratings and turns each report into one `ReportRecord`. The
setting PROVIDERS_REPORT_SOURCE names the class to use, so tests and the demo can feed
records from memory and a city can plug in another report system.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from .metrics import ReportRecord


@dataclass(frozen=True)
class OpenReport:
    """A report still open, for the provider page's map and worst-overdue list."""

    report_id: int
    category: str
    lat: float
    lon: float
    received_at: datetime
    resolve_due_at: datetime | None
    url: str | None


class ReportSource(Protocol):
    name: str

    def is_available(self) -> bool: ...

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

    # Optional: `month_groups(month=, now=, levels=, tz=)` returning what
    # `metrics.compute_month` returns for the month, computed without `records` (by the
    # database). Sources without it are computed in Python from their records.


class ListSource:
    """Records held in memory: tests and the demo use it."""

    name = "memory"

    def __init__(self, records: Iterable[ReportRecord] = (),
                 open_reports: Iterable[OpenReport] = ()) -> None:
        self._records = list(records)
        self._open = list(open_reports)

    def is_available(self) -> bool:
        return True

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
    """The feedback app's reports.

    - A report belongs to the organisation it is routed to now (`Report.organisation`);
      reports routed to a department or still in triage are not a provider's.
    - Hidden reports (removed by a moderator) and duplicates are left out: a duplicate is
      the same problem reported twice, and counting it would double the provider's load.
    - First response is `Report.acknowledged_at` (the first change away from "new",
      whether acknowledged, in progress, resolved or rejected).
    - For a report never reopened the history is linear, so `status` and `resolved_at`
      are enough; the status events are read only for reopened reports. This keeps a
      month of a million reports to one streamed query plus small ones.
    - The resident's answer to "Was it fixed?" is the latest rating of the report.
    - The feedback app has no "waiting for the resident" status, so no time is paused.
    """

    name = "feedback"
    CHUNK = 5000

    def is_available(self) -> bool:
        try:
            apps.get_model("feedback", "Report")
            apps.get_model("feedback", "ReportEvent")
            apps.get_model("feedback", "Rating")
        except LookupError:
            return False
        return True

    def _models(self):
        return (apps.get_model("feedback", "Report"), apps.get_model("feedback", "ReportEvent"),
                apps.get_model("feedback", "Rating"))

    def records(self, *, start, end, organisation_ids=None, report_ids=None):
        if not self.is_available():
            return
        Report, ReportEvent, Rating = self._models()
        reports = (Report.objects.filter(created_at__gte=start, created_at__lt=end,
                                         organisation__isnull=False, is_hidden=False)
                   .exclude(status="duplicate"))
        if organisation_ids is not None:
            reports = reports.filter(organisation_id__in=list(organisation_ids))
        if report_ids is not None:
            reports = reports.filter(id__in=list(report_ids))
        reports = reports.order_by()
        ratings: dict[int, tuple[bool, int]] = {}
        rating_rows = (Rating.objects.filter(report__in=reports.values("id"))
                       .order_by("created_at", "id")
                       .values_list("report_id", "fixed", "score"))
        for report_id, fixed, score in rating_rows.iterator(chunk_size=self.CHUNK):
            ratings[report_id] = (fixed, score)
        history: dict[int, list[tuple[datetime, str, str]]] = defaultdict(list)
        event_rows = (ReportEvent.objects
                      .filter(report__in=reports.filter(reopen_count__gt=0).values("id"),
                              kind__in=("status", "reopened"))
                      .order_by("created_at", "id")
                      .values_list("report_id", "created_at", "from_status", "to_status"))
        for report_id, at, old, new in event_rows.iterator(chunk_size=self.CHUNK):
            history[report_id].append((at, old, new))
        rows = reports.values_list("id", "organisation_id", "category__code", "district_id",
                                   "created_at", "acknowledged_at", "status", "resolved_at",
                                   "reopen_count")
        for (rid, org, category, district, created, acknowledged, status, closed,
             reopens) in rows.iterator(chunk_size=self.CHUNK):
            rating = ratings.get(rid)
            fixed, score = rating if rating else (None, None)
            if reopens:
                events = history.get(rid, [])
                resolved = tuple(at for at, _o, new in events if new == "resolved")
                reopened = tuple(at for at, old, new in events
                                 if old == "resolved" and new in ("new", "acknowledged",
                                                                  "in_progress"))
                rejected = closed if status == "rejected" else None
            else:
                resolved = (closed,) if status == "resolved" and closed else ()
                reopened = ()
                rejected = closed if status == "rejected" else None
            # Positional: a million keyword calls cost seconds (field order of ReportRecord).
            yield ReportRecord(rid, org, category, district, created, acknowledged, resolved,
                               reopened, rejected, (), score, fixed)

    def month_groups(self, *, month, now, levels, tz):
        """The month's scorecards aggregated by the database: the same figures as
        `records` fed to `metrics.compute_month`, without loading every report."""
        if not self.is_available():
            return {}
        from .sql import month_groups

        return month_groups(month=month, now=now, levels=levels, tz=tz)

    def open_reports(self, *, organisation_id, limit=500):
        if not self.is_available():
            return []
        Report = self._models()[0]
        rows = (Report.objects.filter(organisation_id=organisation_id, is_hidden=False,
                                      status__in=("new", "acknowledged", "in_progress"))
                .order_by("resolve_due_at", "created_at")
                .values_list("id", "category__code", "lat", "lon", "created_at",
                             "resolve_due_at")[:limit])
        return [OpenReport(rid, cat, lat, lon, created, due, self.report_url(rid))
                for rid, cat, lat, lon, created, due in rows]

    def categories(self):
        if not self.is_available():
            return {}
        Category = apps.get_model("feedback", "Category")
        return {code: (ky, ru, en) for code, ky, ru, en in
                Category.objects.values_list("code", "name_ky", "name_ru", "name_en")}

    def category_targets(self) -> dict[str, tuple[float, float]]:
        """The feedback categories' own targets: used where the city has not set a
        provider-specific service level."""
        if not self.is_available():
            return {}
        Category = apps.get_model("feedback", "Category")
        return {code: (float(ack), float(res)) for code, ack, res in
                Category.objects.values_list("code", "target_hours_acknowledge",
                                             "target_hours_resolve")}

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
