"""Background jobs: thumbnails, notifications to the reporter, purging old keys."""

from __future__ import annotations

import logging
from typing import Any

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
        assert old_name is not None  # it was just opened
        photo.image.save("photo.jpg", new, save=False)
        photo.image.storage.delete(old_name)
        from PIL import Image

        with photo.image.open("rb") as fh:
            photo.width, photo.height = Image.open(fh).size
    photo.thumbnail.save("thumb.jpg", resized(data, 320), save=False)
    photo.save(update_fields=["image", "thumbnail", "width", "height"])
    from .actions import photo_files_follow_visibility

    # Hidden while this ran: the new files go offline too.
    photo_files_follow_visibility(photo)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_reporter(event_id: int) -> None:
    """Tell the reporter (by e-mail and/or SMS) that their report changed, in their language
    (their account's, else the one the report was sent in), with the city's public words."""
    from shaar.accounts.sms import send_sms

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
    with translation.override(reporter.language if reporter else report.language):
        url = absolute_url(reverse("feedback:follow", args=[report.token]))
        if email:
            send_mail(_("Report #%(id)s") % {"id": report.pk}, _email_text(event, url), None,
                      [email])
        if phone and report_sms_claim(report_id=report.pk, now=timezone.now()):
            send_sms(to=phone, text=_sms_text(event, url))


def _email_text(event, url: str) -> str:
    report = event.report
    values = {"id": report.pk, "url": url, "status": report.get_status_display(),
              "text": event.text}
    if event.kind == event.Kind.CREATED:
        return _("Your report #%(id)s has been received. Follow it here: %(url)s") % values
    if event.kind == event.Kind.REPLY:
        return _("The city replied to your report #%(id)s:\n\n%(text)s\n\nDetails: %(url)s"
                 ) % values
    if event.text:
        return _("Your report #%(id)s is now “%(status)s”. The city wrote:\n\n%(text)s\n\n"
                 "Details: %(url)s") % values
    return _("Your report #%(id)s is now “%(status)s”. Details: %(url)s") % values


def _sms_text(event, url: str) -> str:
    """Short, to fit one SMS where the link allows; the reply itself is on the page."""
    report = event.report
    values = {"id": report.pk, "url": url, "status": report.get_status_display()}
    if event.kind == event.Kind.CREATED:
        return _("Report #%(id)s received: %(url)s") % values
    if event.kind == event.Kind.REPLY:
        return _("Reply to report #%(id)s: %(url)s") % values
    return _("Report #%(id)s: %(status)s. %(url)s") % values


def _reporter_phone(report) -> str:
    reporter = report.reporter
    return report.contact_phone or (reporter.phone if reporter and reporter.phone_verified
                                    else "")


@shared_task
def send_sms_digests() -> int:
    """One SMS for the updates gathered within the hour after the last one."""
    from shaar.accounts.sms import send_sms

    from .models import Report

    ids = report_sms_digests_claim(now=timezone.now())
    for report in Report.objects.filter(pk__in=ids).select_related("reporter"):
        phone = _reporter_phone(report)
        if not phone:
            continue
        with translation.override(report.reporter.language if report.reporter
                                  else report.language):
            url = absolute_url(reverse("feedback:follow", args=[report.token]))
            send_sms(to=phone, text=_("Report #%(id)s: %(status)s. %(url)s")
                     % {"id": report.pk, "status": report.get_status_display(), "url": url})
    return len(ids)


@shared_task
def purge_idempotency_keys() -> int:
    from .actions import idempotency_keys_purge

    return idempotency_keys_purge()


@shared_task
def refresh_stats() -> None:
    """Recompute the unfiltered statistics page in every language (selectors'
    cached_report_stats), so that no visitor waits for a million reports to be read."""
    from django.conf import settings
    from django.utils import translation

    from .selectors import cached_report_stats

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            cached_report_stats({}, max_age=0)


@shared_task
def refresh_exports() -> None:
    """Build the whole city's CSV and GeoJSON files that downloads are served from."""
    from .exports import build_all

    build_all()


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
    data: dict[str, Any] = {
        "clusters": clusters[:SYSTEMIC_CLUSTERS_KEPT], "cluster_total": len(clusters),
        "recurring": find_recurring(), "computed_at": timezone.now()}
    # Kept for three refresh periods: a late or failed run leaves the last results.
    cache.set(SYSTEMIC_CACHE_KEY, data, timeout=settings.FEEDBACK_SYSTEMIC_MINUTES * 60 * 3)
    cache.delete(SYSTEMIC_CACHE_KEY + ":queued")
    return len(data["clusters"])
