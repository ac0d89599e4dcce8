"""Scorecard metrics: pure functions over plain report records.

No Django import here. A report comes in as a `ReportRecord` (built from the feedback app by
`shaar.providers.sources`), scorecards come out as `{figure key: Figure(value, sample)}`.
Every figure carries its sample size: the number of reports it was computed from.

Rules (the methodology the public pages and the API explain in plain words):

- A report counts in the month it was received, in the city's time zone (`tz`: the Django
  side passes `City.current().zone`, so another city's months follow its own clock).
- A report is judged by the service level in force when it was received.
- Time while the report waited for the resident ("paused") is not counted.
- "Acknowledged" is the first response: acknowledgement, rejection or resolution.
- "Resolved" is the last resolution that was not followed by a reopening. Within the
  service level means at or before the deadline (exactly at the deadline counts).
- A report still open whose deadline has not passed yet is not counted either way in the
  "within service level" shares (it cannot yet have failed).
- Backlog and overdue are taken at the cut-off: the end of the month, or now for the
  current month.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo

HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class ServiceLevelTerms:
    """Targets in force for one category: hours to acknowledge and to resolve."""

    acknowledge_hours: float
    resolve_hours: float


@dataclass(frozen=True, slots=True)
class LevelChange:
    """One row of a service level's history: the terms in force from `valid_from` on."""

    valid_from: datetime
    terms: ServiceLevelTerms


@dataclass(slots=True)
class ReportRecord:
    """One citizen report as the scorecards see it. All datetimes are aware.

    Treated as read-only. Not frozen only because a frozen dataclass is three times slower
    to create, and a month can hold a million of them."""

    report_id: int
    organisation_id: int
    category: str
    district_id: int | None
    received_at: datetime
    acknowledged_at: datetime | None = None
    resolved_at: tuple[datetime, ...] = ()  # every time it was marked resolved
    reopened_at: tuple[datetime, ...] = ()  # every time it was reopened after "resolved"
    rejected_at: datetime | None = None
    # Intervals waiting for the resident; an open interval has end None.
    paused: tuple[tuple[datetime, datetime | None], ...] = ()
    rating: int | None = None  # resident's 1-5 stars, if given
    fixed: bool | None = None  # "Was it fixed?": True confirmed, False disputed, None no answer
    sla: ServiceLevelTerms | None = None  # the level in force when received


@dataclass(frozen=True, slots=True)
class Figure:
    value: float | int | None
    sample: int


# --- small helpers ------------------------------------------------------------------------

def month_start(month: date, tz: tzinfo) -> datetime:
    """The first instant of a month in the city's time zone `tz` (as an aware datetime)."""
    return datetime(month.year, month.month, 1, tzinfo=tz)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def month_of(moment: datetime, tz: tzinfo) -> date:
    """The month (first day) a moment falls in, in the city's time zone `tz`."""
    local = moment.astimezone(tz)
    return date(local.year, local.month, 1)


def month_bounds(month: date, tz: tzinfo) -> tuple[datetime, datetime]:
    return month_start(month, tz), month_start(next_month(month), tz)


def level_in_force(history: Sequence[LevelChange], at: datetime) -> ServiceLevelTerms | None:
    """The terms in force at `at`: the latest change whose valid_from is not after it."""
    best: LevelChange | None = None
    for change in history:
        if change.valid_from <= at and (best is None or change.valid_from >= best.valid_from):
            best = change
    return best.terms if best else None


def paused_seconds(paused: Iterable[tuple[datetime, datetime | None]], start: datetime,
                   end: datetime) -> float:
    """Seconds of [start, end] spent in paused intervals (overlaps merged)."""
    spans = sorted((max(s, start), min(e or end, end)) for s, e in paused)
    total = 0.0
    cur_s: datetime | None = None
    cur_e: datetime | None = None
    for s, e in spans:
        if e <= s:
            continue
        if cur_e is None or s > cur_e:
            if cur_e is not None and cur_s is not None:
                total += (cur_e - cur_s).total_seconds()
            cur_s, cur_e = s, e
        elif e > cur_e:
            cur_e = e
    if cur_e is not None and cur_s is not None:
        total += (cur_e - cur_s).total_seconds()
    return total


