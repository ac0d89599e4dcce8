"""Thin Celery tasks: ids in, one delivery, retries owned here."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from .sms import SmsError, send_sms

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(SmsError, OSError), retry_backoff=True, max_retries=5)
def send_notification(*, user_id: int, subject: str, body: str) -> None:
    user = get_user_model().objects.filter(id=user_id, is_active=True).first()
    if user is None:
        return
    if user.email:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    elif user.phone and user.phone_verified:
        send_sms(to=user.phone, text=f"{subject}. {body}"[:480])
    else:
        logger.info("user %s has no e-mail or verified phone", user_id)
