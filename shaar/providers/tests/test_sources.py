"""The adapter from feedback reports and their status history to scorecard records."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from shaar.feedback import actions as fb
from shaar.feedback.models import Category, RoutingRule
from shaar.testing import BaseTestCase

from .. import actions
from ..models import Scorecard
from ..sources import FeedbackSource
from .factories import make_level, make_provider

TZ = ZoneInfo("Asia/Bishkek")  # the test city's (make_city)
JAN = date(2026, 1, 1)


class FeedbackSourceTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.provider = make_provider("tazalyk", districts=[self.district])
        self.org = self.provider.organisation
        self.category = Category.objects.create(
            code="waste-uncollected", name_ky="т", name_ru="м", name_en="Rubbish",
            target_hours_acknowledge=24, target_hours_resolve=240)
        RoutingRule.objects.create(category=self.category, organisation=self.org)
        make_level(self.provider, "waste-uncollected", 12, 48)

    def report(self, at: datetime):
        return fb.report_create(category=self.category, lat=42.87, lon=74.6,
                                description="Мусор не вывезен", created_at=at,
                                reporter=self.resident)

    def test_it_turns_reports_and_their_history_into_records(self) -> None:
        t0 = datetime(2026, 1, 10, 9, tzinfo=TZ)
        a = self.report(t0)
        fb.report_change_status(report=a, actor=None, status="acknowledged",
                                at=t0 + timedelta(hours=2))
        fb.report_change_status(report=a, actor=None, status="resolved",
                                at=t0 + timedelta(hours=20))
        fb.report_rate(report=a, fixed=False, score=2, at=t0 + timedelta(hours=30))  # reopens
        fb.report_change_status(report=a, actor=None, status="resolved",
                                at=t0 + timedelta(hours=60))
        b = self.report(t0 + timedelta(days=1))
        fb.report_change_status(report=b, actor=None, status="rejected", note="Not ours",
                                at=t0 + timedelta(days=1, hours=5))
        self.report(datetime(2026, 2, 1, tzinfo=TZ))  # February: not January
        records = {r.report_id: r for r in FeedbackSource().records(
            start=datetime(2026, 1, 1, tzinfo=TZ), end=datetime(2026, 2, 1, tzinfo=TZ))}
        self.assertEqual(set(records), {a.pk, b.pk})
        ra = records[a.pk]
        self.assertEqual(ra.organisation_id, self.org.id)
        self.assertEqual(ra.acknowledged_at, t0 + timedelta(hours=2))
        self.assertEqual(ra.resolved_at, (t0 + timedelta(hours=20), t0 + timedelta(hours=60)))
        self.assertEqual(ra.reopened_at, (t0 + timedelta(hours=30),))
        self.assertEqual((ra.rating, ra.fixed), (2, False))
        self.assertEqual(records[b.pk].rejected_at, t0 + timedelta(days=1, hours=5))

        actions.scorecards_compute(month=JAN, now=datetime(2026, 3, 1, tzinfo=TZ),
                                   source=FeedbackSource())
        card = Scorecard.objects.get(month=JAN, organisation=self.org, category_code="",
                                     district=None)
        # a: final resolution after 60 h > 48 h (late), reopened, disputed. b: rejected.
        self.assertEqual(card.figures["reports_received"], {"value": 2, "sample": 2})
        self.assertEqual(card.figures["resolved_within_sla"], {"value": 0.0, "sample": 1})
        self.assertEqual(card.figures["reopen_rate"], {"value": 1.0, "sample": 1})
        self.assertEqual(card.figures["disputed_share"], {"value": 1.0, "sample": 1})
        self.assertEqual(card.figures["rejected_share"], {"value": 0.5, "sample": 2})
        self.assertEqual(card.figures["acknowledged_within_sla"], {"value": 1.0, "sample": 2})
        # First responses after 2 h (a) and 5 h (b): median 3.5, p90 2 + 0.9 × 3 = 4.7.
        self.assertEqual(card.figures["acknowledge_hours_median"], {"value": 3.5, "sample": 2})
        self.assertEqual(card.figures["acknowledge_hours_p90"], {"value": 4.7, "sample": 2})
        self.assertEqual(card.figures["resolve_hours_median"], {"value": 60.0, "sample": 1})
        self.assertEqual(card.figures["backlog"], {"value": 0, "sample": 2})
        self.assertEqual(card.figures["rating_mean"], {"value": 2.0, "sample": 1})

    def test_it_lists_open_reports_for_the_map(self) -> None:
        r = self.report(datetime(2026, 1, 10, tzinfo=TZ))
        rows = FeedbackSource().open_reports(organisation_id=self.org.id)
        self.assertEqual([o.report_id for o in rows], [r.pk])
        self.assertTrue(rows[0].url)


class RecomputeHookTest(BaseTestCase):
    def test_it_schedules_one_recompute_for_many_feedback_changes(self) -> None:
        from unittest import mock

        provider = make_provider("svet", categories=("streetlight",))
        category = Category.objects.create(code="streetlight", name_ky="ж", name_ru="ф",
                                           name_en="Light")
        RoutingRule.objects.create(category=category, organisation=provider.organisation)
        with mock.patch("shaar.providers.tasks.compute_scorecards.apply_async") as enqueue, \
                self.captureOnCommitCallbacks(execute=True):
            for _i in range(3):
                report = fb.report_create(category=category, lat=42.87, lon=74.6,
                                          description="Фонарь не горит")
                fb.report_change_status(report=report, actor=None, status="acknowledged")
        enqueue.assert_called_once()
