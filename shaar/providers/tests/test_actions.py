from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from shaar.accounts.models import Role
from shaar.testing import BaseTestCase, make_district, make_resident, make_staff

from .. import actions, sources
from ..metrics import ReportRecord
from ..models import Scorecard, ScorecardResponse, ScorecardRun, ServiceLevel, SurveyAnswer
from .factories import make_level, make_provider, make_survey

TZ = ZoneInfo("Asia/Bishkek")  # the test city's (make_city)
JAN = date(2026, 1, 1)
NOW = datetime(2026, 2, 10, tzinfo=TZ)


def rec(rid: int, org: int, received: datetime, district: int | None = None, **kw):
    return ReportRecord(report_id=rid, organisation_id=org, category="waste-uncollected",
                        district_id=district, received_at=received, **kw)


class ScorecardComputeTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.provider = make_provider("tazalyk", districts=[self.district])
        self.org = self.provider.organisation
        make_level(self.provider, "waste-uncollected", 12, 48)
        # The level tightens on 15 January: reports from then on are judged by 6 h / 24 h.
        make_level(self.provider, "waste-uncollected", 6, 24,
                   valid_from=datetime(2026, 1, 15, tzinfo=TZ))
        t = datetime(2026, 1, 10, 8, tzinfo=TZ)
        u = datetime(2026, 1, 20, 8, tzinfo=TZ)
        self.source = sources.ListSource([
            rec(1, self.org.id, t, self.district.id, acknowledged_at=t + timedelta(hours=10),
                resolved_at=(t + timedelta(hours=40),), rating=4, fixed=True),
            rec(2, self.org.id, u, self.district.id, acknowledged_at=u + timedelta(hours=10),
                resolved_at=(u + timedelta(hours=40),)),
        ])

    def test_it_stores_figures_judged_by_the_level_in_force(self) -> None:
        total = actions.scorecards_compute(month=JAN, now=NOW, source=self.source)
        self.assertEqual(total, 2)
        card = Scorecard.objects.get(month=JAN, organisation=self.org, category_code="",
                                     district=None)
        # Report 1 (old level): 10 h ≤ 12, 40 h ≤ 48. Report 2 (new level): 10 h > 6, 40 > 24.
        self.assertEqual(card.figures["acknowledged_within_sla"], {"value": 0.5, "sample": 2})
        self.assertEqual(card.figures["resolved_within_sla"], {"value": 0.5, "sample": 2})
        self.assertEqual(card.figures["rating_mean"], {"value": 4.0, "sample": 1})
        self.assertEqual(card.reports_received, 2)
        self.assertTrue(Scorecard.objects.filter(month=JAN, organisation=None,
                                                 district=self.district).exists())
        self.assertEqual(ScorecardRun.objects.get(month=JAN).reports, 2)

    def test_it_replaces_the_month_when_run_twice(self) -> None:
        actions.scorecards_compute(month=JAN, now=NOW, source=self.source)
        first = Scorecard.objects.filter(month=JAN).count()
        actions.scorecards_compute(month=JAN, now=NOW, source=self.source)
        self.assertEqual(Scorecard.objects.filter(month=JAN).count(), first)

    def test_it_feeds_survey_scores_into_the_scorecard(self) -> None:
        survey = make_survey([self.district], sector="waste")
        at = datetime(2026, 1, 25, tzinfo=TZ)
        SurveyAnswer.objects.bulk_create([
            SurveyAnswer(survey=survey, respondent_key=f"k{i}", district=self.district,
                         score=5 if i < 5 else 3, answered_at=at) for i in range(10)])
        actions.scorecards_compute(month=JAN, now=NOW, source=self.source)
        card = Scorecard.objects.get(month=JAN, organisation=self.org, category_code="",
                                     district=None)
        # Mean 4.0 on 1-5 → (4 - 1) / 4 × 100 = 75.
        self.assertEqual(card.figures["survey_score"], {"value": 75.0, "sample": 10})

    def test_it_hides_survey_scores_with_fewer_than_ten_answers(self) -> None:
        survey = make_survey([self.district], sector="waste")
        at = datetime(2026, 1, 25, tzinfo=TZ)
        SurveyAnswer.objects.bulk_create([
            SurveyAnswer(survey=survey, respondent_key=f"k{i}", district=self.district,
                         score=5, answered_at=at) for i in range(9)])
        actions.scorecards_compute(month=JAN, now=NOW, source=self.source)
        card = Scorecard.objects.get(month=JAN, organisation=self.org, category_code="",
                                     district=None)
        self.assertEqual(card.figures["survey_score"], {"value": None, "sample": 9})

    def test_it_uses_the_category_default_where_no_provider_level_exists(self) -> None:
        class WithTargets(sources.ListSource):
            def category_targets(self):
                return {"lights": (1.0, 2.0)}

        other = ReportRecord(report_id=9, organisation_id=self.org.id, category="lights",
                             district_id=None, received_at=datetime(2026, 1, 3, tzinfo=TZ),
                             acknowledged_at=datetime(2026, 1, 3, 3, tzinfo=TZ))
        actions.scorecards_compute(month=JAN, now=NOW, source=WithTargets([other]))
        card = Scorecard.objects.get(month=JAN, organisation=self.org, category_code="lights")
        self.assertEqual(card.figures["acknowledged_within_sla"], {"value": 0.0, "sample": 1})


class ServiceLevelTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.provider = make_provider(categories=("waste-uncollected",))

    def test_it_records_a_new_level_and_keeps_history(self) -> None:
        make_level(self.provider, "waste-uncollected", 12, 48)
        level = actions.service_level_set(provider=self.provider,
                                          category_code="waste-uncollected",
                                          acknowledge_hours="6", resolve_hours="24",
                                          actor=self.admin)
        self.assertEqual(ServiceLevel.objects.filter(provider=self.provider).count(), 2)
        self.assertEqual(actions.current_levels(self.provider)["waste-uncollected"], level)

    def test_it_refuses_backdating_bad_hours_and_unknown_categories(self) -> None:
        cases: list[dict[str, Any]] = [
            {"valid_from": timezone.now() - timedelta(days=3)},
            {"acknowledge_hours": "abc"},
            {"acknowledge_hours": "48", "resolve_hours": "12"},
            {"category_code": "potholes"},
            {"acknowledge_hours": "0"},
        ]
        for extra in cases:
            kwargs = {"provider": self.provider, "category_code": "waste-uncollected",
                      "acknowledge_hours": "6", "resolve_hours": "24", "actor": self.admin,
                      **extra}
            with self.subTest(extra=extra), self.assertRaises(ValidationError):
                actions.service_level_set(**kwargs)
        self.assertFalse(ServiceLevel.objects.exists())


class DebounceTest(BaseTestCase):
    @override_settings(PROVIDERS_RECOMPUTE_DEBOUNCE_SECONDS=300)
    def test_it_enqueues_one_recompute_for_many_changes(self) -> None:
        with mock.patch("shaar.providers.tasks.compute_scorecards.apply_async") as enqueue, \
                self.captureOnCommitCallbacks(execute=True):
            results = [actions.scorecards_schedule_recompute() for _ in range(25)]
        self.assertEqual(results.count(True), 1)
        enqueue.assert_called_once()
        self.assertEqual(enqueue.call_args.kwargs["countdown"], 300)

    def test_it_runs_the_nightly_job_for_this_and_last_month(self) -> None:
        sources.set_source_for_tests(sources.ListSource())
        try:
            months = actions.scorecards_nightly(now=datetime(2026, 3, 2, tzinfo=UTC))
        finally:
            sources.set_source_for_tests(None)
        self.assertEqual(months, [date(2026, 2, 1), date(2026, 3, 1)])
        self.assertEqual(set(ScorecardRun.objects.values_list("month", flat=True)),
                         {date(2026, 2, 1), date(2026, 3, 1)})


class ResponseAndSubscriptionTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.provider = make_provider()
        self.org = self.provider.organisation
        self.staff = make_staff(Role.PROVIDER_STAFF, organisation=self.org)
        Scorecard.objects.create(month=JAN, organisation=self.org, scope_key="x",
                                 reports_received=30, computed_at=NOW,
                                 figures={"reports_received": {"value": 30, "sample": 30}})

    def test_it_publishes_and_replaces_a_response(self) -> None:
        actions.scorecard_response_publish(organisation=self.org, month=JAN, text="We hired",
                                           actor=self.staff)
        actions.scorecard_response_publish(organisation=self.org, month=JAN, text="Updated",
                                           actor=self.staff)
        self.assertEqual(ScorecardResponse.objects.get().text, "Updated")
        with self.assertRaises(ValidationError):
            actions.scorecard_response_publish(organisation=self.org, month=date(2025, 1, 1),
                                               text="x", actor=self.staff)
        with self.assertRaises(ValidationError):
            actions.scorecard_response_publish(organisation=self.org, month=JAN, text="  ",
                                               actor=self.staff)

    def test_it_mails_subscribers_once(self) -> None:
        actions.subscription_set(user=self.resident, organisation=self.org, subscribed=True)
        self.assertEqual(actions.subscriptions_send(month=JAN), 1)
        self.assertEqual(actions.subscriptions_send(month=JAN), 0)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("30", mail.outbox[0].body)


class SurveyAnswerTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.survey = make_survey([self.district])

    def test_it_accepts_one_answer_per_verified_resident(self) -> None:
        actions.survey_answer(survey=self.survey, user=self.resident, score=4)
        with self.assertRaises(ValidationError):
            actions.survey_answer(survey=self.survey, user=self.resident, score=2)
        answer = SurveyAnswer.objects.get()
        self.assertEqual((answer.score, answer.district), (4, self.district))
        # Nothing in the stored answer names the person.
        self.assertRegex(answer.respondent_key, r"^[0-9a-f]{64}$")
        self.assertFalse(any(f.is_relation and f.related_model is not None
                             and f.related_model.__name__ == "User"
                             for f in SurveyAnswer._meta.get_fields()))

    def test_it_refuses_unverified_other_district_closed_and_bad_scores(self) -> None:
        other = make_resident(district=make_district())
        closed = make_survey([self.district], opens_at=timezone.now() - timedelta(days=9),
                             closes_at=timezone.now() - timedelta(days=1))
        cases = [(self.survey, self.outsider, 3), (self.survey, other, 3),
                 (closed, self.resident, 3), (self.survey, self.resident, 9),
                 (self.survey, self.resident, "x")]
        for survey, user, score in cases:
            with self.subTest(user=user, score=score), self.assertRaises(ValidationError):
                actions.survey_answer(survey=survey, user=user, score=score)
        self.assertFalse(SurveyAnswer.objects.exists())


class CommandTest(BaseTestCase):
    def test_it_computes_months_from_the_command_line(self) -> None:
        from io import StringIO

        from django.core.management import CommandError, call_command

        sources.set_source_for_tests(sources.ListSource())
        self.addCleanup(sources.set_source_for_tests, None)
        out = StringIO()
        call_command("compute_scorecards", "2026-01", stdout=out)
        self.assertIn("2026-01: 0 reports", out.getvalue())
        self.assertTrue(ScorecardRun.objects.filter(month=JAN).exists())
        with self.assertRaises(CommandError):
            call_command("compute_scorecards", "January")
