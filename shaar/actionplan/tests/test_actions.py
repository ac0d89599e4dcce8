from __future__ import annotations

import datetime
from unittest import mock

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from shaar.accounts.models import Role
from shaar.accounts.sms import locmem
from shaar.lib.safechange import ConfirmationRequired
from shaar.testing import (
    BaseTestCase,
    give_totp,
    last,
    make_department,
    make_staff,
    make_user,
)

from .. import actions
from ..models import (
    ActionPlan,
    Assessment,
    BoardMember,
    Contribution,
    Meeting,
    Milestone,
    PlanStatusChange,
    city_today,
)
from ..selectors import board_balance, dashboard, months_before, section_status
from .factories import make_commitment, make_member, make_milestone, make_plan

S = ActionPlan.Status
UTC = datetime.UTC


class PlanStateMachineTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.plan = make_plan(status=S.DRAFTING)
        self.commitment = make_commitment(self.plan, self.department)

    def test_it_walks_the_plan_through_every_status_in_order(self) -> None:
        for status in (S.CONSULTATION, S.ADOPTED, S.IMPLEMENTATION, S.CLOSED):
            self.plan = actions.plan_transition(plan=self.plan, to_status=status, by=self.admin)
            self.assertEqual(self.plan.status, status)
        self.assertEqual(
            list(PlanStatusChange.objects.values_list("to_status", flat=True)),
            [S.CONSULTATION, S.ADOPTED, S.IMPLEMENTATION, S.CLOSED])
        self.assertIsNotNone(self.plan.adopted_on)

    def test_it_refuses_to_skip_a_status(self) -> None:
        for target in (S.ADOPTED, S.IMPLEMENTATION, S.CLOSED):
            with self.assertRaises(ValidationError):
                actions.plan_transition(plan=self.plan, to_status=target, by=self.admin)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, S.DRAFTING)
        self.assertFalse(PlanStatusChange.objects.exists())

    def test_it_never_goes_back_after_adoption(self) -> None:
        for status in (S.CONSULTATION, S.ADOPTED):
            actions.plan_transition(plan=self.plan, to_status=status, by=self.admin)
        for target in (S.DRAFTING, S.CONSULTATION):
            with self.assertRaises(ValidationError):
                actions.plan_transition(plan=self.plan, to_status=target, by=self.admin)

    def test_it_lets_a_consultation_go_back_to_drafting_with_a_reason_and_confirmation(
            self) -> None:
        actions.plan_transition(plan=self.plan, to_status=S.CONSULTATION, by=self.admin)
        actions.contribution_submit(plan=self.plan, author=self.resident,
                                    commitment=self.commitment,
                                    text="Please publish the data by district too.")
        with self.assertRaises(ConfirmationRequired) as raised:
            actions.plan_transition(plan=self.plan, to_status=S.DRAFTING, by=self.admin,
                                    note="Redraft after the hearing")
        self.assertEqual([e.count for e in raised.exception.effects], [1, 1])
        with self.assertRaises(ConfirmationRequired):
            actions.plan_transition(plan=self.plan, to_status=S.DRAFTING, by=self.admin,
                                    confirmed=True)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, S.CONSULTATION)
        plan = actions.plan_transition(plan=self.plan, to_status=S.DRAFTING, by=self.admin,
                                       note="Redraft after the hearing", confirmed=True)
        self.assertEqual(plan.status, S.DRAFTING)
        self.assertEqual(last(plan.status_changes.all()).note, "Redraft after the hearing")

    def test_it_refuses_adoption_before_the_consultation_closes(self) -> None:
        actions.plan_transition(plan=self.plan, to_status=S.CONSULTATION, by=self.admin)
        self.plan.consultation_ends = city_today()
        self.plan.save(update_fields=["consultation_ends"])
        with self.assertRaises(ValidationError):
            actions.plan_transition(plan=self.plan, to_status=S.ADOPTED, by=self.admin)
        self.plan.consultation_ends = city_today() - datetime.timedelta(days=1)
        self.plan.save(update_fields=["consultation_ends"])
        plan = actions.plan_transition(plan=self.plan, to_status=S.ADOPTED, by=self.admin)
        self.assertEqual(plan.status, S.ADOPTED)

    def test_it_refuses_an_unknown_status(self) -> None:
        with self.assertRaises(ValidationError):
            actions.plan_transition(plan=self.plan, to_status="party", by=self.admin)

    def test_it_lets_only_city_administrators_change_the_status(self) -> None:
        for user in (self.official, self.moderator, self.resident):
            with self.assertRaises(PermissionDenied):
                actions.plan_transition(plan=self.plan, to_status=S.CONSULTATION, by=user)


class AdoptionGuardTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.plan = make_plan(status=S.CONSULTATION)
        self.commitment = make_commitment(self.plan, self.department)

    def _comment(self) -> Contribution:
        return actions.contribution_submit(plan=self.plan, author=self.resident,
                                           commitment=self.commitment,
                                           text="Please publish the data by district too.")

    @translation.override("en")
    def test_it_blocks_adoption_while_a_contribution_lacks_a_response(self) -> None:
        first = self._comment()
        actions.contribution_submit(plan=self.plan, author=self.outsider, title="Open data",
                                    text="Publish every contract of the city as open data.")
        with self.assertRaisesMessage(ValidationError, "2 contributions"):
            actions.plan_transition(plan=self.plan, to_status=S.ADOPTED, by=self.admin)
        actions.contribution_respond(contribution=first, by=self.admin,
                                     response=Contribution.Response.ACCEPTED,
                                     reasons="Accepted: the report will have district data.")
        with self.assertRaisesMessage(ValidationError, "1 contribution"):
            actions.plan_transition(plan=self.plan, to_status=S.ADOPTED, by=self.admin)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, S.CONSULTATION)

    def test_it_adopts_once_every_contribution_has_a_reasoned_response(self) -> None:
        idea = actions.contribution_submit(plan=self.plan, author=self.resident,
                                           title="Open data",
                                           text="Publish every contract as open data.")
        actions.contribution_respond(contribution=idea, by=self.admin,
                                     response=Contribution.Response.MERGED,
                                     reasons="Merged: the commitment now covers contracts.",
                                     merged_into=self.commitment)
        plan = actions.plan_transition(plan=self.plan, to_status=S.ADOPTED, by=self.admin)
        self.assertEqual(plan.status, S.ADOPTED)

    def test_it_requires_reasons_and_a_commitment_for_a_merge(self) -> None:
        comment = self._comment()
        with self.assertRaises(ValidationError):
            actions.contribution_respond(contribution=comment, by=self.admin,
                                         response=Contribution.Response.NOT_TAKEN, reasons="")
        with self.assertRaises(ValidationError):
            actions.contribution_respond(contribution=comment, by=self.admin,
                                         response=Contribution.Response.MERGED,
                                         reasons="Merged into another commitment.")
        other_plan_commitment = make_commitment(make_plan(), self.department)
        with self.assertRaises(ValidationError):
            actions.contribution_respond(contribution=comment, by=self.admin,
                                         response=Contribution.Response.MERGED,
                                         reasons="Merged into another commitment.",
                                         merged_into=other_plan_commitment)
        comment.refresh_from_db()
        self.assertEqual(comment.response, "")

    def test_it_accepts_contributions_only_during_consultation(self) -> None:
        actions.plan_transition(plan=self.plan, to_status=S.DRAFTING, by=self.admin,
                                note="Another round of drafting", confirmed=True)
        with self.assertRaises(ValidationError):
            self._comment()
        self.assertFalse(Contribution.objects.exists())

    def test_it_refuses_a_comment_on_another_plans_commitment(self) -> None:
        other = make_commitment(make_plan(), self.department)
        with self.assertRaises(ValidationError):
            actions.contribution_submit(plan=self.plan, author=self.resident, commitment=other,
                                        text="A comment on the wrong plan.")

    def test_it_lets_only_city_administrators_respond(self) -> None:
        comment = self._comment()
        for user in (self.official, self.resident, self.moderator):
            with self.assertRaises(PermissionDenied):
                actions.contribution_respond(contribution=comment, by=user,
                                             response=Contribution.Response.ACCEPTED,
                                             reasons="Accepted for good reasons.")


