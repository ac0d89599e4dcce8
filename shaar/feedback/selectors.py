"""Reads shared by pages, the API, Open311 and exports.

`public_report` is the one place that decides which fields of a report are public:
every public output goes through it, so personal data cannot leak from one of them.
"""

from __future__ import annotations

import hashlib
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Avg, Count, F, Min, Q, QuerySet
from django.db.models.functions import Floor, TruncMonth
from django.utils import timezone
from django.utils.translation import get_language

from shaar.accounts.rules import department_ids, organisation_ids
from shaar.city.models import District

if TYPE_CHECKING:
    from shaar.accounts.models import User

from .models import (
    OPEN_STATUSES,
    Category,
    Channel,
    Rating,
    Report,
    ReportEvent,
    ReportQuerySet,
    Status,
)
from .rules import is_moderator, is_triage

EARTH_M = 6_371_000


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(math.sqrt(a))


def _box(lat: float, lon: float, metres: float) -> Q:
    dlat = metres / 111_320
    dlon = metres / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    return Q(lat__gte=lat - dlat, lat__lte=lat + dlat, lon__gte=lon - dlon, lon__lte=lon + dlon)


def nearby_open_reports(*, category: Category, lat: float, lon: float,
                        metres: float | None = None) -> list[Report]:
    """Open, visible reports of the category within `metres`, nearest first."""
    metres = metres or settings.FEEDBACK_NEARBY_METRES
    candidates = (Report.objects.public().open().filter(category=category)
                  .filter(_box(lat, lon, metres)).select_related("category")[:50])
    # Inside the box: the coordinates are set.
    found = [(distance_m(lat, lon, r.lat, r.lon), r) for r in candidates
             if r.lat is not None and r.lon is not None]
    return [r for d, r in sorted(found, key=lambda pair: pair[0]) if d <= metres]


def reports_for_inbox(user: User) -> ReportQuerySet:
    qs = Report.objects.select_related("category", "district", "department", "organisation",
                                       "assignee")
    if is_triage(user) or is_moderator(user):
        return qs
    return qs.filter(Q(organisation_id__in=organisation_ids(user))
                     | Q(organisation__isnull=True, department_id__in=department_ids(user)))


def reports_of_reporter(user: User) -> ReportQuerySet:
    """The reports a signed-in resident sent, newest first (their own, hidden ones too)."""
    return (Report.objects.filter(reporter=user).select_related("category", "district")
            .order_by("-created_at", "-id"))


def public_reports() -> ReportQuerySet:
    return Report.objects.public().select_related("category", "district")


def filter_reports(qs: ReportQuerySet, params: dict[str, Any]) -> ReportQuerySet:
    """Filters shared by the public list, map, exports and the API."""
    # Codes become ids first: a join on the code would stop PostgreSQL from reading the
    # (district, created_at, id) index in order, and it would sort a month of reports.
    if params.get("category"):
        category_id = Category.objects.filter(code=params["category"]).values_list(
            "id", flat=True).first()
        qs = qs.filter(category_id=category_id) if category_id else qs.none()
    if params.get("district"):
        district_id = District.objects.filter(code=params["district"]).values_list(
            "id", flat=True).first()
        qs = qs.filter(district_id=district_id) if district_id else qs.none()
    if params.get("status"):
        if params["status"] == "open":
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif params["status"] == "closed":
            qs = qs.exclude(status__in=OPEN_STATUSES)
        else:
            qs = qs.filter(status=params["status"])
    if params.get("channel"):
        qs = qs.filter(channel=params["channel"])
    month = params.get("month")
    if month:
        start = timezone.make_aware(datetime(month.year, month.month, 1))
        end = (timezone.make_aware(datetime(month.year + 1, 1, 1)) if month.month == 12
               else timezone.make_aware(datetime(month.year, month.month + 1, 1)))
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    if params.get("overdue"):
        qs = qs.overdue()
    return qs


def _rounded(degrees: float | None) -> float | None:
    """Six decimals (about 10 cm); None for a report without a point."""
    return None if degrees is None else round(degrees, 6)


