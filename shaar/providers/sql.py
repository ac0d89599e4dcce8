"""A month of scorecards computed by the database from the feedback tables.

The same figures as `metrics.compute_month` over `FeedbackSource.records` (the definitions
in metrics.py), without loading a million reports into Python: one query derives each
report's facts (first response, resolution in force, backlog, service level in force when
received) and aggregates them for every scope. tests/test_sql.py runs both on a varied
month of report histories and asserts identical figures, on SQLite and on PostgreSQL.

- PostgreSQL: one pass, `GROUPING SETS` for the four scopes, `percentile_cont` for the
  median and 90th percentile (linear interpolation, as `metrics.percentile`).
- SQLite (development and tests): the four scopes as a `UNION ALL`, and the percentiles by
  an aggregate function registered on the connection that calls `metrics.percentile`.

Hours are computed as Python does: seconds as a double (exact microseconds divided by a
million), clamped at zero, divided by 3600; "within the service level" compares those
hours with the level's, so a report resolved exactly at its deadline is in time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, tzinfo

from django.db import connection, transaction

from . import metrics
from .metrics import Accumulator, LevelChange, Scope, Spread

# What differs between the back ends: seconds from b to a as a double, the larger of two
# values, a percentile aggregate, the timestamp type, settings for the query, a fence.
DIALECTS = {
    "postgresql": {
        "seconds": "CAST(EXTRACT(EPOCH FROM {a} - {b}) AS DOUBLE PRECISION)",
        "greatest": "GREATEST",
        "percentile": "percentile_cont({q}) WITHIN GROUP (ORDER BY {x})",
        "timestamp": "TIMESTAMP WITH TIME ZONE",
        # For this transaction only. JIT compilation of this large query costs seconds
        # and gains less; the grouping sort of a million reports (about 150 MB) stays in
        # memory instead of temporary files.
        "settings": "SET LOCAL jit = off; SET LOCAL work_mem = '256MB'",
        # Keeps a layer from being merged into the next, which would compute an
        # expression as many times as the next layer mentions its column.
        "fence": "OFFSET 0",
    },
    "sqlite": {
        # Django registers django_timestamp_diff on SQLite: exact microseconds.
        "seconds": "CAST(django_timestamp_diff({a}, {b}) AS REAL) / 1000000.0",
        "greatest": "MAX",
        "percentile": "shaar_percentile({q}, {x})",
        "timestamp": "TEXT",
        "settings": "",
        "fence": "",
    },
}

OPEN = "('new', 'acknowledged', 'in_progress')"

# The reports a month's scorecards count, as FeedbackSource.records selects them. Repeated
# rather than shared as a CTE: PostgreSQL would materialise a CTE read three times.
IN_MONTH = ("r.created_at >= %(start)s AND r.created_at < %(end)s AND r.created_at <= %(now)s "
            "AND r.organisation_id IS NOT NULL AND NOT r.is_hidden "
            "AND r.status <> 'duplicate'")

# Each report received in the month and handled by a provider, with the facts
# `metrics.general_facts` derives (the feedback app has no paused status: nothing paused).
FACTS = """
WITH levels (org, code, valid_from, valid_to, ack_limit, resolve_limit) AS (
    VALUES {levels}
),
month AS (
    SELECT r.id, r.organisation_id AS org, c.code AS category, r.district_id AS district,
           r.created_at AS received, r.acknowledged_at AS acknowledged, r.reopen_count,
           CASE WHEN r.status = 'rejected' THEN r.resolved_at END AS rejected,
           CASE WHEN r.status = 'resolved' THEN r.resolved_at END AS resolved
    FROM feedback_report r JOIN feedback_category c ON c.id = r.category_id
    WHERE {in_month}
),
-- Reports never reopened have a linear history (status and resolved_at say it all); the
-- status events are read only for the others, as FeedbackSource does.
history AS (
    SELECT e.report_id,
           MIN(CASE WHEN e.to_status = 'resolved' THEN e.created_at END) AS first_resolved,
           MAX(CASE WHEN e.to_status = 'resolved' AND e.created_at <= %(now)s
                    THEN e.created_at END) AS resolved_now,
           MAX(CASE WHEN e.to_status = 'resolved' AND e.created_at <= %(cutoff)s
                    THEN e.created_at END) AS resolved_cut,
           MAX(CASE WHEN e.from_status = 'resolved' AND e.to_status IN {open}
                         AND e.created_at <= %(now)s THEN e.created_at END) AS reopened_now,
           MAX(CASE WHEN e.from_status = 'resolved' AND e.to_status IN {open}
                         AND e.created_at <= %(cutoff)s THEN e.created_at END) AS reopened_cut
    FROM feedback_reportevent e JOIN feedback_report r ON r.id = e.report_id
    WHERE {in_month} AND r.reopen_count > 0 AND e.kind IN ('status', 'reopened')
    GROUP BY e.report_id
),
-- The resident's latest answer to "Was it fixed?".
rating AS (
    SELECT report_id, fixed, score FROM (
        SELECT x.report_id, x.fixed, x.score,
               ROW_NUMBER() OVER (PARTITION BY x.report_id
                                  ORDER BY x.created_at DESC, x.id DESC) AS n
        FROM feedback_rating x JOIN feedback_report r ON r.id = x.report_id
        WHERE {in_month}
    ) ranked WHERE n = 1
),
times AS (
    SELECT m.org, m.category, m.district, m.received, m.rejected,
           rt.fixed, rt.score,
           {response} AS response,
           CASE WHEN m.reopen_count > 0 THEN h.resolved_now
                WHEN m.resolved <= %(now)s THEN m.resolved END AS resolved_now,
           CASE WHEN m.reopen_count > 0 THEN h.resolved_cut
                WHEN m.resolved <= %(cutoff)s THEN m.resolved END AS resolved_cut,
           h.reopened_now, h.reopened_cut,
           -- The level in force when received: the provider's own history for the
           -- category if it has one (none in force before its first level), else the
           -- city-wide default of the category.
           CASE WHEN own.code IS NOT NULL THEN own.ack_limit ELSE city.ack_limit END
               AS ack_limit,
           CASE WHEN own.code IS NOT NULL THEN own.resolve_limit ELSE city.resolve_limit END
               AS resolve_limit
    FROM month m
    LEFT JOIN history h ON h.report_id = m.id
    LEFT JOIN rating rt ON rt.report_id = m.id
    LEFT JOIN levels own ON own.org = m.org AND own.code = m.category
        AND (own.valid_from IS NULL OR own.valid_from <= m.received)
        AND (own.valid_to IS NULL OR m.received < own.valid_to)
    LEFT JOIN levels city ON city.org IS NULL AND city.code = m.category
        AND (city.valid_from IS NULL OR city.valid_from <= m.received)
        AND (city.valid_to IS NULL OR m.received < city.valid_to)
    {fence}
),
states AS (
    SELECT org, category, district, ack_limit, resolve_limit, score,
           CASE WHEN rejected <= %(now)s THEN 1 ELSE 0 END AS rejected,
           CASE WHEN response <= %(now)s THEN {hours_response} END AS ack_hours,
           -- The resolution in force: the last one, unless a reopening came after it.
           CASE WHEN resolved_now IS NOT NULL AND (rejected IS NULL OR rejected > %(now)s)
                     AND (reopened_now IS NULL OR reopened_now <= resolved_now)
                THEN {hours_resolved} END AS resolve_hours,
           {hours_now} AS age_now,
           {hours_cut} AS age_cut,
           CASE WHEN (rejected IS NULL OR rejected > %(cutoff)s)
                     AND (resolved_cut IS NULL OR reopened_cut > resolved_cut)
                THEN 1 ELSE 0 END AS open_cut,
           CASE WHEN resolved_now IS NOT NULL THEN 1 ELSE 0 END AS ever_resolved,
           CASE WHEN resolved_now IS NOT NULL AND reopened_now IS NOT NULL
                THEN 1 ELSE 0 END AS reopened,
           CASE WHEN resolved_now IS NOT NULL AND fixed THEN 1 ELSE 0 END AS confirmed,
           CASE WHEN resolved_now IS NOT NULL AND NOT fixed THEN 1 ELSE 0 END AS disputed
    FROM times
    {fence}
),
facts AS (
    SELECT org, category, district, rejected, ack_hours, resolve_hours, open_cut,
           ever_resolved, reopened, confirmed, disputed, score,
           CASE WHEN ack_hours IS NOT NULL AND ack_limit IS NOT NULL
                     THEN CASE WHEN ack_hours <= ack_limit THEN 1 ELSE 0 END
                WHEN ack_limit IS NOT NULL AND age_now > ack_limit THEN 0 END AS ack_within,
           CASE WHEN resolve_hours IS NOT NULL AND resolve_limit IS NOT NULL
                     THEN CASE WHEN resolve_hours <= resolve_limit THEN 1 ELSE 0 END
                WHEN rejected = 0 AND resolve_limit IS NOT NULL AND age_now > resolve_limit
                     THEN 0 END AS resolve_within,
           CASE WHEN open_cut = 1 AND resolve_limit IS NOT NULL AND age_cut > resolve_limit
                THEN 1 ELSE 0 END AS overdue
    FROM states
    {fence}
)
"""

# Accumulator field → its aggregate over `facts`.
COUNTS = (
    ("received", "COUNT(*)"),
    ("rejected", "SUM(rejected)"),
    ("ack_due", "COUNT(ack_within)"),
    ("ack_ok", "COALESCE(SUM(ack_within), 0)"),
    ("resolve_due", "COUNT(resolve_within)"),
    ("resolve_ok", "COALESCE(SUM(resolve_within), 0)"),
    ("backlog", "SUM(open_cut)"),
    ("overdue", "SUM(overdue)"),
    ("ever_resolved", "SUM(ever_resolved)"),
    ("reopened", "SUM(reopened)"),
    ("rating_sum", "COALESCE(SUM(score), 0)"),
    ("rating_count", "COUNT(score)"),
    ("confirmed", "SUM(confirmed)"),
    ("disputed", "SUM(disputed)"),
)

# The published scopes: (organisation, category, district) columns kept, and a filter.
SCOPES = (
    ("org, NULL, NULL", "org", "TRUE"),
    ("org, category, NULL", "org, category", "TRUE"),
    ("org, NULL, district", "org, district", "district IS NOT NULL"),
    ("NULL, NULL, district", "district", "district IS NOT NULL"),
)


def _aggregates(dialect: dict[str, str]) -> str:
    columns = [sql for _name, sql in COUNTS]
    for hours in ("ack_hours", "resolve_hours"):
        columns += [dialect["percentile"].format(q="0.5", x=hours),
                    dialect["percentile"].format(q="0.9", x=hours), f"COUNT({hours})"]
    return ", ".join(columns)


def _grouped(dialect: dict[str, str]) -> str:
    """The aggregates of every scope, each row led by its organisation, category and
    district (NULL where the scope spans them all)."""
    aggregates = _aggregates(dialect)
    # Only this module's constants are interpolated (S608); values are parameters.
    if connection.vendor == "postgresql":
        return (f"SELECT org, category, district, {aggregates} FROM facts "  # noqa: S608
                "GROUP BY GROUPING SETS ((org), (org, category), (org, district), (district)) "
                # The district scopes leave out reports without a district.
                "HAVING GROUPING(district) = 1 OR district IS NOT NULL")
    return " UNION ALL ".join(
        f"SELECT {kept}, {aggregates} FROM facts WHERE {where} GROUP BY {by}"  # noqa: S608
        for kept, by, where in SCOPES)


def _level_rows(levels: Mapping[tuple[int | None, str], Sequence[LevelChange]],
                ) -> list[tuple]:
    """Each history as intervals [valid_from, valid_to) with the terms in force; a
    provider's history starts with an interval without terms (before its first level)."""
    rows: list[tuple] = []
    for (org, code), history in levels.items():
        changes = sorted(history, key=lambda change: change.valid_from)
        if not changes:
            continue
        rows.append((org, code, None, changes[0].valid_from, None, None))
        for i, change in enumerate(changes):
            valid_to = changes[i + 1].valid_from if i + 1 < len(changes) else None
            rows.append((org, code, change.valid_from, valid_to,
                         change.terms.acknowledge_hours, change.terms.resolve_hours))
    return rows