def working_hours(record: ReportRecord, end: datetime) -> float:
    """Hours from receipt to `end`, less the time paused waiting for the resident."""
    seconds = (end - record.received_at).total_seconds()
    if record.paused:
        seconds -= paused_seconds(record.paused, record.received_at, end)
    return max(seconds, 0.0) / HOUR


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = math.floor(pos)
    high = math.ceil(pos)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def first_response(record: ReportRecord) -> datetime | None:
    candidates = [t for t in (record.acknowledged_at, record.rejected_at) if t is not None]
    if record.resolved_at:
        candidates.append(min(record.resolved_at))
    return min(candidates) if candidates else None


def final_resolution(record: ReportRecord, at: datetime) -> datetime | None:
    """The resolution in force at `at`: the last one, unless a reopening came after it."""
    resolutions = [t for t in record.resolved_at if t <= at]
    if not resolutions:
        return None
    last = max(resolutions)
    if any(last < t <= at for t in record.reopened_at):
        return None
    return last


def is_rejected(record: ReportRecord, at: datetime) -> bool:
    return record.rejected_at is not None and record.rejected_at <= at


def is_open(record: ReportRecord, at: datetime) -> bool:
    return (record.received_at <= at and not is_rejected(record, at)
            and final_resolution(record, at) is None)


def resolve_deadline_passed(record: ReportRecord, at: datetime,
                            sla: ServiceLevelTerms | None = None) -> bool:
    sla = record.sla or sla
    if sla is None:
        return False
    return working_hours(record, at) > sla.resolve_hours


# --- per report -----------------------------------------------------------------------------

@dataclass(slots=True)
class Facts:
    """What one report contributes to a scorecard; computed once, added to several groups."""

    rejected: bool = False
    ack_hours: float | None = None
    ack_within: bool | None = None  # None: no level, or not yet due
    resolve_hours: float | None = None
    resolve_within: bool | None = None
    open_at_cutoff: bool = False
    overdue_at_cutoff: bool = False
    ever_resolved: bool = False
    reopened: bool = False
    rating: int | None = None
    fixed: bool | None = None


def report_facts(record: ReportRecord, *, cutoff: datetime, as_of: datetime,
                 sla: ServiceLevelTerms | None = None) -> Facts:
    """The facts of one report. `cutoff`: when backlog is taken (month end or now);
    `as_of`: when the computation runs (later resolutions still count); `sla`: the level
    in force when received, if the record does not carry it itself."""
    sla = record.sla or sla
    if not record.paused and not record.reopened_at and len(record.resolved_at) <= 1:
        return _linear_facts(record, cutoff, as_of, sla)
    return general_facts(record, cutoff=cutoff, as_of=as_of, sla=sla)


def _linear_facts(record: ReportRecord, cutoff: datetime, as_of: datetime,
                  sla: ServiceLevelTerms | None) -> Facts:
    """`general_facts` for the common case (nothing paused, never reopened, at most one
    resolution), written out flat: it runs once per report, a million times a month.
    A test checks that both give the same facts."""
    facts = Facts()
    received = record.received_at
    rejected_at = record.rejected_at
    resolution = record.resolved_at[0] if record.resolved_at else None
    rejected = rejected_at is not None and rejected_at <= as_of
    facts.rejected = rejected
    response = record.acknowledged_at
    if rejected_at is not None and (response is None or rejected_at < response):
        response = rejected_at
    if resolution is not None and (response is None or resolution < response):
        response = resolution
    if response is not None and response <= as_of:
        hours = max((response - received).total_seconds(), 0.0) / HOUR
        facts.ack_hours = hours
        if sla is not None:
            facts.ack_within = hours <= sla.acknowledge_hours
    elif sla is not None and (as_of - received).total_seconds() / HOUR > sla.acknowledge_hours:
        facts.ack_within = False
    resolved = resolution if (resolution is not None and resolution <= as_of
                              and not rejected) else None
    if resolved is not None:
        hours = max((resolved - received).total_seconds(), 0.0) / HOUR
        facts.resolve_hours = hours
        if sla is not None:
            facts.resolve_within = hours <= sla.resolve_hours
    elif not rejected and sla is not None and (
            (as_of - received).total_seconds() / HOUR > sla.resolve_hours):
        facts.resolve_within = False
    open_at_cutoff = (received <= cutoff
                      and not (rejected_at is not None and rejected_at <= cutoff)
                      and not (resolution is not None and resolution <= cutoff))
    facts.open_at_cutoff = open_at_cutoff
    facts.overdue_at_cutoff = open_at_cutoff and sla is not None and (
        (cutoff - received).total_seconds() / HOUR > sla.resolve_hours)
    facts.ever_resolved = resolution is not None and resolution <= as_of
    facts.rating = record.rating
    facts.fixed = record.fixed if facts.ever_resolved else None
    return facts


