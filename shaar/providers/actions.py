"""Every write of the providers app: scorecard computation, service levels, responses,
subscriptions and survey answers."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shaar.accounts.models import Verification
from shaar.city.models import City, Organisation

from . import metrics, selectors
from .metrics import Accumulator, Figure, LevelChange, ServiceLevelTerms
from .models import (
    ProviderProfile,
    Scorecard,
    ScorecardResponse,
    ScorecardRun,
    ServiceCategory,
    ServiceLevel,
    Subscription,
    Survey,
    SurveyAnswer,
)
from .sources import ReportSource, get_source

log = logging.getLogger(__name__)

LEVEL_FALLBACK_FROM = datetime(2000, 1, 1, tzinfo=UTC)


# --- scorecards -------------------------------------------------------------------------------

def level_histories(source: ReportSource | None = None) -> dict:
    """Service-level histories by (organisation id, category code).

    The feedback categories' own targets, where a source offers them, are the city-wide
    default (key (None, code)) for categories without a provider-specific level."""
    histories: dict[tuple[int | None, str], list[LevelChange]] = defaultdict(list)
    rows = ServiceLevel.objects.values_list("provider__organisation_id", "category_code",
                                            "valid_from", "acknowledge_hours", "resolve_hours")
    for org_id, code, valid_from, ack, res in rows:
        histories[(org_id, code)].append(
            LevelChange(valid_from, ServiceLevelTerms(float(ack), float(res))))
    targets = getattr(source, "category_targets", None)
    if callable(targets):
        for code, (ack, res) in targets().items():
            histories[(None, code)].append(
                LevelChange(LEVEL_FALLBACK_FROM, ServiceLevelTerms(ack, res)))
    return dict(histories)


def survey_figures(month: date, tz: tzinfo) -> dict[metrics.Scope, Figure]:
    """Survey scores by scope for answers given in `month`: per provider (its sector, in the
    districts it serves), per provider and district, and per district for all sectors."""
    start, end = metrics.month_bounds(month, tz)
    answers = list(SurveyAnswer.objects.filter(answered_at__gte=start, answered_at__lt=end)
                   .values_list("survey__sector", "district_id", "score"))
    if not answers:
        return {}
    minimum = settings.PROVIDERS_SURVEY_MIN_ANSWERS
    by_sector_district: dict[tuple[str, int], list[int]] = defaultdict(list)
    by_district: dict[int, list[int]] = defaultdict(list)
    for sector, district_id, score in answers:
        by_sector_district[(sector, district_id)].append(score)
        by_district[district_id].append(score)
    result: dict[metrics.Scope, Figure] = {}
    for district_id, scores in by_district.items():
        result[(None, "", district_id)] = metrics.survey_figure(scores, min_answers=minimum)
    profiles = ProviderProfile.objects.prefetch_related("districts")
    for profile in profiles:
        all_scores: list[int] = []
        for district in profile.districts.all():
            scores = by_sector_district.get((profile.sector, district.id), [])
            if scores:
                result[(profile.organisation_id, "", district.id)] = metrics.survey_figure(
                    scores, min_answers=minimum)
                all_scores.extend(scores)
        if all_scores:
            result[(profile.organisation_id, "", None)] = metrics.survey_figure(
                all_scores, min_answers=minimum)
    return result


def _figures_json(figures: dict[str, Figure]) -> dict:
    return {key: {"value": f.value, "sample": f.sample} for key, f in figures.items()}


def scorecards_compute(*, month: date, now: datetime | None = None,
                       source: ReportSource | None = None, is_sample: bool = False) -> int:
    """Compute and store every scorecard of `month`; returns the number of reports.

    The month's rows are replaced in one transaction, so readers see either the old or
    the new figures, never a mix. Running it twice does no harm."""
    started = time.monotonic()
    now = now or timezone.now()
    source = source or get_source()
    levels = level_histories(source)
    tz = City.current().zone
    start, end = metrics.month_bounds(month, tz)
    groups = metrics.compute_month(source.records(start=start, end=end), month=month, tz=tz,
                                   now=now, levels=levels)
    surveys = survey_figures(month, tz)
    for scope in surveys:
        groups.setdefault(scope, Accumulator())
    known_orgs = set(Organisation.objects.values_list("id", flat=True))
    from shaar.city.models import District

    known_districts = set(District.objects.values_list("id", flat=True))
    rows = []
    for (org_id, category, district_id), acc in groups.items():
        if org_id is not None and org_id not in known_orgs:
            continue
        if district_id is not None and district_id not in known_districts:
            continue
        figures = acc.figures(surveys.get((org_id, category, district_id)))
        rows.append(Scorecard(
            month=month, organisation_id=org_id, category_code=category,
            district_id=district_id, scope_key=Scorecard.key_for(org_id, category, district_id),
            reports_received=acc.received, score=metrics.ranking_score(figures),
            figures=_figures_json(figures), computed_at=now, is_sample=is_sample))
    total = sum(acc.received for (o, c, d), acc in groups.items() if o is not None and not c
                and d is None)
    with transaction.atomic():
        Scorecard.objects.filter(month=month).delete()
        Scorecard.objects.bulk_create(rows, batch_size=2000)
        ScorecardRun.objects.update_or_create(month=month, defaults={
            "finished_at": timezone.now(), "seconds": round(time.monotonic() - started, 3),
            "reports": total, "source": source.name})
        _sync_categories(source)
    return total


def _sync_categories(source: ReportSource) -> None:
    from .selectors import CATEGORY_NAMES_KEY

    for code, (ky, ru, en) in source.categories().items():
        ServiceCategory.objects.update_or_create(
            code=code, defaults={"name_ky": ky, "name_ru": ru, "name_en": en})
    with contextlib.suppress(Exception):
        cache.delete_many([f"{CATEGORY_NAMES_KEY}:{code}" for code, _n in settings.LANGUAGES])


def _debounce_key(month: date) -> str:
    return f"providers:recompute:{month:%Y-%m}"


def scorecards_schedule_recompute(*, now: datetime | None = None) -> bool:
    """Ask for the current month to be recomputed after a report changed status.

    Debounced: the first change opens a window of PROVIDERS_RECOMPUTE_DEBOUNCE_SECONDS and
    enqueues one recomputation at its end; changes inside the window find the key taken
    and enqueue nothing, as that run will read them anyway. Returns whether it enqueued."""
    from .tasks import compute_scorecards

    month = selectors.current_month(now)
    delay = settings.PROVIDERS_RECOMPUTE_DEBOUNCE_SECONDS
    try:
        if not cache.add(_debounce_key(month), 1, timeout=delay):
            return False
    except Exception:  # a cache outage: the nightly run still catches up
        log.warning("providers: cache unavailable, recompute left to the nightly run")
        return False
    transaction.on_commit(lambda: compute_scorecards.apply_async(
        args=(month.isoformat(),), countdown=delay))
    return True


def scorecards_nightly(*, now: datetime | None = None) -> list[date]:
    """Recompute the current and the previous month (late resolutions still change it),
    then mail last month's scorecards to subscribers once the month is over."""
    now = now or timezone.now()
    current = selectors.current_month(now)
    previous = metrics.previous_month(current)
    for month in (previous, current):
        scorecards_compute(month=month, now=now)
    subscriptions_send(month=previous)
    return [previous, current]


