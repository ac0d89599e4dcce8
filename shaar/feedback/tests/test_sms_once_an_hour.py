"""A report's reporter gets at most one SMS an hour; the updates in between are gathered
into one message sent when the hour is over."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.utils import timezone, translation

from shaar.accounts.sms import locmem
from shaar.testing import BaseTestCase

from ..actions import report_change_status, report_reply, report_sms_digests_claim
from ..models import Report, Status
from ..tasks import send_sms_digests
from .factories import make_category, make_report


class SmsOnceAnHourTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.report = make_report(make_category(), self.district,
                                  contact_phone="+996555123456")
        locmem.outbox.clear()

    def test_it_sends_one_sms_for_four_updates_in_two_minutes_then_one_gathered(self):
        with self.captureOnCommitCallbacks(execute=True):
            report_change_status(report=self.report, actor=self.official,
                                 status=Status.ACKNOWLEDGED)
        with self.captureOnCommitCallbacks(execute=True):
            report_reply(report=self.report, actor=self.official, text="We are on it.")
        with self.captureOnCommitCallbacks(execute=True):
            report_change_status(report=self.report, actor=self.official,
                                 status=Status.IN_PROGRESS)
        with self.captureOnCommitCallbacks(execute=True):
            report_change_status(report=self.report, actor=self.official,
                                 status=Status.RESOLVED, note="Fixed.")
        self.assertEqual(len(locmem.outbox), 1)
        # In the language the report was sent in.
        with translation.override(self.report.language):
            acknowledged, resolved = str(Status.ACKNOWLEDGED.label), str(Status.RESOLVED.label)
        self.assertIn(acknowledged, locmem.outbox[0]["text"])

        self.assertEqual(send_sms_digests(), 0)  # the hour is not over
        later = timezone.now() + timedelta(minutes=61)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assertEqual(send_sms_digests(), 1)
            self.assertEqual(send_sms_digests(), 0)  # sent once
        self.assertEqual(len(locmem.outbox), 2)
        self.assertIn(resolved, locmem.outbox[1]["text"])
        self.assertEqual(locmem.outbox[1]["to"], "+996555123456")

    def test_each_gathered_sms_is_claimed_by_one_worker_only(self):
        due = timezone.now() - timedelta(minutes=1)
        Report.objects.filter(pk=self.report.pk).update(sms_digest_due=due,
                                                        last_sms_at=due - timedelta(hours=1))
        now = timezone.now()
        self.assertEqual(report_sms_digests_claim(now=now), [self.report.pk])
        self.assertEqual(report_sms_digests_claim(now=now), [])