def _levels_sql(levels, dialect: dict[str, str], params: dict) -> str:
    """The VALUES rows of the levels table, typed (a NULL alone has no type in
    PostgreSQL), with one row that matches nothing so the list is never empty."""
    ts = dialect["timestamp"]
    adapt = connection.ops.adapt_datetimefield_value
    values = []
    for i, (org, code, valid_from, valid_to, ack, resolve) in enumerate(
            [*_level_rows(levels), (None, None, None, None, None, None)]):
        params.update({f"lo{i}": org, f"lc{i}": code, f"lf{i}": adapt(valid_from),
                       f"lt{i}": adapt(valid_to), f"la{i}": ack, f"lr{i}": resolve})
        values.append(f"(CAST(%(lo{i})s AS INTEGER), CAST(%(lc{i})s AS VARCHAR(60)), "
                      f"CAST(%(lf{i})s AS {ts}), CAST(%(lt{i})s AS {ts}), "
                      f"CAST(%(la{i})s AS DOUBLE PRECISION), "
                      f"CAST(%(lr{i})s AS DOUBLE PRECISION))")
    return ",\n    ".join(values)


class _Percentile:
    """percentile_cont for SQLite, by the same definition (`metrics.percentile`)."""

    def __init__(self) -> None:
        self.q = 0.5
        self.values: list[float] = []

    def step(self, q: float, value: float | None) -> None:
        self.q = q
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return metrics.percentile(self.values, self.q)


