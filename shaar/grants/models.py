"""Community grants: calls, applicant organisations, applications, evaluation, awards.

Applicants are `city.Organisation` rows of kind ngo/community. The grants app adds an
`ApplicantProfile` (one-to-one with the organisation: legal name, registration number,
contacts, members living in the city) and `Membership` rows linking user accounts to the
organisation. One person may act for several organisations; an evaluator who is a member of
an applicant organisation can never see that organisation's applications.

Money is whole units of the city's currency (City.currency) in integer fields. All datetimes
are aware; the call deadline is the instant `closes_at`: a submission is accepted while
`now < closes_at`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shaar.city.models import NamedMixin, SampleDataMixin
from shaar.lib.i18n import localized


class ApplicantProfile(SampleDataMixin):
    """What the grants programme needs to know about an applicant organisation."""

    organisation = models.OneToOneField("city.Organisation", on_delete=models.CASCADE,
                                        related_name="grant_profile",
                                        verbose_name=_("organisation"))
    legal_name = models.CharField(_("legal name"), max_length=300)
    registration_number = models.CharField(
        _("registration number"), max_length=60, blank=True,
        help_text=_("Ministry of Justice registration number; empty for an informal group."))
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    resident_members = models.PositiveIntegerField(
        _("members living in the city"), default=0,
        help_text=_("For an informal group: how many residents are members."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("applicant profile")
        verbose_name_plural = _("applicant profiles")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def is_registered(self) -> bool:
        return bool(self.registration_number.strip())


class Membership(models.Model):
    """A user acting for (or belonging to) an applicant organisation."""

    profile = models.ForeignKey(ApplicantProfile, on_delete=models.CASCADE,
                                related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="grant_memberships")
    is_representative = models.BooleanField(
        _("may act for the organisation"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation member")
        verbose_name_plural = _("organisation members")
        constraints = [models.UniqueConstraint(fields=["profile", "user"],
                                               name="grants_unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} · {self.profile}"


class CallQuerySet(models.QuerySet):
    def published(self) -> CallQuerySet:
        return self.exclude(status=Call.Status.DRAFT)

    def open_at(self, when) -> CallQuerySet:
        return self.published().filter(opens_at__lte=when, closes_at__gt=when)


class Call(SampleDataMixin):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        DECIDED = "decided", _("decisions published")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_ky = models.TextField(_("description (Kyrgyz)"))
    description_ru = models.TextField(_("description (Russian)"))
    description_en = models.TextField(_("description (English)"))
    envelope = models.PositiveBigIntegerField(_("total envelope"))
    max_per_grant = models.PositiveBigIntegerField(_("maximum per grant"))
    allow_ngos = models.BooleanField(_("registered NGOs may apply"), default=True)
    allow_community_groups = models.BooleanField(_("informal community groups may apply"),
                                                 default=True)
    min_group_residents = models.PositiveIntegerField(
        _("minimum residents in an informal group"), default=5)
    districts = models.ManyToManyField("city.District", blank=True,
                                       verbose_name=_("districts"),
                                       help_text=_("Leave empty for the whole city."))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    cofunding_min_percent = models.DecimalField(
        # A bare "%", never %-formatted: this keeps xgettext from flagging it python-format.
        # xgettext:no-python-format
        _("minimum co-funding, % of the project cost"), max_digits=5, decimal_places=2,
        default=Decimal("10"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    scale_max = models.PositiveSmallIntegerField(
        _("scoring scale maximum"), default=10, validators=[MinValueValidator(1)])
    spread_threshold = models.DecimalField(
        _("spread that flags an application for discussion"), max_digits=6, decimal_places=2,
        default=Decimal("3"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    closed_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decisions published at"), null=True, blank=True,
                                      editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant call")
        verbose_name_plural = _("grant calls")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                   name="grants_call_closes_after_opening"),
            models.CheckConstraint(condition=models.Q(max_per_grant__lte=models.F("envelope")),
                                   name="grants_call_max_within_envelope"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and self.opens_at <= now < self.closes_at

    def is_closed(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.DECIDED or (
            self.status == self.Status.PUBLISHED and now >= self.closes_at)

    @property
    def phase(self) -> str:
        now = timezone.now()
        if self.status == self.Status.DRAFT:
            return "draft"
        if self.status == self.Status.DECIDED:
            return "decided"
        if now < self.opens_at:
            return "upcoming"
        if now < self.closes_at:
            return "open"
        return "evaluation"

    def get_phase_display(self) -> str:
        return str(PHASE_LABELS[self.phase])


PHASE_LABELS = {
    "draft": _("draft"),
    "upcoming": _("opens soon"),
    "open": _("open for applications"),
    "evaluation": _("closed, under evaluation"),
    "decided": _("decisions published"),
}


class RequiredDocument(NamedMixin):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="documents")
    is_required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["order", "id"]


class Criterion(NamedMixin):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["order", "id"]


class Clarification(models.Model):
    """A public question about a call and the city's answer (shown once answered)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="clarifications")
    question = models.TextField(_("question"), max_length=2000)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")
        ordering = ["asked_at"]

    def __str__(self) -> str:
        return self.question[:60]


class CommitteeMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        MEMBER = "member", _("member")

    class Side(models.TextChoices):
        CITY = "city", pgettext_lazy("committee side", "city")
        CIVIL_SOCIETY = "civil_society", _("civil society")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="committee")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="grant_committees")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices,
                            default=Role.MEMBER)
    side = models.CharField(_("from"), max_length=20, choices=Side.choices, default=Side.CITY)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="grants_unique_committee_seat"),
            models.UniqueConstraint(fields=["call"], condition=models.Q(role="chair"),
                                    name="grants_one_chair_per_call"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Application(SampleDataMixin):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        WITHDRAWN = "withdrawn", _("withdrawn")
        AWARDED = "awarded", _("awarded")
        NOT_AWARDED = "not_awarded", _("not awarded")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    profile = models.ForeignKey(ApplicantProfile, on_delete=models.PROTECT,
                                related_name="applications", verbose_name=_("organisation"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    problem = models.TextField(_("problem addressed"), max_length=5000, blank=True)
    activities = models.TextField(_("activities"), max_length=5000, blank=True)
    timeline = models.TextField(_("timeline"), max_length=3000, blank=True)
    district = models.ForeignKey("city.District", null=True, blank=True,
                                 on_delete=models.PROTECT, verbose_name=_("district"))
    beneficiaries = models.PositiveIntegerField(_("expected beneficiaries"), default=0)
    beneficiaries_description = models.CharField(_("who benefits"), max_length=500,
                                                 blank=True)
    requested_amount = models.PositiveBigIntegerField(_("requested"), default=0,
                                                      editable=False)
    cofunding_amount = models.PositiveBigIntegerField(_("co-funding"), default=0,
                                                      editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("grant application")
        verbose_name_plural = _("grant applications")
        ordering = ["-created_at"]
        constraints = [
            # One live application per organisation per call; a withdrawn one does not count.
            models.UniqueConstraint(fields=["call", "profile"],
                                    condition=~models.Q(status="withdrawn"),
                                    name="grants_one_live_application_per_org"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def total_cost(self) -> int:
        return self.requested_amount + self.cofunding_amount

    @property
    def is_in_competition(self) -> bool:
        return self.status in {self.Status.SUBMITTED, self.Status.AWARDED,
                               self.Status.NOT_AWARDED}


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="budget_lines")
    item = models.CharField(_("item"), max_length=200)
    requested = models.PositiveBigIntegerField(_("from the grant"), default=0)
    cofunding = models.PositiveBigIntegerField(_("co-funding"), default=0)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.item

    @property
    def total(self) -> int:
        return self.requested + self.cofunding


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Application attachments may hold personal data: they live outside MEDIA_ROOT, are
    never served as static media, and are streamed only through the access-checked view."""

    def __init__(self) -> None:
        super().__init__(location=settings.GRANTS_PRIVATE_ROOT)


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"grants/applications/{instance.application_id}/{filename}"


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="attachments")
    document = models.ForeignKey(RequiredDocument, null=True, blank=True,
                                 on_delete=models.SET_NULL, verbose_name=_("document"))
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300,
                            storage=PrivateStorage())
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ConflictDeclaration(models.Model):
    """An evaluator's statement, made before seeing an application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="declarations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    has_conflict = models.BooleanField(_("I have a conflict of interest"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        constraints = [models.UniqueConstraint(fields=["application", "evaluator"],
                                               name="grants_one_declaration")]

    def __str__(self) -> str:
        return f"{self.evaluator} · {self.application}"


class Evaluation(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="evaluations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [models.UniqueConstraint(fields=["application", "evaluator"],
                                               name="grants_one_evaluation")]

    def __str__(self) -> str:
        return f"{self.evaluator} · {self.application}"


class Score(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE,
                                   related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), max_length=2000)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["evaluation", "criterion"],
                                               name="grants_one_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Decision(models.Model):
    """The chair's award decision for one application, recorded before publication."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE,
                                       related_name="decision")
    awarded = models.BooleanField(_("awarded"))
    amount = models.PositiveBigIntegerField(_("awarded amount"), default=0)
    rank = models.PositiveIntegerField(_("rank when decided"))
    follows_ranking = models.BooleanField(default=True)
    reason = models.TextField(_("reason"), blank=True)
    envelope_override = models.BooleanField(_("exceeds the envelope (override)"),
                                            default=False)
    override_reason = models.TextField(_("override reason"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(awarded=True) | models.Q(amount=0),
                name="grants_decision_amount_only_when_awarded"),
            models.CheckConstraint(
                condition=models.Q(follows_ranking=True) | ~models.Q(reason=""),
                name="grants_decision_departure_has_reason"),
            models.CheckConstraint(
                condition=models.Q(envelope_override=False) | ~models.Q(override_reason=""),
                name="grants_decision_override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.awarded}"


class Award(SampleDataMixin):
    class Status(models.TextChoices):
        ACTIVE = "active", _("in progress")
        CLOSED = "closed", _("closed")

    application = models.OneToOneField(Application, on_delete=models.PROTECT,
                                       related_name="award")
    amount = models.PositiveBigIntegerField(_("amount"))
    agreement_number = models.CharField(_("agreement number"), max_length=60, blank=True)
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    project_start = models.DateField(_("project start"), null=True, blank=True)
    project_end = models.DateField(_("project end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.ACTIVE)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("grant award")
        verbose_name_plural = _("grant awards")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.application)


class Tranche(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        PAID = "paid", _("paid")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("number"))
    planned_on = models.DateField(_("planned date"))
    planned_amount = models.PositiveBigIntegerField(_("planned amount"))
    requires_accepted_report = models.BooleanField(
        _("paid only after an accepted report"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNED)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.PositiveBigIntegerField(_("paid amount"), null=True, blank=True)

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="grants_tranche_number"),
            models.CheckConstraint(
                condition=models.Q(status="planned", paid_on__isnull=True)
                | models.Q(status="paid", paid_on__isnull=False, paid_amount__isnull=False),
                name="grants_tranche_paid_has_date_and_amount"),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class Report(models.Model):
    class Kind(models.TextChoices):
        INTERIM = "interim", _("interim report")
        FINAL = "final", _("final report")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted, under review")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned for changes")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    narrative = models.TextField(_("what was done"), max_length=10000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("city's comment"), blank=True)

    class Meta:
        verbose_name = _("grantee report")
        verbose_name_plural = _("grantee reports")
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.award}"

    @property
    def total_spent(self) -> int:
        return sum(line.spent for line in self.spending.all())


class ReportSpending(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="spending")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="+")
    spent = models.PositiveBigIntegerField(_("spent from the grant"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "budget_line"],
                                               name="grants_one_spending_per_line")]

    def __str__(self) -> str:
        return f"{self.budget_line}: {self.spent}"


def photo_path(instance: ReportPhoto, filename: str) -> str:
    return f"grants/reports/{instance.report_id}/{filename}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_path, max_length=300)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or self.image.name or ""