# --- service levels ------------------------------------------------------------------------

def _hours(value, field: str) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter a number of hours.")}) from None
    if not hours.is_finite():
        raise ValidationError({field: _("Enter a number of hours.")})
    return hours


@transaction.atomic
def service_level_set(*, provider: ProviderProfile, category_code: str, acknowledge_hours,
                      resolve_hours, actor, valid_from: datetime | None = None, note: str = "",
                      now: datetime | None = None) -> ServiceLevel:
    """Set a new service level from `valid_from` (default: now). Levels are never edited
    or back-dated: reports already received keep the level in force when they came in."""
    if actor is not None and not actor.has_perm("providers.set_service_levels"):
        raise PermissionDenied
    now = now or timezone.now()
    valid_from = valid_from or now
    if valid_from < now - timedelta(minutes=5):
        raise ValidationError({"valid_from": _("A service level cannot start in the past: "
                                               "reports already received keep their level.")})
    code = (category_code or "").strip()
    if code not in (provider.category_codes or []):
        raise ValidationError({"category_code": _("This provider does not handle this "
                                                  "category.")})
    level = ServiceLevel(provider=provider, category_code=code,
                         acknowledge_hours=_hours(acknowledge_hours, "acknowledge_hours"),
                         resolve_hours=_hours(resolve_hours, "resolve_hours"),
                         valid_from=valid_from, note=(note or "").strip()[:300], set_by=actor)
    if level.resolve_hours < level.acknowledge_hours:
        raise ValidationError({"resolve_hours": _("The time to resolve cannot be shorter than "
                                                  "the time to acknowledge.")})
    level.full_clean()
    try:
        with transaction.atomic():
            level.save()
    except IntegrityError:
        raise ValidationError(_("A level for this category already starts at that "
                                "moment.")) from None
    scorecards_schedule_recompute(now=now)
    return level


@transaction.atomic
def service_level_withdraw(*, level: ServiceLevel, actor, now: datetime | None = None) -> None:
    """Withdraw a planned level before it takes effect. A level in force (or once in force)
    is history that scorecards were measured against: set a new level instead."""
    if actor is not None and not actor.has_perm("providers.set_service_levels"):
        raise PermissionDenied
    now = now or timezone.now()
    locked = ServiceLevel.objects.select_for_update().get(pk=level.pk)
    if locked.valid_from <= now:
        raise ValidationError(_("This service level is already in force and stays in the "
                                "history: set a new level instead."))
    locked.delete()
    scorecards_schedule_recompute(now=now)


