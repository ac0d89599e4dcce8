"""Background jobs: thumbnails, notifications to the reporter, purging old keys."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shaar.lib.urls import absolute_url

from .actions import report_sms_claim, report_sms_digests_claim

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def make_thumbnail(photo_id: int) -> None:
    from .models import Photo
    from .photos import resized

    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None or photo.thumbnail:
        return
    with photo.image.open("rb") as fh:
        data = fh.read()
    if max(photo.width, photo.height) > settings.FEEDBACK_PHOTO_MAX_SIDE:
        new = resized(data, settings.FEEDBACK_PHOTO_MAX_SIDE)
        old_name = photo.image.name
        photo.image.save("photo.jpg", new, save=False)
        photo.image.storage.delete(old_name)
        from PIL import Image

        with photo.image.open("rb") as fh:
            photo.width, photo.height = Image.open(fh).size
    photo.thumbnail.save("thumb.jpg", resized(data, 320), save=False)
    photo.save(update_fields=["image", "thumbnail", "width", "height"])


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_reporter(event_id: int) -> None:
    """Tell the reporter (by e-mail and/or SMS) that their report changed."""
    from shaar.accounts.sms import send_sms
    from shaar.city.models import City

    from .models import ReportEvent

    event = ReportEvent.objects.select_related("report", "report__reporter",
                                               "report__category").filter(pk=event_id).first()
    if event is None or not event.is_public:
        return
    report = event.report
    reporter = report.reporter
    email = report.contact_email or (reporter.email if reporter else "")
    phone = _reporter_phone(report)
    if not email and not phone:
        return
    city = City.current()
    with translation.override(city.default_language):
        url = absolute_url(reverse("feedback:follow", args=[report.token]))
        if event.kind == ReportEvent.Kind.CREATED:
            text = _("Your report #%(id)s has been received. Follow it here: %(url)s")
        elif event.kind == ReportEvent.Kind.REPLY:
            text = _("Your report #%(id)s has a new reply. Read it here: %(url)s")
        else:
            text = _("Your report #%(id)s is now “%(status)s”. Details: %(url)s")
        message = text % {"id": report.pk, "url": url,
                          "status": report.get_status_display()}
        if email:
            send_mail(_("Report #%(id)s") % {"id": report.pk}, message, None, [email])
        if phone and report_sms_claim(report_id=report.pk, now=timezone.now()):
            send_sms(to=phone, text=message)


def _reporter_phone(report) -> str:
    reporter = report.reporter
    return report.contact_phone or (reporter.phone if reporter and reporter.phone_verified
                                    else "")


@shared_task
def send_sms_digests() -> int:
    """One SMS for the updates gathered within the hour after the last one."""
    from shaar.accounts.sms import send_sms
    from shaar.city.models import City

    from .models import Report

    ids = report_sms_digests_claim(now=timezone.now())
    with translation.override(City.current().default_language):
        for report in Report.objects.filter(pk__in=ids).select_related("reporter"):
            phone = _reporter_phone(report)
            if phone:
                url = absolute_url(reverse("feedback:follow", args=[report.token]))
                send_sms(to=phone, text=_("Your report #%(id)s has news: it is now "
                                          "“%(status)s”. Details: %(url)s")
                         % {"id": report.pk, "status": report.get_status_display(), "url": url})
    return len(ids)


@shared_task
def purge_idempotency_keys() -> int:
    from .actions import idempotency_keys_purge

    return idempotency_keys_purge()


SYSTEMIC_CACHE_KEY = "feedback:systemic"
SYSTEMIC_CLUSTERS_KEPT = 200


@shared_task
def compute_systemic() -> int:
    """Find clusters and recurring problems and keep them for the systemic-issues page
    (seconds of work with a million reports: never inside a request)."""
    from django.core.cache import cache
    from django.utils import timezone

    from .selectors import find_clusters, find_recurring

    clusters = find_clusters()
    # The largest only: the page stays light for a phone, and quick to read back.
    data = {"clusters": clusters[:SYSTEMIC_CLUSTERS_KEPT], "cluster_total": len(clusters),
            "recurring": find_recurring(), "computed_at": timezone.now()}
    # Kept for three refresh periods: a late or failed run leaves the last results.
    cache.set(SYSTEMIC_CACHE_KEY, data, timeout=settings.FEEDBACK_SYSTEMIC_MINUTES * 60 * 3)
    cache.delete(SYSTEMIC_CACHE_KEY + ":queued")
    return len(data["clusters"])