def general_facts(record: ReportRecord, *, cutoff: datetime, as_of: datetime,
                  sla: ServiceLevelTerms | None = None) -> Facts:
    """The facts of any report, however often it was paused, resolved and reopened."""
    facts = Facts()
    sla = record.sla or sla
    facts.rejected = is_rejected(record, as_of)
    response = first_response(record)
    if response is not None and response > as_of:
        response = None
    if response is not None:
        facts.ack_hours = working_hours(record, response)
        if sla is not None:
            facts.ack_within = facts.ack_hours <= sla.acknowledge_hours
    elif sla is not None and working_hours(record, as_of) > sla.acknowledge_hours:
        facts.ack_within = False
    resolved = None if facts.rejected else final_resolution(record, as_of)
    if resolved is not None:
        facts.resolve_hours = working_hours(record, resolved)
        if sla is not None:
            facts.resolve_within = facts.resolve_hours <= sla.resolve_hours
    elif not facts.rejected and sla is not None and resolve_deadline_passed(record, as_of, sla):
        facts.resolve_within = False
    facts.open_at_cutoff = is_open(record, cutoff)
    facts.overdue_at_cutoff = facts.open_at_cutoff and resolve_deadline_passed(record, cutoff,
                                                                              sla)
    facts.ever_resolved = any(t <= as_of for t in record.resolved_at)
    facts.reopened = any(t <= as_of for t in record.reopened_at)
    facts.rating = record.rating
    facts.fixed = record.fixed if facts.ever_resolved else None
    return facts


# --- aggregation ------------------------------------------------------------------------------

FIGURE_KEYS = (
    "reports_received",
    "acknowledged_within_sla",
    "acknowledge_hours_median",
    "acknowledge_hours_p90",
    "resolve_hours_median",
    "resolve_hours_p90",
    "resolved_within_sla",
    "backlog",
    "overdue",
    "reopen_rate",
    "rejected_share",
    "rating_mean",
    "confirmed_fixed_share",
    "disputed_share",
    "survey_score",
)