def month_groups(*, month: date, now: datetime,
                 levels: Mapping[tuple[int | None, str], Sequence[LevelChange]],
                 tz: tzinfo) -> dict[Scope, Accumulator]:
    """What `metrics.compute_month` returns for the feedback reports received in `month`,
    with each scope's percentiles computed by the database (`ack_spread`/`resolve_spread`)."""
    dialect = DIALECTS[connection.vendor]
    start, end = metrics.month_bounds(month, tz)
    adapt = connection.ops.adapt_datetimefield_value
    params = {"start": adapt(start), "end": adapt(end), "now": adapt(now),
              "cutoff": adapt(metrics.cutoff_for(month, now, tz))}

    def hours(a: str, b: str) -> str:  # a and b are never NULL: GREATEST would skip it
        seconds = dialect["seconds"].format(a=a, b=b)
        return f"{dialect['greatest']}({seconds}, 0) / 3600.0"

    response = _earliest("m.acknowledged", "m.rejected",
                         "CASE WHEN m.reopen_count > 0 THEN h.first_resolved "
                         "ELSE m.resolved END")
    sql = FACTS.format(
        levels=_levels_sql(levels, dialect, params), in_month=IN_MONTH, open=OPEN,
        fence=dialect["fence"],
        response=response,
        hours_response=hours("response", "received"),
        hours_resolved=hours("resolved_now", "received"),
        hours_now=hours("%(now)s", "received"), hours_cut=hours("%(cutoff)s", "received"),
    ) + _grouped(dialect)
    groups: dict[Scope, Accumulator] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if dialect["settings"]:
            cursor.execute(dialect["settings"])
        if connection.vendor == "sqlite":
            connection.connection.create_aggregate("shaar_percentile", 2, _Percentile)
        cursor.execute(sql, params)
        for org, category, district, *values in cursor.fetchall():
            counts = dict(zip((name for name, _sql in COUNTS), values, strict=False))
            ack = Spread(*values[len(COUNTS):len(COUNTS) + 3])
            resolve = Spread(*values[len(COUNTS) + 3:])
            scope = (org, category or "", district)
            groups[scope] = Accumulator(**counts, ack_spread=ack, resolve_spread=resolve)
    return groups


def _earliest(*columns: str) -> str:
    """The earliest of some nullable timestamps, NULL if all are (LEAST ignores NULLs in
    PostgreSQL, but SQLite's MIN returns NULL if any argument is)."""
    first, *rest = columns
    if not rest:
        return first
    later = _earliest(*rest)
    return (f"CASE WHEN {first} IS NOT NULL AND ({later} IS NULL OR {first} <= {later}) "
            f"THEN {first} ELSE {later} END")