class OverdueTests(BaseTestCase):
    """Milestone dates are dates in Bishkek (UTC+6): a milestone due on 10 March is overdue
    from 00:00 on 11 March in Bishkek, which is 18:00 UTC on 10 March."""

    def setUp(self) -> None:
        super().setUp()
        self.plan = make_plan(status=S.IMPLEMENTATION)
        commitment = make_commitment(self.plan, self.department)
        self.due_10 = make_milestone(commitment, end=datetime.date(2026, 3, 10))
        self.due_11 = make_milestone(commitment, end=datetime.date(2026, 3, 11))

    def _overdue_at(self, moment: datetime.datetime) -> set[int]:
        today = city_today(moment)
        return set(Milestone.objects.overdue(today).values_list("id", flat=True))

    def test_it_is_not_overdue_on_its_due_date_late_in_the_bishkek_evening(self) -> None:
        moment = datetime.datetime(2026, 3, 10, 17, 59, tzinfo=UTC)  # 23:59 in Bishkek
        self.assertEqual(city_today(moment), datetime.date(2026, 3, 10))
        self.assertEqual(self._overdue_at(moment), set())
        self.assertFalse(self.due_10.is_overdue(city_today(moment)))

    def test_it_counts_days_on_the_clock_of_the_citys_own_time_zone(self) -> None:
        self.city.time_zone = "Asia/Almaty"  # UTC+5: 23:01 on 10 March, not yet overdue
        self.city.save()
        moment = datetime.datetime(2026, 3, 10, 18, 1, tzinfo=UTC)
        self.assertEqual(city_today(moment), datetime.date(2026, 3, 10))
        self.assertEqual(self._overdue_at(moment), set())

    def test_it_is_overdue_just_after_midnight_in_bishkek_while_utc_is_still_yesterday(
            self) -> None:
        moment = datetime.datetime(2026, 3, 10, 18, 1, tzinfo=UTC)  # 00:01 on 11 March
        self.assertEqual(city_today(moment), datetime.date(2026, 3, 11))
        self.assertEqual(self._overdue_at(moment), {self.due_10.id})
        self.assertTrue(self.due_10.is_overdue(city_today(moment)))
        self.assertFalse(self.due_11.is_overdue(city_today(moment)))

    def test_it_uses_bishkek_dates_for_the_page_flag_too(self) -> None:
        moment = datetime.datetime(2026, 3, 10, 18, 30, tzinfo=UTC)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            self.assertTrue(self.due_10.overdue)
            data = dashboard(plan=self.plan)
        self.assertEqual([m.id for m in data.overdue], [self.due_10.id])

    def test_it_never_flags_completed_or_withdrawn_milestones(self) -> None:
        Milestone.objects.filter(id=self.due_10.id).update(status=Milestone.Status.COMPLETED,
                                                           completion="complete")
        Milestone.objects.filter(id=self.due_11.id).update(status=Milestone.Status.WITHDRAWN)
        late = datetime.datetime(2026, 5, 1, tzinfo=UTC)
        self.assertEqual(self._overdue_at(late), set())