def public_report(report: Report, *, with_photos: bool = False,
                  request=None) -> dict[str, Any]:
    """The public fields of a report. Never the reporter's name, phone or e-mail."""
    data: dict[str, Any] = {
        "id": report.pk,
        "category": report.category.code,
        "category_name": report.category.name,
        "status": report.status,
        "status_label": str(Status(report.status).label),
        "status_note": report.status_note,
        "channel": report.channel,
        "lat": _rounded(report.lat),
        "lon": _rounded(report.lon),
        "address": report.address,
        "district": report.district.code if report.district_id and report.district else None,
        "description": report.description,
        "created_at": report.created_at,
        "updated_at": report.updated_at,
        "resolved_at": report.resolved_at,
        "supporters": report.supporter_count,
        "overdue": report.is_overdue,
        "is_sample": report.is_sample,
    }
    if with_photos:
        urls = []
        for photo in report.photos.all():
            if photo.is_hidden:
                continue
            url = photo.image.url
            urls.append(request.build_absolute_uri(url) if request else url)
        data["photos"] = urls
    return data


PUBLIC_COLUMNS = ("id", "category_id", "status", "status_note", "channel", "lat", "lon",
                  "address", "district__code", "description", "created_at", "updated_at",
                  "resolved_at", "supporter_count", "acknowledge_due_at", "resolve_due_at",
                  "is_sample")


def public_rows(qs: QuerySet[Report]) -> Iterator[dict[str, Any]]:
    """The same public fields as `public_report`, read as plain values (no model
    instances), for exports and the map layer. Only PUBLIC_COLUMNS are selected."""
    categories = {c.pk: c for c in Category.objects.all()}
    now = timezone.now()
    for row in qs.values_list(*PUBLIC_COLUMNS).iterator(chunk_size=5000):
        data = dict(zip(PUBLIC_COLUMNS, row, strict=True))
        category = categories[data.pop("category_id")]
        ack_due, res_due = data.pop("acknowledge_due_at"), data.pop("resolve_due_at")
        status = data["status"]
        is_open = status in OPEN_STATUSES
        yield {
            "id": data["id"], "category": category.code, "category_name": category.name,
            "status": status, "status_label": str(Status(status).label),
            "status_note": data["status_note"], "channel": data["channel"],
            "lat": _rounded(data["lat"]), "lon": _rounded(data["lon"]),
            "address": data["address"], "district": data["district__code"],
            "description": data["description"], "created_at": data["created_at"],
            "updated_at": data["updated_at"], "resolved_at": data["resolved_at"],
            "supporters": data["supporter_count"],
            "overdue": bool((status == Status.NEW and ack_due and ack_due < now)
                            or (is_open and res_due and res_due < now)),
            "is_sample": data["is_sample"],
        }


def geojson_chunks(qs: QuerySet[Report], *, detail_base: str,
                   chunk_rows: int = 500) -> Iterator[str]:
    """A FeatureCollection of the public rows, as text in chunks of `chunk_rows` features.
    A report sent without a point has a null geometry (GeoJSON allows it)."""
    encoder = DjangoJSONEncoder(ensure_ascii=False, separators=(",", ":"))
    yield '{"type":"FeatureCollection","features":['
    chunk: list[str] = []
    first = True
    for data in public_rows(qs):
        lat, lon = data.pop("lat"), data.pop("lon")
        data["url"] = f"{detail_base}{data['id']}/"
        geometry = None if lat is None else {"type": "Point", "coordinates": [lon, lat]}
        text = encoder.encode({"type": "Feature", "geometry": geometry, "properties": data})
        chunk.append(text if first else "," + text)
        first = False
        if len(chunk) >= chunk_rows:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "]}"


def map_points(qs: QuerySet[Report], limit: int) -> tuple[list[list[Any]], bool]:
    """Compact pins for the map: [id, lat, lon, category code, status, overdue]."""
    codes = dict(Category.objects.values_list("id", "code"))
    now = timezone.now()
    rows = list(qs.filter(lat__isnull=False).order_by("-created_at", "-id").values_list(
        "id", "lat", "lon", "category_id", "status", "acknowledge_due_at",
        "resolve_due_at")[:limit + 1])
    points = []
    for pk, lat, lon, category_id, status, ack_due, res_due in rows[:limit]:
        assert lat is not None and lon is not None  # filtered above
        overdue = bool((status == Status.NEW and ack_due and ack_due < now)
                       or (status in OPEN_STATUSES and res_due and res_due < now))
        points.append([pk, round(lat, 6), round(lon, 6), codes[category_id], status,
                       overdue])
    return points, len(rows) > limit


def public_timeline(report: Report) -> list[ReportEvent]:
    return list(report.events.filter(is_public=True).exclude(
        kind__in=[ReportEvent.Kind.ME_TOO, ReportEvent.Kind.RATED]))