@dataclass(slots=True)
class Accumulator:
    received: int = 0
    rejected: int = 0
    ack_hours: list[float] = field(default_factory=list)
    ack_due: int = 0
    ack_ok: int = 0
    resolve_hours: list[float] = field(default_factory=list)
    resolve_due: int = 0
    resolve_ok: int = 0
    backlog: int = 0
    overdue: int = 0
    ever_resolved: int = 0
    reopened: int = 0
    rating_sum: int = 0
    rating_count: int = 0
    confirmed: int = 0
    disputed: int = 0

    def add(self, f: Facts) -> None:
        self.received += 1
        if f.rejected:
            self.rejected += 1
        if f.ack_hours is not None:
            self.ack_hours.append(f.ack_hours)
        if f.ack_within is not None:
            self.ack_due += 1
            self.ack_ok += f.ack_within
        if f.resolve_hours is not None:
            self.resolve_hours.append(f.resolve_hours)
        if f.resolve_within is not None:
            self.resolve_due += 1
            self.resolve_ok += f.resolve_within
        self.backlog += f.open_at_cutoff
        self.overdue += f.overdue_at_cutoff
        if f.ever_resolved:
            self.ever_resolved += 1
            self.reopened += f.reopened
            if f.fixed is True:
                self.confirmed += 1
            elif f.fixed is False:
                self.disputed += 1
        if f.rating is not None:
            self.rating_sum += f.rating
            self.rating_count += 1

    def merge(self, other: Accumulator) -> None:
        self.received += other.received
        self.rejected += other.rejected
        self.ack_hours.extend(other.ack_hours)
        self.ack_due += other.ack_due
        self.ack_ok += other.ack_ok
        self.resolve_hours.extend(other.resolve_hours)
        self.resolve_due += other.resolve_due
        self.resolve_ok += other.resolve_ok
        self.backlog += other.backlog
        self.overdue += other.overdue
        self.ever_resolved += other.ever_resolved
        self.reopened += other.reopened
        self.rating_sum += other.rating_sum
        self.rating_count += other.rating_count
        self.confirmed += other.confirmed
        self.disputed += other.disputed

    def figures(self, survey: Figure | None = None) -> dict[str, Figure]:
        def share(num: int, den: int) -> Figure:
            return Figure(round(num / den, 4) if den else None, den)

        def hours(values: list[float], q: float) -> Figure:
            value = percentile(values, q)
            return Figure(None if value is None else round(value, 2), len(values))

        return {
            "reports_received": Figure(self.received, self.received),
            "acknowledged_within_sla": share(self.ack_ok, self.ack_due),
            "acknowledge_hours_median": hours(self.ack_hours, 0.5),
            "acknowledge_hours_p90": hours(self.ack_hours, 0.9),
            "resolve_hours_median": hours(self.resolve_hours, 0.5),
            "resolve_hours_p90": hours(self.resolve_hours, 0.9),
            "resolved_within_sla": share(self.resolve_ok, self.resolve_due),
            "backlog": Figure(self.backlog, self.received),
            "overdue": Figure(self.overdue, self.received),
            "reopen_rate": share(self.reopened, self.ever_resolved),
            "rejected_share": share(self.rejected, self.received),
            "rating_mean": Figure(round(self.rating_sum / self.rating_count, 2)
                                  if self.rating_count else None, self.rating_count),
            "confirmed_fixed_share": share(self.confirmed, self.ever_resolved),
            "disputed_share": share(self.disputed, self.ever_resolved),
            "survey_score": survey or Figure(None, 0),
        }


# A scorecard's scope: (organisation id or None for all, category or "", district id or None).
Scope = tuple[int | None, str, int | None]


def scopes_of(record: ReportRecord) -> tuple[Scope, ...]:
    """The scorecards one report counts in: the provider overall, by category, by district,
    and the city-wide figure of its district (for the district comparison)."""
    org = record.organisation_id
    scopes: list[Scope] = [(org, "", None), (org, record.category, None)]
    if record.district_id is not None:
        scopes.append((org, "", record.district_id))
        scopes.append((None, "", record.district_id))
    return tuple(scopes)


def cutoff_for(month: date, now: datetime, tz: tzinfo) -> datetime:
    """Backlog is taken at the end of the month, or now while the month is still running."""
    return min(month_bounds(month, tz)[1], now)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off for a month's reports: records, facts and their tuples
    hold no cycles, and at a million of them its passes over the growing heap cost a
    tenth of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# (organisation, category) → history; (None, category) is the city-wide default.
LevelHistories = Mapping[tuple[int | None, str], Sequence[LevelChange]]


