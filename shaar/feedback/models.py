"""Citizen feedback: categories (Open311 services), routing, reports and their history.

Scorecards (the providers app) read reports, their status events (`ReportEvent`), ratings
and categories through `selectors.handled_reports` and its neighbours, and follow changes
through `signals.report_event_recorded`: fields here can change without them knowing.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shaar.city.models import NamedMixin, SampleDataMixin
from shaar.lib.i18n import localized


class Group(models.TextChoices):
    ROADS = "roads", _("Roads and pavements")
    LIGHTING = "lighting", _("Street lighting")
    WASTE = "waste", _("Waste and cleanliness")
    WATER = "water", _("Water and sewerage")
    HEATING = "heating", _("Heating and hot water")
    TRANSPORT = "transport", _("Public transport")
    GREEN = "green", _("Parks and green spaces")
    LIFTS = "lifts", _("Lifts")
    ORDER = "order", _("Public order")
    OTHER = "other", _("Other")


class Category(NamedMixin, SampleDataMixin):
    """A kind of problem; its `code` is the Open311 service_code."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices,
                             default=Group.OTHER)
    description_ky = models.TextField(_("description (Kyrgyz)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    # Service levels: the targets the city sets and the scorecards measure.
    target_hours_acknowledge = models.PositiveIntegerField(
        _("target hours to acknowledge"), default=24)
    target_hours_resolve = models.PositiveIntegerField(_("target hours to resolve"), default=240)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]

    @property
    def description(self) -> str:
        return localized(self, "description")


class Question(models.Model):
    """An extra question for a category (an Open311 attribute)."""

    class Datatype(models.TextChoices):
        STRING = "string", _("short text")
        NUMBER = "number", _("number")
        DATETIME = "datetime", _("date and time")
        TEXT = "text", _("long text")
        SINGLE = "singlevaluelist", _("one choice from a list")
        MULTI = "multivaluelist", _("several choices from a list")

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=60)
    datatype = models.CharField(_("type"), max_length=20, choices=Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    label_ky = models.CharField(_("question (Kyrgyz)"), max_length=300)
    label_ru = models.CharField(_("question (Russian)"), max_length=300)
    label_en = models.CharField(_("question (English)"), max_length=300)
    # For list types: [{"key": "...", "name_ky": ..., "name_ru": ..., "name_en": ...}, ...]
    values = models.JSONField(_("choices"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "code"],
                                               name="feedback_question_code_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self, "label")

    @property
    def is_list(self) -> bool:
        return self.datatype in (self.Datatype.SINGLE, self.Datatype.MULTI)

    def choices(self) -> list[tuple[str, str]]:
        return [(str(v.get("key")), localized(_Obj(v), "name") or str(v.get("key")))
                for v in self.values or []]


class _Obj:
    def __init__(self, data: dict) -> None:
        self.__dict__.update(data)

    def __getattr__(self, name: str) -> str:
        return ""


class RoutingRule(SampleDataMixin):
    """Category × district → the department or provider that handles it.

    A rule without a district applies city-wide; a district rule wins over it. A report
    with no matching rule goes to city triage (no department, no organisation).
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="rules",
                                 verbose_name=_("category"))
    district = models.ForeignKey("city.District", null=True, blank=True,
                                 on_delete=models.CASCADE, verbose_name=_("district"))
    department = models.ForeignKey("city.Department", null=True, blank=True,
                                   on_delete=models.CASCADE, verbose_name=_("department"))
    organisation = models.ForeignKey("city.Organisation", null=True, blank=True,
                                     on_delete=models.CASCADE, verbose_name=_("organisation"))

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.CheckConstraint(
                name="feedback_rule_one_target",
                condition=(models.Q(department__isnull=False, organisation__isnull=True)
                           | models.Q(department__isnull=True, organisation__isnull=False))),
            models.UniqueConstraint(fields=["category", "district"],
                                    name="feedback_rule_unique_district",
                                    condition=models.Q(district__isnull=False)),
            models.UniqueConstraint(fields=["category"], name="feedback_rule_unique_citywide",
                                    condition=models.Q(district__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.district or '*'} → {self.department or self.organisation}"


class Status(models.TextChoices):
    NEW = "new", _("new")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    IN_PROGRESS = "in_progress", _("in progress")
    RESOLVED = "resolved", _("resolved")
    REJECTED = "rejected", _("rejected")
    DUPLICATE = "duplicate", _("duplicate")


OPEN_STATUSES = (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
CLOSED_STATUSES = (Status.RESOLVED, Status.REJECTED, Status.DUPLICATE)

# The status machine: which changes staff may make.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED,
                 Status.DUPLICATE},
    Status.ACKNOWLEDGED: {Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED,
                          Status.DUPLICATE},
    Status.IN_PROGRESS: {Status.RESOLVED, Status.REJECTED, Status.DUPLICATE},
    # Closed reports are reopened by the reporter ("was it fixed? no") or by staff.
    Status.RESOLVED: {Status.IN_PROGRESS},
    Status.REJECTED: {Status.IN_PROGRESS},
    Status.DUPLICATE: {Status.IN_PROGRESS},
}

# The change staff usually make next: preselected on the staff report page.
NEXT_STATUS: dict[str, str] = {
    Status.NEW: Status.ACKNOWLEDGED,
    Status.ACKNOWLEDGED: Status.IN_PROGRESS,
    Status.IN_PROGRESS: Status.RESOLVED,
}

# Organisations a report can be routed to: those that do the work (not NGOs or groups).
HANDLING_KINDS = ("provider", "contractor")


class Channel(models.TextChoices):
    WEB = "web", _("website")
    APP = "app", _("mobile app")
    OPEN311 = "open311", _("Open311 client")
    PHONE = "phone", _("phone")
    LETTER = "letter", _("letter")
    IN_PERSON = "in_person", _("in person")
    EPORTAL = "eportal", _("state e-portal")


STAFF_CHANNELS = (Channel.PHONE, Channel.LETTER, Channel.IN_PERSON, Channel.EPORTAL)


class ReportQuerySet(models.QuerySet["Report"]):
    def public(self) -> ReportQuerySet:
        return self.filter(is_hidden=False)

    def open(self) -> ReportQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None) -> ReportQuerySet:
        now = now or timezone.now()
        return self.filter(
            models.Q(status=Status.NEW, acknowledge_due_at__lt=now)
            | models.Q(status__in=OPEN_STATUSES, resolve_due_at__lt=now))


DESCRIPTION_MAX_LENGTH = 4000


class Report(SampleDataMixin):
    # Foreign keys that lead a composite index in Meta get no index of their own: every
    # index costs each of the many submissions an insertion.
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports",
                                 verbose_name=_("category"), db_index=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.NEW)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices,
                               default=Channel.WEB)
    # No point: an Open311 request with an address only, not found in the city's address
    # data (actions.point_for_address). It goes to city triage and is shown without a pin.
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    district = models.ForeignKey("city.District", null=True, blank=True,
                                 on_delete=models.SET_NULL, verbose_name=_("district"),
                                 db_index=False)
    # One limit for the web form, the API, Open311 and staff appeals, checked by full_clean
    # (a TextField's max_length alone only sizes the form's field).
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH,
                                   validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)])
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # Private: never shown publicly nor returned by any API.
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="feedback_reports")
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The interface language the report was sent in: updates to the reporter use it.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    client = models.ForeignKey("feedback.ApiClient", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    # Routing: both empty means the city triage queue.
    department = models.ForeignKey("city.Department", null=True, blank=True,
                                   on_delete=models.SET_NULL, verbose_name=_("department"),
                                   db_index=False)
    organisation = models.ForeignKey("city.Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, verbose_name=_("organisation"),
                                     db_index=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("assigned to"))
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="duplicates")
    status_note = models.CharField(_("public status note"), max_length=1000, blank=True)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # Denormalised from the events for fast lists and overdue filters.
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    acknowledge_due_at = models.DateTimeField(null=True, blank=True)
    resolve_due_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveIntegerField(default=0)
    supporter_count = models.PositiveIntegerField(_("“me too”"), default=0)
    # Past appeals the city imported (its hotline's, the state e-portal's), not reported here.
    is_imported = models.BooleanField(_("imported"), default=False, editable=False)
    # At most one SMS an hour to the reporter: updates in between are gathered into one
    # message, due at the end of the hour (feedback.actions.report_sms_claim).
    last_sms_at = models.DateTimeField(null=True, blank=True, editable=False)
    sms_digest_due = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        indexes = [
            # Lists and the map read one district and month newest first, paged by
            # (created_at, id): this index serves that order without sorting.
            # The trailing columns let the map's pins come from the index alone (an
            # index-only scan); they are key columns because SQLite has no INCLUDE.
            models.Index(fields=["district", "created_at", "id", "lat", "lon", "category",
                                 "status", "is_hidden", "acknowledge_due_at",
                                 "resolve_due_at"],
                         name="fb_report_district_map"),
            models.Index(fields=["category", "status"], name="fb_report_category_status"),
            models.Index(fields=["status", "created_at"], name="fb_report_status_time"),
            models.Index(fields=["organisation", "status"], name="fb_report_org_status"),
            models.Index(fields=["department", "status"], name="fb_report_dept_status"),
            models.Index(fields=["lat", "lon"], name="fb_report_point"),
            models.Index(fields=["updated_at"], name="fb_report_updated"),
            # A month of reports by receipt time (provider scorecards).
            models.Index(fields=["created_at"], name="fb_report_created"),
        ]
        constraints = [
            models.CheckConstraint(name="feedback_report_lat_range",
                                   condition=models.Q(lat__gte=-90, lat__lte=90)),
            models.CheckConstraint(name="feedback_report_lon_range",
                                   condition=models.Q(lon__gte=-180, lon__lte=180)),
            models.CheckConstraint(name="feedback_report_point_whole",
                                   condition=models.Q(lat__isnull=True, lon__isnull=True)
                                   | models.Q(lat__isnull=False, lon__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        now = timezone.now()
        if self.status == Status.NEW and self.acknowledge_due_at and self.acknowledge_due_at < now:
            return True
        return bool(self.is_open and self.resolve_due_at and self.resolve_due_at < now)

    @property
    def responsible(self):
        return self.organisation or self.department

    def set_due_dates(self) -> None:
        self.acknowledge_due_at = self.created_at + timedelta(
            hours=self.category.target_hours_acknowledge)
        self.resolve_due_at = self.created_at + timedelta(hours=self.category.target_hours_resolve)


class ReportEvent(models.Model):
    """The history of a report: one row per change, with its time and actor.

    Status rows keep from/to status and the department/organisation responsible at that
    moment, so times to acknowledge and resolve can be computed per provider.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("reported")
        STATUS = "status", _("status changed")
        REPLY = "reply", _("public reply")
        NOTE = "note", _("internal note")
        ROUTED = "routed", _("routed")
        ASSIGNED = "assigned", _("assigned")
        ME_TOO = "me_too", _("“me too”")
        RATED = "rated", _("rated")
        REOPENED = "reopened", _("reopened")
        MODERATED = "moderated", _("moderated")

    # Indexed by the composite indexes in Meta, like the organisation.
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events",
                               db_index=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    text = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey("city.Department", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey("city.Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     db_index=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "created_at"], name="fb_event_report_time"),
                   models.Index(fields=["organisation", "kind", "created_at"],
                                name="fb_event_org_kind_time")]

    def __str__(self) -> str:
        return f"#{self.report_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


def photo_path(instance: Photo, filename: str) -> str:
    return f"feedback/{instance.report_id}/{uuid.uuid4().hex}.jpg"


def thumb_path(instance: Photo, filename: str) -> str:
    return f"feedback/{instance.report_id}/thumb-{uuid.uuid4().hex}.jpg"


class Photo(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    # Already re-encoded without EXIF/GPS when saved; never the uploaded bytes.
    image = models.ImageField(upload_to=photo_path, max_length=200)
    thumbnail = models.ImageField(upload_to=thumb_path, max_length=200, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.report_id} photo {self.pk}"


class Supporter(models.Model):
    """A "me too" on a report: one per account or per anonymous browser."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supporters")
    key = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "key"],
                                               name="feedback_supporter_unique")]

    def __str__(self) -> str:
        return f"#{self.report_id} +1"


class Rating(models.Model):
    """The reporter's answer to "Was it fixed?" after a resolution."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="ratings")
    fixed = models.BooleanField(_("fixed"))
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    organisation = models.ForeignKey("city.Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey("city.Department", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.CheckConstraint(name="feedback_rating_range",
                                              condition=models.Q(score__gte=1, score__lte=5))]

    def __str__(self) -> str:
        return f"#{self.report_id} {self.score}/5"


class IdempotencyKey(models.Model):
    """A submission's Idempotency-Key with the first response, kept for 24 hours."""

    key = models.CharField(max_length=200, unique=True)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.key


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiClientManager(models.Manager["ApiClient"]):
    def for_api_key(self, key: str) -> ApiClient | None:
        if not key:
            return None
        return self.filter(key_hash=hash_api_key(key), is_active=True).first()


class ApiClient(SampleDataMixin):
    """An Open311 client (a call centre, a native app) with its API key.

    Only the key's hash is stored; the admin shows a new key once when it is created.
    """

    name = models.CharField(_("name"), max_length=200)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices,
                               default=Channel.OPEN311)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ApiClientManager()

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name

    def set_key(self, key: str) -> None:
        self.key_hash = hash_api_key(key)
        self.key_prefix = key[:8]
