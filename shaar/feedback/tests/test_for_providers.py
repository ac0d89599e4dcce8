"""What the feedback app publishes for the providers' scorecards (selectors and the
report_event_recorded signal): the providers app reads feedback through these only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shaar.testing import BaseTestCase, make_organisation

from .. import actions, selectors
from ..models import Report
from ..selectors import HandledReport
from ..signals import report_event_recorded
from .factories import make_category, make_report, make_rule

T0 = datetime(2026, 1, 10, 9, tzinfo=UTC)


def hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


class HandledReportsTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.org = make_organisation("tazalyk")
        self.category = make_category("waste", ack=12, resolve=48)
        make_rule(self.category, organisation=self.org)

    def report(self, at: datetime = T0) -> Report:
        return make_report(self.category, self.district, created_at=at)

    def step(self, report: Report, status: str, at: datetime, **kwargs) -> None:
        actions.report_change_status(report=report, actor=None, status=status, at=at,
                                     **kwargs)

    def handled(self, **kwargs) -> dict[int, HandledReport]:
        return {h[0]: h for h in selectors.handled_reports(
            start=T0 - timedelta(days=1), end=T0 + timedelta(days=30), **kwargs)}

    def test_it_gives_each_report_its_history(self) -> None:
        reopened = self.report()
        self.step(reopened, "acknowledged", hours(2))
        self.step(reopened, "resolved", hours(20))
        actions.report_rate(report=reopened, fixed=False, score=2, at=hours(30))  # reopens
        self.step(reopened, "resolved", hours(60))
        actions.report_rate(report=reopened, fixed=True, score=4, at=hours(70))
        linear = self.report()
        self.step(linear, "resolved", hours(5))
        rejected = self.report()
        self.step(rejected, "rejected", hours(3), note="Not ours")
        new = self.report()
        org, district = self.org.id, self.district.id
        self.assertEqual(self.handled(), {
            reopened.pk: (reopened.pk, org, "waste", district, T0, hours(2),
                          (hours(20), hours(60)), (hours(30),), None, 4, True),
            linear.pk: (linear.pk, org, "waste", district, T0, hours(5), (hours(5),), (),
                        None, None, None),
            rejected.pk: (rejected.pk, org, "waste", district, T0, hours(3), (), (), hours(3),
                          None, None),
            new.pk: (new.pk, org, "waste", district, T0, None, (), (), None, None, None)})

    def test_it_leaves_out_hidden_duplicate_unrouted_and_other_months(self) -> None:
        kept = self.report()
        hidden = self.report()
        Report.objects.filter(pk=hidden.pk).update(is_hidden=True)
        duplicate = self.report()
        self.step(duplicate, "duplicate", hours(1), duplicate_of=kept)
        make_report(make_category("other"), self.district, created_at=T0)  # no route
        self.report(T0 + timedelta(days=40))
        self.assertEqual(list(self.handled()), [kept.pk])

    def test_it_filters_by_organisation_and_report(self) -> None:
        a, b = self.report(), self.report()
        self.assertEqual(list(self.handled(report_ids=[b.pk])), [b.pk])
        self.assertEqual(set(self.handled(organisation_ids=[self.org.id])), {a.pk, b.pk})
        self.assertEqual(list(self.handled(organisation_ids=[self.org.id + 1])), [])

    def test_open_reports_and_categories(self) -> None:
        open_report = self.report()
        self.step(self.report(), "resolved", hours(1))
        rows = selectors.organisation_open_reports(organisation_id=self.org.id, limit=10)
        self.assertEqual([row[:2] for row in rows], [(open_report.pk, "waste")])
        self.assertEqual(selectors.category_targets()["waste"], (12.0, 48.0))
        self.assertEqual(selectors.category_names()["waste"], ("waste ky", "waste ru",
                                                               "waste en"))


class ReportEventRecordedTest(BaseTestCase):
    def test_it_is_sent_for_each_event_with_its_kind(self) -> None:
        category = make_category()
        make_rule(category, organisation=make_organisation())
        sent: list[tuple[int, str]] = []

        def receive(sender, report_id: int, kind: str, **kwargs) -> None:
            sent.append((report_id, kind))

        report_event_recorded.connect(receive)
        self.addCleanup(report_event_recorded.disconnect, receive)
        report = make_report(category, self.district)
        actions.report_change_status(report=report, actor=None, status="resolved")
        actions.report_rate(report=report, fixed=True, score=5)
        self.assertEqual(sent, [(report.pk, "created"), (report.pk, "status"),
                                (report.pk, "rated")])