def compute_month(records: Iterable[ReportRecord], *, month: date, tz: tzinfo,
                  now: datetime | None = None,
                  levels: LevelHistories | None = None) -> dict[Scope, Accumulator]:
    """Accumulate the reports received in `month` (other records are skipped) by scope.

    A record without its own `sla` is judged by `levels[(organisation, category)]`, the
    history of that provider's service level, at the moment it was received."""
    # In UTC, like the records the database gives: comparing datetimes of one tzinfo
    # skips a UTC offset lookup on each side, a million times.
    now = to_utc(now or datetime.now(UTC))
    start, end = map(to_utc, month_bounds(month, tz))
    cutoff = to_utc(cutoff_for(month, now, tz))
    # Each report is added once, to its finest cell (provider, category, district); the
    # published scopes are merged from the cells afterwards. At a million reports this is
    # several times faster than adding every report to each of its scopes.
    cells: dict[tuple[int, str, int | None], Accumulator] = {}
    levels = levels or {}
    level_cache: dict[tuple[int, str], Sequence[LevelChange] | None] = {}
    with _collector_paused():
        for record in records:
            if not (start <= record.received_at < end) or record.received_at > now:
                continue
            sla = None
            if record.sla is None:
                key = (record.organisation_id, record.category)
                if key not in level_cache:
                    level_cache[key] = levels.get(key) or levels.get((None, record.category))
                history = level_cache[key]
                if history:
                    sla = level_in_force(history, record.received_at)
            facts = report_facts(record, cutoff=cutoff, as_of=now, sla=sla)
            cell = (record.organisation_id, record.category, record.district_id)
            acc = cells.get(cell)
            if acc is None:
                acc = cells[cell] = Accumulator()
            acc.add(facts)
    groups: dict[Scope, Accumulator] = {}
    for (org, category, district), acc in cells.items():
        scopes: set[Scope] = {(org, "", None), (org, category, None)}
        if district is not None:
            scopes |= {(org, "", district), (None, "", district)}
        for scope in scopes:
            target = groups.get(scope)
            if target is None:
                target = groups[scope] = Accumulator()
            target.merge(acc)
    return groups


def survey_figure(scores: Sequence[int], *, min_answers: int) -> Figure:
    """Survey answers 1-5 as a 0-100 score; hidden (None) below `min_answers` answers."""
    if len(scores) < min_answers or not scores:
        return Figure(None, len(scores))
    mean = sum(scores) / len(scores)
    return Figure(round((mean - 1) / 4 * 100, 1), len(scores))


def ranking_score(figures: dict[str, Figure]) -> float | None:
    """The ranking order: share resolved within the service level, then acknowledged."""
    resolved = figures["resolved_within_sla"].value
    ack = figures["acknowledged_within_sla"].value
    if resolved is None:
        return None
    return round(float(resolved) * 1000 + float(ack or 0), 4)


def drilldown_flags(record: ReportRecord, *, cutoff: datetime, as_of: datetime,
                    sla: ServiceLevelTerms | None = None) -> set[str]:
    """Which figures a report counts against, for the provider's drill-down."""
    f = report_facts(record, cutoff=cutoff, as_of=as_of, sla=sla)
    flags = {"reports_received"}
    if f.ack_within is False:
        flags.add("acknowledged_late")
    if f.resolve_within is False:
        flags.add("resolved_late")
    if f.open_at_cutoff:
        flags.add("backlog")
    if f.overdue_at_cutoff:
        flags.add("overdue")
    if f.reopened:
        flags.add("reopened")
    if f.rejected:
        flags.add("rejected")
    if f.fixed is False:
        flags.add("disputed")
    if f.fixed is True:
        flags.add("confirmed_fixed")
    return flags


DRILLDOWN_KEYS = ("reports_received", "acknowledged_late", "resolved_late", "backlog", "overdue",
                  "reopened", "rejected", "disputed", "confirmed_fixed")


def to_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


__all__ = [
    "DRILLDOWN_KEYS",
    "FIGURE_KEYS",
    "Accumulator",
    "Facts",
    "Figure",
    "LevelChange",
    "ReportRecord",
    "ServiceLevelTerms",
    "compute_month",
    "cutoff_for",
    "drilldown_flags",
    "final_resolution",
    "first_response",
    "general_facts",
    "level_in_force",
    "month_bounds",
    "month_of",
    "next_month",
    "paused_seconds",
    "percentile",
    "previous_month",
    "ranking_score",
    "report_facts",
    "scopes_of",
    "survey_figure",
    "to_utc",
    "working_hours",
]