# --- statistics ---------------------------------------------------------------------------
def report_stats(qs: QuerySet[Report]) -> dict[str, Any]:
    by_category = list(qs.values("category__code", "category__name_ky", "category__name_ru",
                                 "category__name_en").annotate(n=Count("id")).order_by("-n"))
    by_district = list(qs.values("district__code", "district__name_ky", "district__name_ru",
                                 "district__name_en").annotate(n=Count("id")).order_by("-n"))
    by_status = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    by_channel = dict(qs.values_list("channel").annotate(n=Count("id")).order_by())
    # Months on the city's clock, counted by the database (a million rows never reach Python).
    month = TruncMonth("created_at", tzinfo=timezone.get_current_timezone())
    months: Counter[str] = Counter({
        m.strftime("%Y-%m"): n for m, n in qs.order_by().annotate(m=month)
        .values_list("m").annotate(n=Count("id")).values_list("m", "n")})
    durations = [
        (resolved - created).total_seconds() / 3600
        for created, resolved in cast(
            "Iterator[tuple[datetime, datetime]]",  # resolved_at is not null: filtered
            qs.filter(status=Status.RESOLVED, resolved_at__isnull=False)
            .values_list("created_at", "resolved_at").iterator(chunk_size=5000))
    ]
    # Category × month for the last twelve months that have reports: causes over time.
    recent = sorted(months)[-12:]
    by_category_month: dict[str, Counter[str]] = defaultdict(Counter)
    if recent:
        start = timezone.make_aware(datetime.strptime(recent[0] + "-01", "%Y-%m-%d"))
        for code, m, n in (qs.filter(created_at__gte=start).order_by().annotate(m=month)
                           .values_list("category__code", "m").annotate(n=Count("id"))
                           .values_list("category__code", "m", "n")):
            by_category_month[code][m.strftime("%Y-%m")] += n
    names = {c.code: c.name for c in Category.objects.all()}
    category_months = [(names.get(code, code), [counts.get(m, 0) for m in recent])
                       for code, counts in sorted(by_category_month.items())]
    return {
        "recent_months": recent,
        "category_months": category_months,
        "total": sum(months.values()),
        "by_category": by_category,
        "by_district": by_district,
        "by_status": [(s.value, str(s.label), by_status.get(s.value, 0)) for s in Status],
        "by_channel": by_channel,
        "by_month": sorted(months.items()),
        "median_hours_to_resolve": round(statistics.median(durations), 1) if durations else None,
    }


# Statistics read every public report: seconds with a million. They are kept in the cache
# and shown with the time they were computed; every FEEDBACK_STATS_MINUTES a Celery task
# recomputes the unfiltered page (tasks.refresh_stats), and a filtered one is recomputed by
# the first request after that time while everyone else keeps reading the previous copy.
STATS_CACHE_PREFIX = "feedback:stats:"
STATS_KEEP_SECONDS = 24 * 3600


def _stats_key(params: dict[str, Any]) -> str:
    used = sorted((k, str(v)) for k, v in params.items() if v)
    digest = hashlib.sha256(repr(used).encode()).hexdigest()[:32]
    return f"{STATS_CACHE_PREFIX}{get_language()}:{digest}"


def cached_report_stats(params: dict[str, Any], *, max_age: int | None = None
                        ) -> dict[str, Any]:
    """{"data": report_stats(...), "computed_at": datetime} for the public reports that
    match `params`, at most `max_age` seconds old (FEEDBACK_STATS_MINUTES by default)."""
    max_age = settings.FEEDBACK_STATS_MINUTES * 60 if max_age is None else max_age
    key = _stats_key(params)
    entry = cache.get(key)
    now = timezone.now()
    stale = entry is None or entry["computed_at"] <= now - timedelta(seconds=max_age)
    # One request refreshes a stale copy; the others go on reading it meanwhile.
    if entry is None or (stale and cache.add(key + ":refreshing", 1, timeout=300)):
        entry = {"data": report_stats(filter_reports(public_reports(), params)),
                 "computed_at": now}
        cache.set(key, entry, timeout=STATS_KEEP_SECONDS)
        cache.delete(key + ":refreshing")
    return entry


