"""The staff report page: one form, the usual next status preselected, a public note to
resolve, one confirmation that says what happened, re-routing only to bodies that work."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.forms import ChoiceField, ModelChoiceField

from shaar.accounts.models import Role
from shaar.city.models import Organisation
from shaar.testing import BaseTestCase, make_organisation, make_staff

from ..actions import report_change_status, report_reroute
from ..forms import RerouteForm, UpdateForm
from ..models import Category, Question, Report, ReportEvent, Status
from .factories import make_category, make_question, make_report, make_rule


class StaffReportPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.category = make_category("lights")
        self.org = make_organisation("svet")
        make_rule(self.category, organisation=self.org)
        self.worker = make_staff(Role.PROVIDER_STAFF, "worker", organisation=self.org)
        self.report = make_report(self.category, self.district)
        self.url = f"/en/feedback/staff/{self.report.pk}/"
        self.client.force_login(self.worker)

    def update(self, **data):
        return self.client.post(self.url + "update/", data, follow=True)

    def test_it_preselects_the_next_status_and_offers_only_possible_changes(self):
        form = UpdateForm(report=self.report)
        self.assertEqual(form.initial["status"], Status.ACKNOWLEDGED)
        report_change_status(report=self.report, actor=self.worker, status=Status.IN_PROGRESS)
        self.report.refresh_from_db()
        form = UpdateForm(report=self.report)
        self.assertEqual(form.initial["status"], Status.RESOLVED)
        # The field keeps its choices as a list of pairs.
        choices = cast("list[tuple[str, str]]", cast(ChoiceField, form.fields["status"]).choices)
        offered = [value for value, _label in choices]
        self.assertEqual(offered, ["", Status.RESOLVED, Status.REJECTED, Status.DUPLICATE])
        page = self.client.get(self.url).content.decode()
        self.assertIn('<option value="resolved" selected>', page)
        # The update and the assignment (re-routing is city triage's, not a provider's).
        self.assertEqual(page.count('action="/en/feedback/staff/'), 2)

    def test_it_refuses_to_resolve_without_a_public_note(self):
        response = self.update(status=Status.RESOLVED)
        self.assertContains(response, "a public note is needed to resolve")
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, Status.NEW)
        self.assertFalse(self.report.events.filter(kind=ReportEvent.Kind.STATUS).exists())

    def test_it_does_everything_in_one_post_and_says_what_was_done(self):
        response = self.update(status=Status.RESOLVED, public_note="The lamp is replaced.",
                               internal_note="Crew 4, 2 hours.")
        self.assertContains(response, "The status is now “resolved”. The internal note is saved.")
        self.assertNotContains(response, "Saved.")
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, Status.RESOLVED)
        self.assertEqual(self.report.status_note, "The lamp is replaced.")
        note = self.report.events.get(kind=ReportEvent.Kind.NOTE)
        self.assertFalse(note.is_public)

    def test_it_publishes_a_reply_without_changing_the_status(self):
        response = self.update(status="", public_note="We have seen it.")
        self.assertContains(response, "The public reply is published.")
        self.assertEqual(Report.objects.get(pk=self.report.pk).status, Status.NEW)
        self.assertTrue(self.report.events.filter(kind=ReportEvent.Kind.REPLY,
                                                  is_public=True).exists())

    def test_it_asks_for_something_to_do(self):
        response = self.update(status="", public_note=" ")
        self.assertContains(response, "Choose a new status or write a note first.")

    def test_it_reroutes_only_to_bodies_that_handle_reports(self):
        ngo = make_organisation("friends-of-parks", kind=Organisation.Kind.NGO)
        contractor = make_organisation("roadworks", kind=Organisation.Kind.CONTRACTOR)
        queryset = cast("ModelChoiceField[Any]", RerouteForm().fields["organisation"]).queryset
        assert queryset is not None
        offered = set(queryset)
        self.assertIn(contractor, offered)
        self.assertIn(self.org, offered)
        self.assertNotIn(ngo, offered)
        with self.assertRaises(ValidationError):
            report_reroute(report=self.report, actor=self.admin, organisation=ngo)
        report_reroute(report=self.report, actor=self.admin, organisation=contractor)
        self.assertEqual(Report.objects.get(pk=self.report.pk).organisation, contractor)

    def test_it_shows_answers_as_questions_and_names_not_codes(self):
        question = make_question(self.category, "size", "singlevaluelist")
        Question.objects.filter(pk=question.pk).update(
            label_en="How big is it?",
            values=[{"key": "medium", "name_ky": "орточо", "name_ru": "средний",
                     "name_en": "medium-sized"}])
        Report.objects.filter(pk=self.report.pk).update(answers={"size": "medium"})
        page = self.client.get(self.url).content.decode()
        self.assertIn("<dd>medium-sized</dd>", page)
        self.assertIn("<dt>How big is it?</dt>", page)


class StatisticsInWordsTests(BaseTestCase):
    def test_it_names_categories_districts_and_months_instead_of_codes(self):
        from django.utils import timezone

        category = make_category("streetlight")
        Category.objects.filter(pk=category.pk).update(name_en="Street lights")
        make_report(category, self.district)
        page = self.client.get("/en/feedback/stats/").content.decode()
        self.assertIn("<td>Street lights</td>", page)
        self.assertNotIn("<td>streetlight</td>", page)
        self.assertIn(f"<td>{self.district.name_en}</td>", page)
        month = timezone.localdate().strftime("%B %Y")
        self.assertIn(f"{month} (so far)", page)
        self.assertNotIn(timezone.localdate().strftime("<td>%Y-%m</td>"), page)
