"""notify(): one stored notification per person, delivered once however often its task runs
(late acknowledgement reruns tasks; see ops/tests/test_fault_celery_worker.py for the drill
with real workers)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation

from shaar.accounts.models import Notification
from shaar.accounts.notifications import Message, notify
from shaar.accounts.sms import SmsError, locmem
from shaar.accounts.tasks import send_notification, sweep_notifications
from shaar.testing import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _empty_outboxes():
    mail.outbox.clear()
    locmem.outbox.clear()


def phone_user(name: str):
    user = make_user(name)
    user.email, user.phone, user.phone_verified = "", f"+99670000{len(name):04d}", True
    user.save()
    return user


def test_it_sends_each_notification_once_however_often_the_task_runs() -> None:
    alice, bob = make_user("alice"), phone_user("bob")
    with transaction.atomic():
        notify([alice, bob, alice, None], lambda: Message("Hello", "Body"))
    rows = list(Notification.objects.order_by("pk"))
    assert [(row.user, row.channel) for row in rows] == [(alice, "email"), (bob, "sms")]
    assert all(row.sent_at for row in rows)
    for row in rows:
        send_notification(row.pk)  # a redelivered task
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert [s["to"] for s in locmem.outbox] == [bob.phone]


def test_it_notifies_nobody_when_the_action_rolls_back() -> None:
    alice = make_user("alice")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([alice], lambda: Message("Hello", "Body"))
        raise RuntimeError("the action failed")
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_it_keeps_a_notification_pending_when_the_gateway_refuses_it(monkeypatch) -> None:
    bob = phone_user("bob")

    def refuse(**_kwargs):
        raise SmsError("gateway down")

    monkeypatch.setattr("shaar.accounts.tasks.send_sms", refuse)
    with transaction.atomic():
        notify([bob], lambda: Message("Hello", "Body"))
    row = Notification.objects.get()
    assert row.sent_at is None  # retried later by Celery, not marked sent


def test_the_sweep_requeues_lost_notifications_and_deletes_old_ones(settings) -> None:
    settings.NOTIFICATION_RETENTION_DAYS = 90
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

    sweep_notifications()  # eager Celery in tests: requeued tasks run at once

    assert [m.subject for m in mail.outbox] == [lost.subject]
    pending = set(Notification.objects.filter(sent_at__isnull=True).values_list("pk", flat=True))
    assert pending == {in_flight.pk, stale.pk}
    assert not Notification.objects.filter(pk=expired.pk).exists()
    assert Notification.objects.filter(pk=kept.pk).exists()


def test_it_writes_each_message_in_its_recipients_language() -> None:
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

    with transaction.atomic():
        notify([alice, bob], compose)
    with translation.override("ru"):
        in_russian = gettext(subject)
    with translation.override("ky"):
        in_kyrgyz = gettext(subject)
    assert in_russian != in_kyrgyz != subject
    assert sorted(languages) == ["ky", "ru"]
    assert mail.outbox[0].subject == in_russian
    assert locmem.outbox[0]["text"] == in_kyrgyz  # the short SMS text, not subject + body