# --- systemic issues ----------------------------------------------------------------------
# Computed by a Celery task (tasks.compute_systemic, every FEEDBACK_SYSTEMIC_MINUTES) and
# kept in the cache: with a million reports this takes seconds, too long for a page.
# The rows are read as plain values, and places are compared through a grid of cells of
# the cluster radius, so each report is measured against its neighbours only.
@dataclass
class Cluster:
    category: Category
    lat: float
    lon: float
    report_ids: list[int]
    district_counts: dict[District | None, int] = field(default_factory=dict)
    channel_counts: dict[str, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.report_ids)

    # Names are looked up when the page is shown, in the reader's language. Plain dicts,
    # not Counters: the template's `districts.items` would look up the key "items" first,
    # and a Counter answers 0 for a missing key (a TypeError, a 500).
    @property
    def districts(self) -> dict[str, int]:
        return {(d.name if d else "—"): n for d, n in self.district_counts.items()}

    @property
    def channels(self) -> dict[str, int]:
        return {str(Channel(c).label): n for c, n in self.channel_counts.items()}


class _Grid:
    """Points of one category in cells of `metres`: neighbours are in the nearby cells."""

    def __init__(self, metres: float) -> None:
        self.metres = metres
        self.cell = metres / 111_320
        self.cells: dict[tuple[int, int, int], list[tuple]] = defaultdict(list)

    def _key(self, category_id: int, lat: float, lon: float) -> tuple[int, int, int]:
        return category_id, int(lat / self.cell), int(lon / self.cell)

    def add(self, category_id: int, lat: float, lon: float, row: tuple) -> None:
        self.cells[self._key(category_id, lat, lon)].append(row)

    def near(self, category_id: int, lat: float, lon: float) -> Iterator[tuple]:
        """Rows within `metres`; row[2], row[3] are their latitude and longitude."""
        _c, gx, gy = self._key(category_id, lat, lon)
        for dx in (-1, 0, 1):
            for dy in (-2, -1, 0, 1, 2):  # a degree of longitude is shorter here
                for row in self.cells.get((category_id, gx + dx, gy + dy), ()):
                    if distance_m(lat, lon, row[2], row[3]) <= self.metres:
                        yield row


def find_clusters(*, now: datetime | None = None, metres: float | None = None,
                  days: int | None = None, min_reports: int | None = None) -> list[Cluster]:
    """Groups of at least `min_reports` reports of one category within `metres` of a seed
    report, in the last `days` days (greedy, densest first, each report in one cluster)."""
    now = now or timezone.now()
    metres = metres or settings.FEEDBACK_CLUSTER_METRES
    days = days or settings.FEEDBACK_CLUSTER_DAYS
    min_reports = min_reports or settings.FEEDBACK_CLUSTER_MIN_REPORTS
    # The coordinates are not null: filtered.
    rows = cast("list[tuple[int, int, float, float, int | None, str]]", list(
        Report.objects.filter(created_at__gte=now - timedelta(days=days), lat__isnull=False)
        .exclude(status=Status.DUPLICATE).order_by()
        .values_list("id", "category_id", "lat", "lon", "district_id", "channel")))
    grid = _Grid(metres)
    for row in rows:
        grid.add(row[1], row[2], row[3], row)
    categories = Category.objects.in_bulk()
    districts = District.objects.in_bulk()
    candidates = sorted(((list(grid.near(r[1], r[2], r[3])), r) for r in rows),
                        key=lambda pair: (-len(pair[0]), pair[1][0]))
    taken: set[int] = set()
    clusters: list[Cluster] = []
    for near, seed in candidates:
        if len(near) < min_reports:
            break  # densest first: no later seed has enough neighbours
        group = [r for r in near if r[0] not in taken]
        if len(group) >= min_reports and seed[0] not in taken:
            taken.update(r[0] for r in group)
            clusters.append(Cluster(
                category=categories[seed[1]], lat=seed[2], lon=seed[3],
                report_ids=sorted(r[0] for r in group),
                district_counts=dict(Counter(districts.get(r[4]) for r in group)),
                channel_counts=dict(Counter(r[5] for r in group))))
    return sorted(clusters, key=lambda c: -c.size)


