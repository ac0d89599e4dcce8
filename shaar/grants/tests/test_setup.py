"""Call set-up by the city: criteria, committee, and refused or confirmed changes."""

from __future__ import annotations

import datetime
from decimal import Decimal

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shaar.grants import actions
from shaar.grants.models import Application, Call, CommitteeMember, Criterion, Evaluation
from shaar.lib.safechange import ConfirmationRequired
from shaar.testing import first, make_user

from .factories import GrantsTestCase, make_application, make_call, make_profile


class CallSetupTests(GrantsTestCase):
    def _new_call(self) -> Call:
        now = timezone.now()
        return Call(code="youth-2027", title_ky="Жаштар", title_ru="Молодёжь",
                    title_en="Youth", description_ky="d", description_ru="d",
                    description_en="d", envelope=2_000_000, max_per_grant=200_000,
                    opens_at=now + datetime.timedelta(days=1),
                    closes_at=now + datetime.timedelta(days=30))

    def test_it_creates_a_draft_call_and_publishes_it_with_criteria_and_a_chair(self):
        for user in (self.resident, self.official, self.moderator):
            with self.assertRaises(PermissionDenied):
                actions.call_save(call=self._new_call(), by=user)
        call = actions.call_save(call=self._new_call(), by=self.admin,
                                 districts=[self.district])
        self.assertEqual(call.status, Call.Status.DRAFT)
        self.assertEqual(list(call.districts.all()), [self.district])
        with self.assertRaisesMessage(ValidationError, "criteria"):
            actions.call_publish(call=call, by=self.admin)
        actions.criterion_save(criterion=Criterion(call=call, name_ky="Пайда", name_ru="Польза",
                                                   name_en="Benefit", weight=Decimal("2")),
                               by=self.admin)
        with self.assertRaisesMessage(ValidationError, "chair"):
            actions.call_publish(call=call, by=self.admin)
        chair = make_user("chair")
        actions.committee_seat_add(call=call, account=chair.email, role="chair",
                                   side="city", by=self.admin)
        with self.assertRaisesMessage(ValidationError, "already has a chair"):
            actions.committee_seat_add(call=call, account=self.outsider.email, role="chair",
                                       side="civil_society", by=self.admin)
        with self.assertRaisesMessage(ValidationError, "No account"):
            actions.committee_seat_add(call=call, account="nobody@example.org", role="member",
                                       side="city", by=self.admin)
        call = actions.call_publish(call=call, by=self.admin)
        self.assertEqual(call.status, Call.Status.PUBLISHED)

    def test_it_asks_to_confirm_a_shorter_deadline_once_there_are_applications(self):
        call = make_call()
        make_application(call, make_profile(self.resident), self.resident,
                         status=Application.Status.SUBMITTED)
        make_application(call, make_profile(self.outsider), self.outsider)
        call.closes_at -= datetime.timedelta(days=5)
        with self.assertRaises(ConfirmationRequired) as raised:
            actions.call_save(call=call, by=self.admin)
        self.assertEqual([e.count for e in raised.exception.effects], [1, 1])
        with self.assertRaises(ConfirmationRequired):  # confirmed, but no reason
            actions.call_save(call=call, by=self.admin, confirmed=True)
        self.assertGreater(Call.objects.get(pk=call.pk).closes_at, call.closes_at)
        actions.call_save(call=call, by=self.admin, confirmed=True,
                          reason="The council moved the budget session")
        self.assertEqual(Call.objects.get(pk=call.pk).closes_at, call.closes_at)
        entry = LogEntry.objects.get_for_object(call).order_by("-timestamp").first()
        self.assertEqual(entry.additional_data["reason"], "The council moved the budget session")

    def test_it_lets_a_deadline_move_later_without_confirmation(self):
        call = make_call()
        make_application(call, make_profile(self.resident), self.resident)
        call.closes_at += datetime.timedelta(days=5)
        actions.call_save(call=call, by=self.admin)

    def test_it_asks_to_confirm_reopening_a_closed_call(self):
        call = make_call(open_now=False)
        call.closes_at = timezone.now() + datetime.timedelta(days=3)
        with self.assertRaisesMessage(ConfirmationRequired, "reopens"):
            actions.call_save(call=call, by=self.admin)

    def test_it_refuses_changes_once_scoring_started_or_decisions_published(self):
        call = make_call(open_now=False)
        application = make_application(call, make_profile(self.resident), self.resident,
                                       status=Application.Status.SUBMITTED)
        member = make_user("member")
        CommitteeMember.objects.create(call=call, user=member)
        Evaluation.objects.create(application=application, evaluator=member)
        call.scale_max = 5
        with self.assertRaisesMessage(ValidationError, "scale"):
            actions.call_save(call=call, by=self.admin, reason="x", confirmed=True)
        with self.assertRaisesMessage(ValidationError, "criteria"):
            actions.criterion_save(criterion=first(call.criteria.all()), by=self.admin)
        with self.assertRaisesMessage(ValidationError, "already scored"):
            actions.committee_seat_remove(seat=call.committee.get(), by=self.admin)
        Call.objects.filter(pk=call.pk).update(status=Call.Status.DECIDED)
        call.scale_max = 10
        with self.assertRaisesMessage(ValidationError, "published"):
            actions.call_save(call=call, by=self.admin, reason="x", confirmed=True)