def current_levels(provider: ProviderProfile, *, at: datetime | None = None) -> dict:
    """Category code → the ServiceLevel row in force at `at` (default now)."""
    at = at or timezone.now()
    result: dict[str, ServiceLevel] = {}
    for level in provider.service_levels.filter(valid_from__lte=at).order_by("valid_from"):
        result[level.category_code] = level
    return result


# --- responses and subscriptions --------------------------------------------------------------

@transaction.atomic
def scorecard_response_publish(*, organisation: Organisation, month: date, text: str,
                               actor, now: datetime | None = None) -> ScorecardResponse:
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the response.")})
    if len(text) > 4000:
        raise ValidationError({"text": _("Keep the response under 4,000 characters.")})
    if not Scorecard.objects.filter(month=month, organisation=organisation).exists():
        raise ValidationError(_("There is no scorecard for this month yet."))
    response, _created = ScorecardResponse.objects.update_or_create(
        organisation=organisation, month=month,
        defaults={"text": text, "author": actor, "published_at": now})
    return response


@transaction.atomic
def subscription_set(*, user, organisation: Organisation, subscribed: bool) -> bool:
    if not getattr(user, "is_authenticated", False):
        raise ValidationError(_("Log in to subscribe."))
    if not user.email:
        raise ValidationError(_("Add an e-mail address to your account to receive "
                                "scorecards."))
    if subscribed:
        Subscription.objects.get_or_create(user=user, organisation=organisation)
    else:
        Subscription.objects.filter(user=user, organisation=organisation).delete()
    return subscribed


def subscriptions_send(*, month: date) -> int:
    """Mail `month`'s scorecard to each subscriber once; safe to run again."""
    sent = 0
    pending = (Subscription.objects.select_related("user", "organisation")
               .exclude(last_sent_month__gte=month))
    for sub in pending.iterator():
        card = Scorecard.objects.filter(month=month, organisation=sub.organisation,
                                        category_code="", district=None).first()
        if card is None or not sub.user.email:
            continue
        # Claim the row first, so a second worker running at the same time sends nothing.
        claimed = (Subscription.objects.filter(pk=sub.pk)
                   .exclude(last_sent_month__gte=month).update(last_sent_month=month))
        if not claimed:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            from .selectors import figure_rows

            body = render_to_string("providers/email_scorecard.txt", {
                "organisation": sub.organisation, "month": month,
                "rows": figure_rows(card.figures)})
            subject = _("%(name)s: monthly scorecard %(month)s") % {
                "name": sub.organisation.name, "month": f"{month:%Y-%m}"}
        send_mail(subject, body, None, [sub.user.email])
        sent += 1
    return sent


# --- surveys -------------------------------------------------------------------------------------

def respondent_key(*, survey: Survey, user, verification: Verification) -> str:
    """A per-survey keyed hash: one answer per resident (by PIN where known, else by
    account), and keys of two surveys cannot be linked to each other or to a person."""
    base = f"pin:{verification.voter_key}" if verification.voter_key else f"user:{user.pk}"
    message = f"survey:{survey.pk}:{base}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def survey_is_open(survey: Survey, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return survey.opens_at <= now < survey.closes_at


@transaction.atomic
def survey_answer(*, survey: Survey, user, score, now: datetime | None = None) -> SurveyAnswer:
    now = now or timezone.now()
    if not getattr(user, "is_authenticated", False):
        raise ValidationError(_("Log in as a verified resident to answer."))
    verification = Verification.objects.filter(user=user).first()
    if verification is None or verification.district_id is None:
        raise ValidationError(_("Only verified residents of the city can answer surveys."))
    if not survey_is_open(survey, now):
        raise ValidationError(_("This survey is not open."))
    if not survey.districts.filter(pk=verification.district_id).exists():
        raise ValidationError(_("This survey is for residents of other districts."))
    try:
        value = int(score)
    except (TypeError, ValueError):
        raise ValidationError({"score": _("Choose an answer from 1 to 5.")}) from None
    if not 1 <= value <= 5:
        raise ValidationError({"score": _("Choose an answer from 1 to 5.")})
    key = respondent_key(survey=survey, user=user, verification=verification)
    if SurveyAnswer.objects.filter(survey=survey, respondent_key=key).exists():
        raise ValidationError(_("You have already answered this survey."))
    answer = SurveyAnswer(survey=survey, respondent_key=key, district_id=verification.district_id,
                          score=value, answered_at=now)
    answer.full_clean()
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError:  # a double submit racing the check above
        raise ValidationError(_("You have already answered this survey.")) from None
    return answer


def has_answered(*, survey: Survey, user) -> bool:
    verification = Verification.objects.filter(user=user).first() if user.is_authenticated \
        else None
    if verification is None:
        return False
    key = respondent_key(survey=survey, user=user, verification=verification)
    return SurveyAnswer.objects.filter(survey=survey, respondent_key=key).exists()
