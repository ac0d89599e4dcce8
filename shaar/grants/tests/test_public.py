from __future__ import annotations

import csv
import io

from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shaar.grants import actions
from shaar.grants.models import Application, Award, Call, Clarification, CommitteeMember, Report
from shaar.grants.tasks import close_due_calls

from .factories import (
    GrantsTestCase,
    make_application,
    make_call,
    make_profile,
    png_upload,
    score,
    seat,
)


class PublicResultsTests(GrantsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.call = make_call(open_now=False, envelope=500_000)
        self.chair = self.moderator
        seat(self.call, self.chair, CommitteeMember.Role.CHAIR)
        profile = make_profile(self.resident, name="=Жашыл короо")
        self.won = make_application(self.call, profile, self.resident, requested=200_000,
                                    status=Application.Status.SUBMITTED, title="Green yard")
        other = make_profile(self.outsider, name="Neighbours")
        self.lost = make_application(self.call, other, self.outsider, requested=150_000,
                                     status=Application.Status.SUBMITTED, title="Bench row")
        score(self.won, self.chair, [9, 9, 9])
        score(self.lost, self.chair, [2, 2, 2])

    def publish(self) -> None:
        actions.decision_record(application=self.won, user=self.chair, awarded=True,
                                amount=200_000)
        actions.decision_record(application=self.lost, user=self.chair, awarded=False,
                                reason="Site belongs to a private owner")
        actions.call_publish_decisions(call=self.call, user=self.chair)

    def test_it_hides_the_list_until_decisions_are_published(self) -> None:
        response = self.client.get(reverse("grants:call-detail", args=[self.call.code]))
        self.assertNotContains(response, "Green yard")
        self.assertEqual(self.client.get(reverse("grants:results-json",
                                                 args=[self.call.code])).json()["applications"],
                         [])

    def test_it_lists_every_application_after_decisions(self) -> None:
        self.publish()
        response = self.client.get(reverse("grants:call-detail", args=[self.call.code]))
        self.assertContains(response, "Green yard")
        self.assertContains(response, "Bench row")
        self.assertContains(response, "9.00")
        data = self.client.get(reverse("grants:results-json", args=[self.call.code])).json()
        self.assertEqual([(a["title"], a["awarded"], a["awarded_kgs"], a["score"])
                          for a in data["applications"]],
                         [("Green yard", True, 200_000, "9.00"),
                          ("Bench row", False, 0, "2.00")])

    def test_it_downloads_csv_with_formulas_neutralised(self) -> None:
        self.publish()
        response = self.client.get(reverse("grants:results-csv", args=[self.call.code]))
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0]["organisation"], "'=Жашыл короо")
        self.assertEqual(rows[0]["requested_kgs"], "200000")
        self.assertEqual(rows[1]["awarded"], "False")

    def test_it_serves_the_api(self) -> None:
        self.publish()
        award = Award.objects.get()
        submitted_at = award.application.submitted_at
        assert submitted_at is not None
        actions.tranche_plan(award=award, user=self.admin, planned_on=submitted_at.date(),
                             planned_amount=120_000)
        calls = self.client.get("/api/v1/grants/calls").json()
        self.assertEqual(calls[0]["code"], self.call.code)
        self.assertEqual(calls[0]["awarded_kgs"], 200_000)
        self.assertEqual(calls[0]["applications_submitted"], 2)
        self.assertEqual(len(calls[0]["criteria"]), 3)
        awards = self.client.get("/api/v1/grants/awards").json()
        self.assertEqual(awards[0]["amount_kgs"], 200_000)
        self.assertEqual(awards[0]["tranches"][0]["planned_kgs"], 120_000)
        self.assertNotIn("email", str(awards))

    def test_it_shows_only_accepted_reports_with_photos(self) -> None:
        self.publish()
        award = Award.objects.get()
        line = self.won.budget_lines.get()
        report = actions.report_submit(award=award, user=self.resident, kind="interim",
                                       narrative="HIDDEN-UNTIL-ACCEPTED",
                                       spending={line.id: 1000}, photos=[png_upload()])
        url = reverse("grants:award-detail", args=[award.id])
        self.assertNotContains(self.client.get(url), "HIDDEN-UNTIL-ACCEPTED")
        actions.report_review(report=report, user=self.admin, accept=True)
        response = self.client.get(url)
        self.assertContains(response, "HIDDEN-UNTIL-ACCEPTED")
        self.assertContains(response, '<img src="/media/grants/reports/', count=1)
        self.assertEqual(Report.objects.get().status, "accepted")

    def test_it_lists_results_in_a_bounded_number_of_queries(self) -> None:
        self.publish()
        urls = [reverse("grants:call-detail", args=[self.call.code]),
                reverse("grants:results-json", args=[self.call.code]),
                reverse("grants:results-csv", args=[self.call.code])]
        for url in urls:  # warm the city cache
            self.client.get(url)
        before = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                self.client.get(url)
            before.append(len(queries))
        for i in range(4):
            profile = make_profile(self.resident, name=f"More {i}")
            application = make_application(self.call, profile, self.resident,
                                           status=Application.Status.AWARDED)
            score(application, self.chair, [5, 5, 5])
            Award.objects.create(application=application, amount=1000)
        after = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                self.client.get(url)
            after.append(len(queries))
        self.assertEqual(before, after)

    def test_it_lists_awards_in_a_bounded_number_of_queries(self) -> None:
        self.publish()
        self.client.get("/api/v1/grants/awards")
        with CaptureQueriesContext(connection) as first:
            self.client.get("/api/v1/grants/awards")
        for i in range(3):
            applicant = self.resident
            profile = make_profile(applicant, name=f"Extra {i}")
            application = make_application(self.call, profile, applicant,
                                           status=Application.Status.AWARDED)
            Award.objects.create(application=application, amount=1000)
        with CaptureQueriesContext(connection) as second:
            self.client.get("/api/v1/grants/awards")
        self.assertEqual(len(first), len(second))