class BoardTests(BaseTestCase):
    def test_it_counts_only_serving_members_in_the_seat_balance(self) -> None:
        today = datetime.date(2026, 6, 1)
        make_member(BoardMember.Sector.GOVERNMENT)
        make_member(BoardMember.Sector.GOVERNMENT)
        make_member(BoardMember.Sector.NON_GOVERNMENT)
        make_member(BoardMember.Sector.NON_GOVERNMENT, term_end=datetime.date(2026, 5, 31))
        make_member(BoardMember.Sector.NON_GOVERNMENT, term_start=datetime.date(2026, 6, 2))
        balance = board_balance(today)
        self.assertEqual((balance.government, balance.non_government), (2, 1))
        self.assertFalse(balance.is_balanced)
        make_member(BoardMember.Sector.NON_GOVERNMENT, term_end=datetime.date(2026, 6, 1))
        balance = board_balance(today)
        self.assertEqual((balance.government, balance.non_government), (2, 2))
        self.assertTrue(balance.is_balanced)
        self.assertEqual(balance.non_government_share, 50)

    def test_it_notifies_board_members_once_of_a_new_meeting(self) -> None:
        make_member(BoardMember.Sector.GOVERNMENT, email="gov@example.org", language="ru")
        make_member(BoardMember.Sector.NON_GOVERNMENT, email="ngo@example.org",
                    phone="+996555123456")
        make_member(BoardMember.Sector.NON_GOVERNMENT, email="former@example.org",
                    term_end=datetime.date(2025, 12, 31))
        locmem.outbox.clear()
        starts = timezone.now() + datetime.timedelta(days=10)
        with self.captureOnCommitCallbacks(execute=True):
            meeting = actions.meeting_schedule(
                by=self.admin, plan=None, starts_at=starts, location="City Hall",
                titles={"ky": "Жыйын", "ru": "Заседание", "en": "Meeting"},
                agendas={"ky": "Күн тартиби", "ru": "Повестка", "en": "Agenda"})
        self.assertEqual(sorted(m.to[0] for m in mail.outbox),
                         ["gov@example.org", "ngo@example.org"])
        self.assertIn("Наблюдательного совета", next(
            m.subject for m in mail.outbox if m.to == ["gov@example.org"]))
        self.assertEqual([s["to"] for s in locmem.outbox], ["+996555123456"])
        from ..tasks import notify_board_meeting

        self.assertEqual(notify_board_meeting(meeting.id), 0)  # already claimed
        self.assertEqual(len(mail.outbox), 2)

    def test_it_requires_the_agenda_to_be_published_in_advance(self) -> None:
        with self.assertRaises(ValidationError):
            actions.meeting_schedule(
                by=self.admin, plan=None,
                starts_at=timezone.now() + datetime.timedelta(days=2), location="City Hall",
                titles={"ky": "a", "ru": "b", "en": "c"}, agendas={"ky": "a", "ru": "b",
                                                                   "en": "c"})
        self.assertFalse(Meeting.objects.exists())

    def test_it_notifies_board_members_of_a_shared_document(self) -> None:
        make_member(BoardMember.Sector.NON_GOVERNMENT, email="ngo@example.org", language="en")
        meeting = Meeting.objects.create(
            title_ky="a", title_ru="b", title_en="Meeting", location="x", agenda_ky="a",
            agenda_ru="b", agenda_en="c", starts_at=timezone.now() + datetime.timedelta(days=9))
        with self.captureOnCommitCallbacks(execute=True):
            actions.meeting_document_share(by=self.admin, meeting=meeting,
                                           url="https://example.org/draft.pdf",
                                           titles={"ky": "Долбоор", "ru": "Проект",
                                                   "en": "Draft report"})
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("Draft report", mail.outbox[0].body)


class ProgressAndAssessmentPermissionTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.plan = make_plan(status=S.IMPLEMENTATION)
        self.commitment = make_commitment(self.plan, self.department)
        self.milestone = make_milestone(self.commitment)
        self.other_department_staff = make_staff(Role.DEPARTMENT_STAFF, "dina",
                                                 department=make_department("finance"))
        self.monitor = make_user("monica")
        actions.monitor_appoint(plan=self.plan, user=self.monitor, by=self.admin)

    def _post(self, user):
        return actions.progress_post(milestone=self.milestone, by=user,
                                     text="Report drafted and shared.", status="ongoing",
                                     completion="limited",
                                     links=["https://example.org/report"])

    def test_it_lets_only_the_responsible_agency_post_progress(self) -> None:
        for user in (self.admin, self.other_department_staff, self.resident, self.monitor):
            with self.assertRaises(PermissionDenied):
                self._post(user)
        update = self._post(self.official)
        self.milestone.refresh_from_db()
        self.assertEqual((self.milestone.status, self.milestone.completion),
                         ("ongoing", "limited"))
        self.assertEqual(update.evidence.get().url, "https://example.org/report")

    def test_a_superuser_neither_posts_progress_nor_writes_the_independent_assessment(
            self) -> None:
        # Django's has_perm says yes to every superuser; these two are not the city's.
        root = make_user("root", is_staff=True, is_superuser=True)
        give_totp(root)
        with self.assertRaises(PermissionDenied):
            self._post(root)
        with self.assertRaises(PermissionDenied):
            actions.assessment_save(commitment=self.commitment, kind="independent", by=root,
                                    data={})
        self.client.force_login(root)
        self.assertEqual(self.client.get(f"/en/ogp/milestones/{self.milestone.id}/progress/")
                         .status_code, 403)
        self.assertEqual(self.client.get(f"/en/ogp/commitments/{self.commitment.code}"
                                         "/assessment/independent/").status_code, 403)

    def test_it_follows_the_milestone_when_another_agency_is_responsible(self) -> None:
        other = self.other_department_staff
        Milestone.objects.filter(id=self.milestone.id).update(
            responsible=other.roles.get().department)
        self.milestone.refresh_from_db()
        with self.assertRaises(PermissionDenied):
            self._post(self.official)
        self._post(other)

    def test_it_refuses_progress_before_adoption(self) -> None:
        ActionPlan.objects.filter(id=self.plan.id).update(status=S.CONSULTATION)
        with self.assertRaises(ValidationError):
            self._post(self.official)

    def test_it_refuses_a_completed_status_without_complete_level(self) -> None:
        with self.assertRaises(ValidationError):
            actions.progress_post(milestone=self.milestone, by=self.official,
                                  text="All done, we think.", status="completed",
                                  completion="substantial")
        self.assertFalse(self.milestone.updates.exists())

    def test_it_lets_only_the_monitor_edit_the_independent_assessment(self) -> None:
        data = {"potential": "substantial", "opened_government": "major",
                "opened_government_note": "Residents now set priorities."}
        for user in (self.admin, self.official, self.resident, self.outsider):
            with self.assertRaises(PermissionDenied):
                actions.assessment_save(commitment=self.commitment, kind="independent",
                                        by=user, data=data)
        assessment = actions.assessment_save(commitment=self.commitment, kind="independent",
                                             by=self.monitor, data=data)
        self.assertEqual(assessment.opened_government, "major")

    def test_it_limits_the_monitor_to_their_own_plan(self) -> None:
        other = make_commitment(make_plan(status=S.IMPLEMENTATION), self.department)
        with self.assertRaises(PermissionDenied):
            actions.assessment_save(commitment=other, kind="independent", by=self.monitor,
                                    data={"potential": "modest"})

    def test_it_lets_city_administrators_and_not_the_monitor_edit_the_self_assessment(
            self) -> None:
        with self.assertRaises(PermissionDenied):
            actions.assessment_save(commitment=self.commitment, kind="self", by=self.monitor,
                                    data={"potential": "modest"})
        actions.assessment_save(commitment=self.commitment, kind="self", by=self.admin,
                                data={"potential": "modest", "completion": "limited"})
        self.assertEqual(Assessment.objects.get(kind="self").potential, "modest")

    def test_it_rejects_an_invalid_assessment_value(self) -> None:
        with self.assertRaises(ValidationError):
            actions.assessment_save(commitment=self.commitment, kind="self", by=self.admin,
                                    data={"potential": "huge"})
        self.assertFalse(Assessment.objects.exists())


