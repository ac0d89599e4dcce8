"""notify(): one stored notification per person, delivered once however often its task runs
(late acknowledgement reruns tasks; see ops/tests/test_fault_celery_worker.py for the drill
with real workers)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.core import mail
from django.db import transaction
from django.test import TestCase
from django.utils import timezone, translation

from shaar.accounts.models import Notification
from shaar.accounts.notifications import Message, notify
from shaar.accounts.sms import SmsError, locmem
from shaar.accounts.tasks import send_notification, sweep_notifications
from shaar.testing import make_user


def phone_user(name: str):
    user = make_user(name)
    user.email, user.phone, user.phone_verified = "", f"+99670000{len(name):04d}", True
    user.save()
    return user


class NotifyTests(TestCase):
    """The action's transaction commits inside captureOnCommitCallbacks(execute=True): the
    notifications' tasks are queued on commit (eager Celery in tests: they run at once)."""

    def setUp(self) -> None:
        super().setUp()
        mail.outbox.clear()
        locmem.outbox.clear()

    def test_it_sends_each_notification_once_however_often_the_task_runs(self) -> None:
        alice, bob = make_user("alice"), phone_user("bob")
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            notify([alice, bob, alice, None], lambda: Message("Hello", "Body"))
        rows = list(Notification.objects.order_by("pk"))
        self.assertEqual([(row.user, row.channel) for row in rows],
                         [(alice, "email"), (bob, "sms")])
        self.assertTrue(all(row.sent_at for row in rows))
        for row in rows:
            send_notification(row.pk)  # a redelivered task
        self.assertEqual([m.to for m in mail.outbox], [[alice.email]])
        self.assertEqual([s["to"] for s in locmem.outbox], [bob.phone])

    def test_it_notifies_nobody_when_the_action_rolls_back(self) -> None:
        alice = make_user("alice")
        with (self.captureOnCommitCallbacks(execute=True), self.assertRaises(RuntimeError),
              transaction.atomic()):
            notify([alice], lambda: Message("Hello", "Body"))
            raise RuntimeError("the action failed")
        self.assertFalse(Notification.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_it_keeps_a_notification_pending_when_the_gateway_refuses_it(self) -> None:
        bob = phone_user("bob")

        def refuse(**_kwargs):
            raise SmsError("gateway down")

        with (mock.patch("shaar.accounts.tasks.send_sms", refuse),
              self.captureOnCommitCallbacks(execute=True), transaction.atomic()):
            notify([bob], lambda: Message("Hello", "Body"))
        row = Notification.objects.get()
        self.assertIsNone(row.sent_at)  # retried later by Celery, not marked sent

    def test_the_sweep_requeues_lost_notifications_and_deletes_old_ones(self) -> None:
        alice = make_user("alice")
        now = timezone.now()

        def stored(age: timedelta, sent: bool) -> Notification:
            row = Notification.objects.create(user=alice, subject=f"{age}", body="Body",
                                              sent_at=now if sent else None)
            Notification.objects.filter(pk=row.pk).update(created_at=now - age)
            return row

        lost = stored(timedelta(hours=1), sent=False)
        in_flight = stored(timedelta(minutes=5), sent=False)
        stale = stored(timedelta(days=3), sent=False)
        expired = stored(timedelta(days=91), sent=True)
        kept = stored(timedelta(days=89), sent=True)

        with self.settings(NOTIFICATION_RETENTION_DAYS=90):
            sweep_notifications()  # eager Celery in tests: requeued tasks run at once

        self.assertEqual([m.subject for m in mail.outbox], [lost.subject])
        pending = set(Notification.objects.filter(sent_at__isnull=True)
                      .values_list("pk", flat=True))
        self.assertEqual(pending, {in_flight.pk, stale.pk})
        self.assertFalse(Notification.objects.filter(pk=expired.pk).exists())
        self.assertTrue(Notification.objects.filter(pk=kept.pk).exists())

    def test_it_writes_each_message_in_its_recipients_language(self) -> None:
        from django.utils.translation import gettext

        subject = "Grant decision"  # a string of the grants catalogue
        alice, bob = make_user("alice"), phone_user("bob")
        alice.language, bob.language = "ru", "ky"
        alice.save(update_fields=["language"])
        bob.save(update_fields=["language"])
        languages = []

        def compose() -> Message:
            languages.append(translation.get_language())
            return Message(subject=gettext(subject), body="-", sms=gettext(subject))

        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            notify([alice, bob], compose)
        with translation.override("ru"):
            in_russian = gettext(subject)
        with translation.override("ky"):
            in_kyrgyz = gettext(subject)
        self.assertNotEqual(in_russian, in_kyrgyz)
        self.assertNotEqual(in_kyrgyz, subject)
        self.assertEqual(sorted(languages), ["ky", "ru"])
        self.assertEqual(mail.outbox[0].subject, in_russian)
        self.assertEqual(locmem.outbox[0]["text"], in_kyrgyz)  # the short SMS text only
