"""A varied month of feedback reports gives the figures of their complete histories.

`shaar.feedback.selectors.handled_reports` reads status events only for reopened reports
and takes the rest from the report row; the figures (defined once, in metrics.py) must
not change for it. The month is built through the feedback app's own actions: ties,
reports reopened once and twice (and reopened after a rejection), rejected, duplicates,
hidden, unrouted, never rated and rated more than once, resolved exactly at the deadline
or after the computation, received in the last second of a month in Asia/Bishkek, judged
by a level changed mid-month and by a level that starts mid-month, and a survey cell with
fewer than 10 answers. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from shaar.city.models import Organisation
from shaar.feedback import actions as fb
from shaar.feedback.models import OPEN_STATUSES, Category, Report, ReportEvent, RoutingRule
from shaar.testing import BaseTestCase, make_district

from .. import actions, metrics
from ..models import Scorecard, SurveyAnswer
from ..sources import FeedbackSource, ListSource
from .factories import make_level, make_provider, make_survey

TZ = ZoneInfo("Asia/Bishkek")  # the test city's (make_city)
JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)
NOW = datetime(2026, 2, 10, 12, tzinfo=TZ)  # February is the current month
HOURS = (0.5, 1, 2, 6, 12, 12, 24, 24, 30, 48, 60, 100)  # repeated values make ties


def from_every_event(report: Report) -> metrics.ReportRecord:
    """A report's record read from all of its status events and ratings."""
    events = list(report.events.filter(kind__in=(ReportEvent.Kind.STATUS,
                                                 ReportEvent.Kind.REOPENED)))
    rejections = [e.created_at for e in events if e.to_status == "rejected"]
    rating = report.ratings.order_by("created_at", "id").last()
    assert report.organisation_id is not None  # EveryEvent reads routed reports only
    return metrics.ReportRecord(
        report.pk, report.organisation_id, report.category.code, report.district_id,
        report.created_at, report.acknowledged_at,
        resolved_at=tuple(e.created_at for e in events if e.to_status == "resolved"),
        reopened_at=tuple(e.created_at for e in events
                          if e.from_status == "resolved" and e.to_status in OPEN_STATUSES),
        rejected_at=rejections[-1] if report.status == "rejected" else None,
        rating=rating.score if rating else None, fixed=rating.fixed if rating else None)


class EveryEvent(ListSource):
    """The same reports, each read from its complete history."""

    def __init__(self) -> None:
        reports = (Report.objects.filter(organisation__isnull=False, is_hidden=False)
                   .exclude(status="duplicate").select_related("category"))
        super().__init__([from_every_event(report) for report in reports])

    def category_targets(self):
        return FeedbackSource().category_targets()


class FeedbackMonthTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.rng = random.Random(20260101)
        self.districts = [self.district, make_district("leninsky"), make_district("oktyabr")]
        self.waste = Category.objects.create(
            code="waste-uncollected", name_ky="т", name_ru="м", name_en="Rubbish",
            target_hours_acknowledge=24, target_hours_resolve=72)
        self.light = Category.objects.create(
            code="streetlight", name_ky="ж", name_ru="ф", name_en="Light",
            target_hours_acknowledge=12, target_hours_resolve=48)
        self.unrouted = Category.objects.create(code="other", name_ky="б", name_ru="д",
                                                name_en="Other")
        tazalyk = make_provider("tazalyk", districts=self.districts[:2])
        svet = make_provider("svet", sector="lighting", categories=("streetlight",),
                             districts=self.districts)
        RoutingRule.objects.create(category=self.waste, organisation=tazalyk.organisation)
        RoutingRule.objects.create(category=self.light, organisation=svet.organisation)
        # Tazalyk: 12 h / 48 h, tightened mid-January to 6 h / 24 h.
        make_level(tazalyk, "waste-uncollected", 12, 48)
        make_level(tazalyk, "waste-uncollected", 6, 24,
                   valid_from=datetime(2026, 1, 15, 12, tzinfo=TZ))
        # Svet has no level of its own before 20 January (no level at all then); the
        # light category's default (12 h / 48 h) is not used for it.
        make_level(svet, "streetlight", 4, 36, valid_from=datetime(2026, 1, 20, tzinfo=TZ))
        survey = make_survey(self.districts[:1], sector="waste",
                             opens_at=datetime(2026, 1, 1, tzinfo=TZ),
                             closes_at=datetime(2026, 3, 1, tzinfo=TZ))
        for i, score in enumerate((5, 4, 4, 2, 5, 3)):  # six answers: below the minimum
            SurveyAnswer.objects.create(survey=survey, respondent_key=f"k{i}", score=score,
                                        district=self.district,
                                        answered_at=datetime(2026, 1, 5 + i, tzinfo=TZ))

    # --- building the reports ------------------------------------------------------------

    def report(self, at: datetime, category: Category | None = None) -> Report:
        category = category or self.rng.choice((self.waste, self.light))
        report = fb.report_create(category=category, lat=42.87, lon=74.6,
                                  description="Проблема", created_at=at)
        district = self.rng.choice([*self.districts, None])
        Report.objects.filter(pk=report.pk).update(district=district)
        return report

    def step(self, report: Report, status: str, at: datetime) -> None:
        fb.report_change_status(report=report, actor=None, status=status, at=at,
                                note="Не наше" if status == "rejected" else "")

    def rate(self, report: Report, fixed: bool, at: datetime) -> None:
        fb.report_rate(report=report, fixed=fixed, score=self.rng.randint(1, 5), at=at)

    def later(self, at: datetime) -> datetime:
        return at + timedelta(hours=self.rng.choice(HOURS))

    def random_history(self, report: Report, at: datetime) -> None:
        kind = self.rng.choice(("new", "ack", "resolved", "resolved", "direct", "rejected",
                                "reopened", "twice", "reopened-open", "rejected-reopened"))
        if kind == "new":
            return
        if kind == "direct":
            at = self.later(at)
            self.step(report, "resolved", at)
            if self.rng.random() < 0.5:
                self.rate(report, True, self.later(at))
            return
        at = self.later(at)
        self.step(report, "acknowledged", at)
        if kind == "ack":
            return
        if kind.startswith("rejected"):
            at = self.later(at)
            self.step(report, "rejected", at)
            if kind == "rejected-reopened":
                at = self.later(at)
                self.step(report, "in_progress", at)
                self.step(report, "resolved", self.later(at))
            return
        at = self.later(at)
        self.step(report, "resolved", at)
        reopenings = {"resolved": 0, "reopened": 1, "reopened-open": 1, "twice": 2}[kind]
        for i in range(reopenings):
            at = self.later(at)
            if self.rng.random() < 0.5:
                self.rate(report, False, at)  # "not fixed" reopens it
            else:
                self.step(report, "in_progress", at)
            if kind == "reopened-open" and i == reopenings - 1:
                return
            at = self.later(at)
            self.step(report, "resolved", at)
        if self.rng.random() < 0.6:
            self.rate(report, self.rng.random() < 0.7, self.later(at))

    def build(self) -> None:
        jan_start, feb_start = metrics.month_start(JAN, TZ), metrics.month_start(FEB, TZ)
        for _i in range(70):
            at = jan_start + timedelta(minutes=self.rng.randrange(31 * 24 * 60))
            self.random_history(self.report(at), at)
        for _i in range(30):  # February: some received after NOW, not counted yet
            at = feb_start + timedelta(minutes=self.rng.randrange(12 * 24 * 60))
            self.random_history(self.report(at), at)
        waste = self.waste
        # Exactly at the deadlines of the level in force (12 h / 48 h before the change).
        t = datetime(2026, 1, 8, 9, tzinfo=TZ)
        on_time = self.report(t, waste)
        self.step(on_time, "acknowledged", t + timedelta(hours=12))
        self.step(on_time, "resolved", t + timedelta(hours=48))
        late = self.report(t, waste)
        self.step(late, "acknowledged", t + timedelta(hours=12, microseconds=1))
        self.step(late, "resolved", t + timedelta(hours=48, microseconds=1))
        # The last second of January in Bishkek (January), the first of February (not).
        for at in (feb_start - timedelta(seconds=1), feb_start):
            self.random_history(self.report(at, waste), at)
        # Resolved after the computation runs: still open for it.
        future = self.report(datetime(2026, 1, 31, 20, tzinfo=TZ), waste)
        self.step(future, "resolved", NOW + timedelta(days=3))
        # Duplicates, hidden and unrouted reports count nowhere.
        original = self.report(t, waste)
        duplicate = self.report(t + timedelta(hours=1), waste)
        fb.report_change_status(report=duplicate, actor=None, status="duplicate",
                                duplicate_of=original, at=t + timedelta(hours=2))
        hidden = self.report(t, waste)
        Report.objects.filter(pk=hidden.pk).update(is_hidden=True)
        self.report(t, self.unrouted)

    # --- the comparison --------------------------------------------------------------------

    def stored(self, month: date, source) -> dict:
        actions.scorecards_compute(month=month, now=NOW, source=source)
        return {card.scope_key: (card.reports_received, card.score, card.figures)
                for card in Scorecard.objects.filter(month=month)}

    def test_it_gives_the_figures_of_every_event_for_every_scope(self) -> None:
        self.build()
        for month in (JAN, FEB):
            with self.subTest(month=month):
                from_rows = self.stored(month, FeedbackSource())
                from_events = self.stored(month, EveryEvent())
                self.assertEqual(set(from_rows), set(from_events))
                for key, expected in from_events.items():
                    self.assertEqual(from_rows[key], expected, key)
        january = self.stored(JAN, FeedbackSource())
        # The data reach every branch compared above (not a comparison of empty cards).
        cards = [figures for _n, _s, figures in january.values()]
        for key in ("reopen_rate", "rejected_share", "disputed_share", "confirmed_fixed_share",
                    "overdue", "backlog"):
            self.assertTrue(any(card[key]["value"] for card in cards), key)
        self.assertTrue(any(card["acknowledge_hours_median"]["sample"] > 10 for card in cards))
        self.assertTrue(any(card["survey_score"]["sample"] == 6
                            and card["survey_score"]["value"] is None for card in cards))

    def test_it_counts_a_resolution_exactly_at_the_deadline_as_in_time(self) -> None:
        t = datetime(2026, 1, 8, 9, tzinfo=TZ)
        for offset in (timedelta(0), timedelta(microseconds=1)):
            report = self.report(t, self.waste)
            self.step(report, "resolved", t + timedelta(hours=48) + offset)
        actions.scorecards_compute(month=JAN, now=NOW, source=FeedbackSource())
        tazalyk = Scorecard.objects.get(month=JAN, organisation__code="tazalyk",
                                        category_code="", district=None)
        self.assertEqual(tazalyk.figures["resolved_within_sla"], {"value": 0.5, "sample": 2})
        self.assertEqual(tazalyk.figures["resolve_hours_median"], {"value": 48.0, "sample": 2})

    def test_a_city_in_another_time_zone_counts_months_by_its_own_clock(self) -> None:
        # 31 January 18:30 UTC is already 1 February in Bishkek (UTC+6) but still
        # 31 January in Almaty (UTC+5): the city's own time zone decides the month.
        self.city.time_zone = "Asia/Almaty"
        self.city.save()
        at = datetime(2026, 1, 31, 18, 30, tzinfo=UTC)
        self.report(at, self.waste)
        SurveyAnswer.objects.all().delete()
        key = Scorecard.key_for(Organisation.objects.get(code="tazalyk").id, "", None)
        january, february = self.stored(JAN, FeedbackSource()), self.stored(FEB, FeedbackSource())
        self.assertEqual(january[key][0], 1)
        self.assertNotIn(key, february)