class CallPageTests(GrantsTestCase):
    def test_it_lists_open_calls_and_shows_a_home_card(self) -> None:
        call = make_call(code="courtyards")
        self.assertContains(self.client.get(reverse("grants:index")), call.title)
        self.assertContains(self.client.get(reverse("web:home")), call.title)

    def test_it_publishes_answers_to_questions(self) -> None:
        call = make_call()
        self.client.force_login(self.resident)
        url = reverse("grants:call-detail", args=[call.code])
        self.assertEqual(self.client.post(url, {"question": "Can a school apply?"})
                         .status_code, 302)
        clarification = Clarification.objects.get()
        self.assertNotContains(self.client.get(url), "Can a school apply?")
        self.assertEqual(self.client.post(url, {"clarification": clarification.id,
                                                "answer": "No"}).status_code, 403)
        self.client.force_login(self.admin)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, {"clarification": clarification.id,
                                   "answer": "Only through a parents' group."})
        self.client.logout()
        self.assertContains(self.client.get(url), "Only through a parents")
        self.assertEqual(mail.outbox[0].to, [self.resident.email])

    def test_it_hides_draft_calls(self) -> None:
        call = make_call(status=Call.Status.DRAFT)
        self.assertEqual(self.client.get(reverse("grants:call-detail", args=[call.code]))
                         .status_code, 404)
        with self.assertRaises(ValidationError):
            actions.application_create(call=call, profile=make_profile(self.resident),
                                       user=self.resident)

    def test_it_notifies_the_committee_once_when_a_call_closes(self) -> None:
        call = make_call(open_now=False)
        seat(call, self.moderator)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(close_due_calls(), 1)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(close_due_calls(), 0)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.moderator.email])


class QuestionRateLimitTests(GrantsTestCase):
    def test_it_limits_how_many_questions_one_person_sends(self) -> None:
        call = make_call()
        self.client.force_login(self.resident)
        url = reverse("grants:call-detail", args=[call.code])
        statuses = [self.client.post(url, {"question": f"Question {i}?"}).status_code
                    for i in range(21)]
        self.assertEqual(statuses[:20], [302] * 20)
        self.assertEqual(statuses[20], 429)
        self.assertEqual(Clarification.objects.count(), 20)