def find_recurring(*, metres: float | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Places with a problem that came back: reports reopened, or a new report of the
    same category near one already resolved earlier (among the last 2,000 resolved)."""
    metres = metres or settings.FEEDBACK_CLUSTER_METRES
    out: list[dict[str, Any]] = []
    for r in (Report.objects.filter(reopen_count__gt=0).select_related("category", "district")
              .order_by("-reopen_count")[:limit]):
        out.append({"report": r, "reason": "reopened", "earlier": None})
    grid = _Grid(metres)
    resolved = cast(  # the coordinates and resolved_at are not null: filtered
        "Iterable[tuple[int, int, float, float, datetime]]",
        Report.objects.filter(status=Status.RESOLVED, resolved_at__isnull=False,
                              lat__isnull=False)
        .order_by("-resolved_at").values_list("id", "category_id", "lat", "lon",
                                              "resolved_at")[:2000])
    for row in resolved:
        grid.add(row[1], row[2], row[3], row)
    pairs: list[tuple[int, int]] = []
    recent = cast(  # the coordinates are not null: filtered
        "Iterator[tuple[int, int, float, float, datetime]]",
        Report.objects.filter(created_at__gte=timezone.now() - timedelta(
            days=settings.FEEDBACK_CLUSTER_DAYS), lat__isnull=False).order_by("-created_at")
        .values_list("id", "category_id", "lat", "lon", "created_at").iterator(chunk_size=5000))
    for pk, category_id, lat, lon, created in recent:
        earlier = max((row for row in grid.near(category_id, lat, lon)
                       if row[0] != pk and row[4] < created), key=lambda row: row[4],
                      default=None)
        if earlier is not None:
            pairs.append((pk, earlier[0]))
            if len(out) + len(pairs) >= limit:
                break
    reports = Report.objects.select_related("category", "district").in_bulk(
        [pk for pair in pairs for pk in pair])
    out += [{"report": reports[pk], "reason": "again", "earlier": reports[earlier]}
            for pk, earlier in pairs]
    return out


def readable_answers(report: Report) -> list[tuple[str, str]]:
    """The answers to the category's questions as a person reads them: the question in the
    page's language and the chosen value's name, never the stored codes."""
    answers = report.answers or {}
    rows = []
    for question in report.category.questions.all():
        if question.code not in answers:
            continue
        value = answers[question.code]
        names = dict(question.choices())
        values = value if isinstance(value, list) else [value]
        rows.append((question.label, ", ".join(names.get(str(v), str(v)) for v in values)))
    return rows
# --- the map at any scale ------------------------------------------------------------------
CLUSTER_CELL_PX = 64  # a group covers about this many screen pixels
PINS_FROM_ZOOM = 17   # from this zoom on, every report is its own pin
PIN_LIMIT = 1000


def cluster_cell_degrees(zoom: int) -> float:
    """The side of a grid cell, in degrees, that is CLUSTER_CELL_PX pixels at this zoom."""
    return 360 / (256 * 2**zoom) * CLUSTER_CELL_PX


def map_clusters(qs: QuerySet[Report], *, bbox: tuple[float, float, float, float],
                 zoom: int) -> dict[str, Any]:
    """Reports in the box grouped by a grid in the database (one GROUP BY, whatever the
    number of reports): [lat, lon, count, id of a lone report or None] per cell. The box is
    widened to whole cells so that panning gives the same cells (and cache hits)."""
    west, south, east, north = bbox
    if zoom >= PINS_FROM_ZOOM:
        qs = qs.filter(lat__range=(south, north), lon__range=(west, east))
        points, truncated = map_points(qs, PIN_LIMIT)
        return {"pins": points, "truncated": truncated}
    cell = cluster_cell_degrees(zoom)
    west, south = math.floor(west / cell) * cell, math.floor(south / cell) * cell
    east, north = math.ceil(east / cell) * cell, math.ceil(north / cell) * cell
    rows = (qs.filter(lat__range=(south, north), lon__range=(west, east))
            .annotate(cell_x=Floor(F("lon") / cell), cell_y=Floor(F("lat") / cell))
            .values("cell_x", "cell_y")
            .annotate(n=Count("id"), mean_lat=Avg("lat"), mean_lon=Avg("lon"), first=Min("id"))
            .order_by())
    return {"clusters": [[round(r["mean_lat"], 6), round(r["mean_lon"], 6), r["n"],
                          r["first"] if r["n"] == 1 else None] for r in rows]}


# --- reports as the providers' scorecards read them ---------------------------------------
# The providers app measures the organisations reports are routed to. It reads feedback
# through these functions only, so a change to the models below shows up here and in
# feedback's own tests (tests/test_for_providers.py), not as a wrong scorecard.

# One report's handling history, as a plain tuple (a named tuple costs a quarter of a
# second more per 200,000 reports), aware datetimes in this order:
# (report id, organisation id, category code, district id or None, received at,
#  acknowledged at (the first change away from "new") or None,
#  every time it was marked resolved, every time it went back from resolved to open,
#  rejected at or None, the latest "Was it fixed?" answer's score (1-5) and yes/no, or None)
HandledReport = tuple[int, int, str, int | None, datetime, datetime | None,
                      tuple[datetime, ...], tuple[datetime, ...], datetime | None,
                      int | None, bool | None]


HISTORY_CHUNK = 20000  # rows a round trip: 50 for a million reports


def handled_reports(*, start: datetime, end: datetime,
                    organisation_ids: Iterable[int] | None = None,
                    report_ids: Iterable[int] | None = None) -> Iterator[HandledReport]:
    """Reports received in [start, end) and routed to an organisation, streamed.

    Hidden reports (removed by a moderator) and duplicates (the same problem reported
    twice) are left out. A report never reopened has a linear history, so its status and
    `resolved_at` say it all; status events are read only for reopened reports, which
    keeps a month of a million reports to one streamed query plus two small ones."""
    reports = (Report.objects.filter(created_at__gte=start, created_at__lt=end,
                                     organisation__isnull=False, is_hidden=False)
               .exclude(status=Status.DUPLICATE).order_by())
    if organisation_ids is not None:
        reports = reports.filter(organisation_id__in=list(organisation_ids))
    if report_ids is not None:
        reports = reports.filter(id__in=list(report_ids))
    ratings = _latest_ratings(reports)
    history = _reopened_histories(reports)
    rows = reports.values_list("id", "organisation_id", "category__code", "district_id",
                               "created_at", "acknowledged_at", "status", "resolved_at",
                               "reopen_count")
    for (rid, org, category, district, created, acknowledged, status, closed,
         reopens) in rows.iterator(chunk_size=HISTORY_CHUNK):
        score, fixed = ratings.get(rid, (None, None))
        rejected = closed if status == Status.REJECTED else None
        if reopens:
            resolved, reopened = history.get(rid, ((), ()))
        else:
            resolved = (closed,) if status == Status.RESOLVED and closed else ()
            reopened = ()
        yield (rid, org, category, district, created, acknowledged, resolved, reopened,
               rejected, score, fixed)


def _latest_ratings(reports: QuerySet[Report]) -> dict[int, tuple[int, bool]]:
    """Report id → (score, fixed) of its latest rating."""
    rows = (Rating.objects.filter(report__in=reports.values("id")).order_by("created_at", "id")
            .values_list("report_id", "score", "fixed"))
    return {rid: (score, fixed) for rid, score, fixed in rows.iterator(chunk_size=HISTORY_CHUNK)}


def _reopened_histories(reports: QuerySet[Report]
                        ) -> dict[int, tuple[tuple[datetime, ...], tuple[datetime, ...]]]:
    """Report id → (times resolved, times reopened), for the reports ever reopened."""
    events: dict[int, list[tuple[datetime, str, str]]] = defaultdict(list)
    rows = (ReportEvent.objects
            .filter(report__in=reports.filter(reopen_count__gt=0).values("id"),
                    kind__in=(ReportEvent.Kind.STATUS, ReportEvent.Kind.REOPENED))
            .order_by("created_at", "id")
            .values_list("report_id", "created_at", "from_status", "to_status"))
    for rid, at, old, new in rows.iterator(chunk_size=HISTORY_CHUNK):
        events[rid].append((at, old, new))
    return {rid: (tuple(at for at, _old, new in rows if new == Status.RESOLVED),
                  tuple(at for at, old, new in rows
                        if old == Status.RESOLVED and new in OPEN_STATUSES))
            for rid, rows in events.items()}


def organisation_open_reports(*, organisation_id: int, limit: int
                              ) -> list[tuple[int, str, float | None, float | None, datetime,
                                              datetime | None]]:
    """(id, category code, lat, lon, received, resolve due) of the organisation's open,
    visible reports, the most urgent first."""
    return list(Report.objects.filter(organisation_id=organisation_id, is_hidden=False,
                                      status__in=OPEN_STATUSES)
                .order_by("resolve_due_at", "created_at")
                .values_list("id", "category__code", "lat", "lon", "created_at",
                             "resolve_due_at")[:limit])


def category_names() -> dict[str, tuple[str, str, str]]:
    """Category code → (name_ky, name_ru, name_en)."""
    return {code: (ky, ru, en) for code, ky, ru, en in
            Category.objects.values_list("code", "name_ky", "name_ru", "name_en")}


def category_targets() -> dict[str, tuple[float, float]]:
    """Category code → (hours to acknowledge, hours to resolve) the category aims for."""
    return {code: (float(ack), float(res)) for code, ack, res in
            Category.objects.values_list("code", "target_hours_acknowledge",
                                         "target_hours_resolve")}