class SectionFreshnessTests(BaseTestCase):
    def test_it_is_stale_only_after_four_calendar_months(self) -> None:
        plan = make_plan()
        ActionPlan.objects.filter(id=plan.id).update(
            last_updated=datetime.datetime(2026, 1, 31, 12, tzinfo=UTC))
        self.assertFalse(section_status(datetime.datetime(2026, 5, 31, 11, tzinfo=UTC)).is_stale)
        self.assertTrue(section_status(datetime.datetime(2026, 5, 31, 13, tzinfo=UTC)).is_stale)

    def test_it_moves_last_updated_forward_on_every_write(self) -> None:
        plan = make_plan()
        old = datetime.datetime(2025, 1, 1, tzinfo=UTC)
        ActionPlan.objects.filter(id=plan.id).update(last_updated=old)
        actions.contribution_submit(plan=plan, author=self.resident, title="An idea",
                                    text="Hold the hearings in the evening.")
        plan.refresh_from_db()
        self.assertGreater(plan.last_updated, old)

    def test_months_before_clamps_to_the_end_of_the_month(self) -> None:
        moment = datetime.datetime(2026, 6, 30, tzinfo=UTC)
        self.assertEqual(months_before(moment, 4).date(), datetime.date(2026, 2, 28))


class ConsultationEndTests(BaseTestCase):
    def test_it_closes_contributions_after_the_last_day_in_bishkek(self) -> None:
        plan = make_plan(status=S.CONSULTATION, consultation_ends=datetime.date(2026, 3, 10))
        last_evening = datetime.datetime(2026, 3, 10, 17, 30, tzinfo=UTC)  # 23:30 in Bishkek
        after_midnight = datetime.datetime(2026, 3, 10, 18, 30, tzinfo=UTC)  # 00:30, 11 March
        with mock.patch("django.utils.timezone.now", return_value=last_evening):
            actions.contribution_submit(plan=plan, author=self.resident, title="Evening idea",
                                        text="Hold hearings in the evening.")
        with (mock.patch("django.utils.timezone.now", return_value=after_midnight),
              self.assertRaises(ValidationError)):
            actions.contribution_submit(plan=plan, author=self.resident, title="Late idea",
                                        text="This one comes too late.")
        self.assertEqual(Contribution.objects.count(), 1)
