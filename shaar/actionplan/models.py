"""The OGP Local action plan: plans, commitments (OGP's commitment template), milestones,
progress with evidence, assessments, co-creation contributions and the supervisory board.

City-authored text has one field per language (`*_ky`, `*_ru`, `*_en`), read with
`shaar.lib.i18n.localized`. Text written by residents, staff and the monitor stays in the
language it was written in.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shaar.city.models import City, SampleDataMixin
from shaar.lib.i18n import localized

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from shaar.accounts.models import User

# --- Time: every date in this app is a date in the city's time zone ------------------------


def city_today(now: datetime.datetime | None = None) -> datetime.date:
    """Today's date in the city's time zone (City.time_zone), not the server's."""
    return timezone.localtime(now or timezone.now(), City.current().zone).date()


class Localized:
    """`obj.t.title` is `localized(obj, "title")`: handy in templates."""

    def __init__(self, obj: models.Model) -> None:
        self._obj = obj

    def __getattr__(self, field: str) -> str:
        return localized(self._obj, field)


class LocalizedMixin:
    @property
    def t(self) -> Localized:
        return Localized(self)  # type: ignore[arg-type]


# --- Plans -----------------------------------------------------------------------------------


class PlanQuerySet(models.QuerySet):
    def newest_first(self) -> PlanQuerySet:
        return self.order_by("-start_date", "-id")

    def public(self) -> PlanQuerySet:
        """Plans past drafting: a plan being drafted is the city's working copy."""
        return self.exclude(status=ActionPlan.Status.DRAFTING).newest_first()

    def visible_to(self, user: User | AnonymousUser) -> PlanQuerySet:
        """The public plans, and the drafts too for those who manage plans."""
        return self.newest_first() if user.has_perm("actionplan.manage") else self.public()


class ActionPlan(LocalizedMixin, SampleDataMixin):
    class Status(models.TextChoices):
        DRAFTING = "drafting", _("drafting")
        CONSULTATION = "consultation", _("public consultation")
        ADOPTED = "adopted", _("adopted")
        IMPLEMENTATION = "implementation", _("in implementation")
        CLOSED = "closed", _("closed")

    # The only moves a plan can make. Consultation can go back to drafting when the draft
    # needs another round; nothing goes back once the plan is adopted.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.DRAFTING: (Status.CONSULTATION,),
        Status.CONSULTATION: (Status.DRAFTING, Status.ADOPTED),
        Status.ADOPTED: (Status.IMPLEMENTATION,),
        Status.IMPLEMENTATION: (Status.CLOSED,),
        Status.CLOSED: (),
    }

    code = models.SlugField(_("code"), max_length=40, unique=True,
                            help_text=_("Used in addresses, e.g. bishkek-2025."))
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    summary_ky = models.TextField(_("summary (Kyrgyz)"), blank=True)
    summary_ru = models.TextField(_("summary (Russian)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFTING)
    consultation_ends = models.DateField(_("consultation ends"), null=True, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Moved forward by every action that changes the plan or anything in it, so the section
    # can say when it was last updated (OGP asks cities to keep their page current).
    last_updated = models.DateTimeField(_("last updated"), default=timezone.now)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="actionplan_plan_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The plan cannot end before it starts.")})

    def allowed_transitions(self) -> tuple[str, ...]:
        return self.TRANSITIONS.get(self.status, ())

    def is_backward(self, to_status: str) -> bool:
        order = list(self.Status.values)
        return to_status in order and order.index(to_status) < order.index(self.status)

    @property
    def is_open_for_contributions(self) -> bool:
        """In consultation, and (when an end date is set) not past it in the city's time."""
        if self.status != self.Status.CONSULTATION:
            return False
        return self.consultation_ends is None or city_today() <= self.consultation_ends

    @property
    def commitments_are_drafts(self) -> bool:
        return self.status in (self.Status.DRAFTING, self.Status.CONSULTATION)


class PlanStatusChange(models.Model):
    """Each move of a plan through its statuses: who, when and why (shown in history)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=ActionPlan.Status.choices)
    to_status = models.CharField(max_length=20, choices=ActionPlan.Status.choices)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.plan} {self.from_status} → {self.to_status}"


def _upload_path(instance: models.Model, filename: str) -> str:
    return f"actionplan/{timezone.now():%Y/%m}/{filename}"


class PlanDocument(LocalizedMixin, SampleDataMixin):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="documents")
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    file = models.FileField(_("file"), upload_to=_upload_path, blank=True)
    url = models.URLField(_("link"), blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("plan document")
        verbose_name_plural = _("plan documents")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return localized(self, "title")

    def clean(self) -> None:
        if not self.file and not self.url:
            raise ValidationError(_("Attach a file or give a link."))


# --- Commitments -----------------------------------------------------------------------------


class OgpValue(models.TextChoices):
    TRANSPARENCY = "transparency", _("transparency and access to information")
    PARTICIPATION = "participation", _("civic participation")
    ACCOUNTABILITY = "accountability", _("public accountability")
    TECHNOLOGY = "technology", _("technology and innovation for transparency and accountability")


OGP_VALUE_FIELDS = {
    OgpValue.TRANSPARENCY: "value_transparency",
    OgpValue.PARTICIPATION: "value_participation",
    OgpValue.ACCOUNTABILITY: "value_accountability",
    OgpValue.TECHNOLOGY: "value_technology",
}

COMMITMENT_CODE_RE = re.compile(r"^[A-Z]{5}\d{4}$")
SDG_RE = re.compile(r"^\s*(\d{1,2})(\s*,\s*\d{1,2})*\s*$")


def validate_sdgs(value: str) -> None:
    if not value:
        return
    if not SDG_RE.match(value) or any(not 1 <= int(n) <= 17 for n in value.split(",")):
        raise ValidationError(_("List Sustainable Development Goals as numbers from 1 to 17, "
                                "separated by commas (e.g. 11, 16)."))


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def with_value(self, value: str) -> CommitmentQuerySet:
        field = OGP_VALUE_FIELDS.get(value)  # type: ignore[call-overload]
        return self.filter(**{field: True}) if field else self

    def for_agency(self, department_id: int | None) -> CommitmentQuerySet:
        return self.filter(lead_agency_id=department_id) if department_id else self


class Commitment(LocalizedMixin, SampleDataMixin):
    """One commitment, with the fields of OGP Local's commitment template."""

    TEXT_FIELDS = ["title", "problem", "baseline", "status_quo", "description", "objective",
                   "contribution", "policy_area", "sector", "supporting_government",
                   "supporting_others", "contact_position", "budget_source",
                   "other_programmes"]

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="commitments")
    code = models.CharField(
        _("commitment ID"), max_length=9, unique=True,
        validators=[RegexValidator(COMMITMENT_CODE_RE, _("An OGP commitment ID is five capital "
                                                         "letters and four digits, e.g. "
                                                         "KGBSK0001."))])
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    problem_ky = models.TextField(_("problem addressed (Kyrgyz)"), blank=True)
    problem_ru = models.TextField(_("problem addressed (Russian)"), blank=True)
    problem_en = models.TextField(_("problem addressed (English)"), blank=True)
    baseline_ky = models.TextField(_("baseline (Kyrgyz)"), blank=True)
    baseline_ru = models.TextField(_("baseline (Russian)"), blank=True)
    baseline_en = models.TextField(_("baseline (English)"), blank=True)
    status_quo_ky = models.TextField(_("status quo (Kyrgyz)"), blank=True)
    status_quo_ru = models.TextField(_("status quo (Russian)"), blank=True)
    status_quo_en = models.TextField(_("status quo (English)"), blank=True)
    description_ky = models.TextField(_("what the commitment is (Kyrgyz)"), blank=True)
    description_ru = models.TextField(_("what the commitment is (Russian)"), blank=True)
    description_en = models.TextField(_("what the commitment is (English)"), blank=True)
    objective_ky = models.TextField(_("objective (Kyrgyz)"), blank=True)
    objective_ru = models.TextField(_("objective (Russian)"), blank=True)
    objective_en = models.TextField(_("objective (English)"), blank=True)
    contribution_ky = models.TextField(_("how it will contribute (Kyrgyz)"), blank=True)
    contribution_ru = models.TextField(_("how it will contribute (Russian)"), blank=True)
    contribution_en = models.TextField(_("how it will contribute (English)"), blank=True)
    value_transparency = models.BooleanField(_("transparency and access to information"),
                                             default=False)
    value_participation = models.BooleanField(_("civic participation"), default=False)
    value_accountability = models.BooleanField(_("public accountability"), default=False)
    value_technology = models.BooleanField(
        _("technology and innovation for transparency and accountability"), default=False)
    policy_area_ky = models.CharField(_("policy area (Kyrgyz)"), max_length=200, blank=True)
    policy_area_ru = models.CharField(_("policy area (Russian)"), max_length=200, blank=True)
    policy_area_en = models.CharField(_("policy area (English)"), max_length=200, blank=True)
    sector_ky = models.CharField(_("sector (Kyrgyz)"), max_length=200, blank=True)
    sector_ru = models.CharField(_("sector (Russian)"), max_length=200, blank=True)
    sector_en = models.CharField(_("sector (English)"), max_length=200, blank=True)
    lead_agency = models.ForeignKey("city.Department", on_delete=models.PROTECT,
                                    related_name="ogp_commitments",
                                    verbose_name=_("lead implementing agency"))
    supporting_government_ky = models.TextField(_("supporting government actors (Kyrgyz)"),
                                                blank=True)
    supporting_government_ru = models.TextField(_("supporting government actors (Russian)"),
                                                blank=True)
    supporting_government_en = models.TextField(_("supporting government actors (English)"),
                                                blank=True)
    supporting_others_ky = models.TextField(
        _("civil society, private sector and other actors (Kyrgyz)"), blank=True)
    supporting_others_ru = models.TextField(
        _("civil society, private sector and other actors (Russian)"), blank=True)
    supporting_others_en = models.TextField(
        _("civil society, private sector and other actors (English)"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_position_ky = models.CharField(_("contact position (Kyrgyz)"), max_length=200,
                                           blank=True)
    contact_position_ru = models.CharField(_("contact position (Russian)"), max_length=200,
                                           blank=True)
    contact_position_en = models.CharField(_("contact position (English)"), max_length=200,
                                           blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    budget = models.DecimalField(_("budget (som)"), max_digits=14, decimal_places=2,
                                 null=True, blank=True)
    budget_source_ky = models.CharField(_("budget source (Kyrgyz)"), max_length=300,
                                        blank=True)
    budget_source_ru = models.CharField(_("budget source (Russian)"), max_length=300,
                                        blank=True)
    budget_source_en = models.CharField(_("budget source (English)"), max_length=300,
                                        blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    other_programmes_ky = models.TextField(_("links to other programmes (Kyrgyz)"), blank=True)
    other_programmes_ru = models.TextField(_("links to other programmes (Russian)"), blank=True)
    other_programmes_en = models.TextField(_("links to other programmes (English)"), blank=True)
    sdgs = models.CharField(_("Sustainable Development Goals"), max_length=60, blank=True,
                            validators=[validate_sdgs], help_text=_("e.g. 11, 16"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["plan", "order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="actionplan_commitment_period_ordered"),
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0),
                                   name="actionplan_commitment_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def ogp_values(self) -> list[OgpValue]:
        return [value for value, field in OGP_VALUE_FIELDS.items() if getattr(self, field)]

    @property
    def sdg_list(self) -> list[int]:
        return [int(n) for n in self.sdgs.split(",")] if self.sdgs.strip() else []

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("A commitment cannot end before it starts.")
        if not self.ogp_values:
            errors["value_transparency"] = _("Choose at least one OGP value.")
        if errors:
            raise ValidationError(errors)


class Completion(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    LIMITED = "limited", _("limited")
    SUBSTANTIAL = "substantial", _("substantial")
    COMPLETE = "complete", _("complete")


# Share of the work a completion level stands for, for the dashboard's bars.
COMPLETION_PERCENT: dict[str, int] = {Completion.NOT_STARTED: 0, Completion.LIMITED: 33,
                      Completion.SUBSTANTIAL: 67, Completion.COMPLETE: 100}


class MilestoneQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date | None = None) -> MilestoneQuerySet:
        """Open milestones whose end date is before today in the city's time zone.

        A milestone due today is not overdue until the city's midnight has passed.
        """
        today = today or city_today()
        return self.filter(end_date__lt=today).exclude(
            status__in=[Milestone.Status.COMPLETED, Milestone.Status.WITHDRAWN])


class Milestone(LocalizedMixin, SampleDataMixin):
    # Set by the commitment page for its template.
    is_late: bool
    can_report: bool

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        COMPLETED = "completed", _("completed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE,
                                   related_name="milestones")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    deliverable_ky = models.TextField(_("verifiable deliverable (Kyrgyz)"))
    deliverable_ru = models.TextField(_("verifiable deliverable (Russian)"))
    deliverable_en = models.TextField(_("verifiable deliverable (English)"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    # The agency whose staff may post progress on this milestone.
    responsible = models.ForeignKey("city.Department", on_delete=models.PROTECT,
                                    related_name="ogp_milestones",
                                    verbose_name=_("responsible agency"))
    responsible_note = models.CharField(_("responsible actor (details)"), max_length=200,
                                        blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PLANNED)
    completion = models.CharField(_("completion level"), max_length=20,
                                  choices=Completion.choices, default=Completion.NOT_STARTED)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["commitment", "order", "end_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="actionplan_milestone_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.code}: {localized(self, 'deliverable')[:60]}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("A milestone cannot end before it starts.")})
        if self.status == self.Status.COMPLETED and self.completion != Completion.COMPLETE:
            raise ValidationError({"completion": _("A completed milestone has the completion "
                                                   "level “complete”.")})

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        if self.status in (self.Status.COMPLETED, self.Status.WITHDRAWN):
            return False
        return self.end_date < (today or city_today())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def percent(self) -> int:
        return COMPLETION_PERCENT[self.completion]


class ProgressUpdate(SampleDataMixin):
    """Progress on a milestone, posted by staff of the responsible agency, with evidence."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey("city.Department", on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("agency"))
    text = models.TextField(_("what was done"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=20, choices=Milestone.Status.choices)
    completion = models.CharField(_("completion level"), max_length=20,
                                  choices=Completion.choices)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.milestone} · {self.created_at:%Y-%m-%d}"


class Evidence(SampleDataMixin):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")
        LINK = "link", _("link")
        PHOTO = "photo", _("photo")

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE,
                               related_name="evidence")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_upload_path, blank=True)
    url = models.URLField(_("link"), blank=True, max_length=500)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="actionplan_evidence_link_or_file",
                condition=(Q(kind="link") & ~Q(url="")) | (~Q(kind="link") & ~Q(file="")),
            ),
        ]

    def __str__(self) -> str:
        return self.caption or self.url or self.file.name or ""


# --- Assessment ------------------------------------------------------------------------------


class Assessment(models.Model):
    """The city's self-assessment or the independent monitor's, of one commitment."""

    class Kind(models.TextChoices):
        SELF = "self", _("city self-assessment")
        INDEPENDENT = "independent", _("independent monitor")

    class Potential(models.TextChoices):
        UNCLEAR = "unclear", _("unclear")
        MODEST = "modest", _("modest")
        SUBSTANTIAL = "substantial", _("substantial")

    class OpenedGovernment(models.TextChoices):
        WORSENED = "worsened", _("worsened")
        NO_CHANGE = "no_change", _("did not change")
        MARGINAL = "marginal", _("marginal")
        MAJOR = "major", _("major")
        OUTSTANDING = "outstanding", _("outstanding")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE,
                                   related_name="assessments")
    kind = models.CharField(_("assessment"), max_length=12, choices=Kind.choices)
    verifiable = models.BooleanField(_("verifiable"), null=True, blank=True)
    verifiability_note = models.TextField(_("verifiability: explanation"), blank=True)
    relevant = models.BooleanField(_("relevant to OGP values"), null=True, blank=True)
    relevance_note = models.TextField(_("relevance: explanation"), blank=True)
    potential = models.CharField(_("potential for results"), max_length=12, blank=True,
                                 choices=Potential.choices)
    potential_note = models.TextField(_("potential for results: explanation"), blank=True)
    completion = models.CharField(_("completion level"), max_length=20, blank=True,
                                  choices=Completion.choices)
    completion_note = models.TextField(_("completion: explanation"), blank=True)
    opened_government = models.CharField(_("did it open government?"), max_length=12,
                                         blank=True, choices=OpenedGovernment.choices)
    opened_government_note = models.TextField(_("did it open government?: explanation"),
                                              blank=True)
    assessor_name = models.CharField(_("assessed by"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    is_sample = models.BooleanField(_("sample data"), default=False, editable=False)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "kind"],
                                    name="actionplan_one_assessment_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.code} · {self.get_kind_display()}"


class PlanMonitor(models.Model):
    """The independent monitor of one plan: a per-plan membership, not a site-wide role."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="monitors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="ogp_monitoring")
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    appointed_at = models.DateTimeField(_("appointed at"), default=timezone.now)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("independent monitor")
        verbose_name_plural = _("independent monitors")
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="actionplan_one_monitor_row"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.plan}"


# --- Co-creation -----------------------------------------------------------------------------


class ContributionQuerySet(models.QuerySet):
    def unanswered(self) -> ContributionQuerySet:
        """Contributions still owed a response. One hidden by a moderator for breaking the
        rules is answered by the published reason for hiding it."""
        return self.filter(response="", hidden_at__isnull=True)


class Contribution(SampleDataMixin):
    """A resident's or organisation's comment on a draft commitment, or their own idea."""

    class Response(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        MERGED = "merged", _("merged into a commitment")
        NOT_TAKEN = "not_taken", _("not taken")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="contributions")
    # Set for a comment on a draft commitment; empty for a new idea.
    commitment = models.ForeignKey(Commitment, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="contributions",
                                   verbose_name=_("commitment"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(_("name shown"), max_length=100, blank=True)
    organisation = models.CharField(_("on behalf of an organisation"), max_length=200,
                                    blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    # The interface language the author wrote in (empty: not known, written before it was
    # kept): a page in another language marks the text with `lang`.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES,
                                blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    response = models.CharField(_("response"), max_length=12, blank=True,
                                choices=Response.choices)
    response_text = models.TextField(_("reasons"), blank=True)
    merged_into = models.ForeignKey(Commitment, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_contributions",
                                    verbose_name=_("merged into"))
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["created_at", "id"]
        constraints = [
            # A response is never just a verdict: it carries its reasons.
            models.CheckConstraint(
                name="actionplan_response_has_reasons",
                condition=Q(response="") | ~Q(response_text=""),
            ),
            models.CheckConstraint(
                name="actionplan_hidden_has_reason",
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
            ),
            models.CheckConstraint(
                name="actionplan_merged_names_commitment",
                condition=~Q(response="merged") | Q(merged_into__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:60]

    @property
    def is_idea(self) -> bool:
        return self.commitment_id is None


# --- Supervisory board -----------------------------------------------------------------------


class BoardMemberQuerySet(models.QuerySet):
    def serving(self, today: datetime.date | None = None) -> BoardMemberQuerySet:
        today = today or city_today()
        return self.filter(term_start__lte=today).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=today))


class BoardMember(SampleDataMixin):
    class Sector(models.TextChoices):
        GOVERNMENT = "government", _("government")
        NON_GOVERNMENT = "non_government", _("non-government")

    class Position(models.TextChoices):
        CHAIR = "chair", _("chair")
        CO_CHAIR = "co_chair", _("co-chair")
        MEMBER = "member", _("member")

    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    organisation_ky = models.CharField(_("organisation (Kyrgyz)"), max_length=300)
    organisation_ru = models.CharField(_("organisation (Russian)"), max_length=300)
    organisation_en = models.CharField(_("organisation (English)"), max_length=300)
    position = models.CharField(_("position on the board"), max_length=10,
                                choices=Position.choices, default=Position.MEMBER)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="ogp_board_seats",
                             verbose_name=_("account"))
    # Contact details for notifications only; never shown publicly.
    email = models.EmailField(_("e-mail for notifications"), blank=True)
    phone = models.CharField(_("mobile number for SMS"), max_length=20, blank=True)
    language = models.CharField(_("language of notifications"), max_length=5,
                                choices=settings.LANGUAGES, default="ky")

    objects = BoardMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("board member")
        verbose_name_plural = _("board members")
        ordering = ["sector", "position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="actionplan_board_term_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation(self) -> str:
        return localized(self, "organisation")

    def is_serving(self, today: datetime.date | None = None) -> bool:
        today = today or city_today()
        return self.term_start <= today and (self.term_end is None or self.term_end >= today)


class Meeting(LocalizedMixin, SampleDataMixin):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    plan = models.ForeignKey(ActionPlan, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="meetings", verbose_name=_("action plan"))
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    location = models.CharField(_("place"), max_length=300)
    agenda_ky = models.TextField(_("agenda (Kyrgyz)"))
    agenda_ru = models.TextField(_("agenda (Russian)"))
    agenda_en = models.TextField(_("agenda (English)"))
    agenda_published_at = models.DateTimeField(_("agenda published at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SCHEDULED)
    minutes_ky = models.TextField(_("minutes (Kyrgyz)"), blank=True)
    minutes_ru = models.TextField(_("minutes (Russian)"), blank=True)
    minutes_en = models.TextField(_("minutes (English)"), blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published at"), null=True,
                                                blank=True)
    # Set when board members were notified; claimed with a filtered update so a task that
    # runs twice does not notify twice.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("board meeting")
        verbose_name_plural = _("board meetings")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{localized(self, 'title')} · {timezone.localtime(self.starts_at):%Y-%m-%d}"

    @property
    def notice_days(self) -> int:
        # Rounded, so an agenda published two weeks ahead to the minute reads "14 days".
        return round((self.starts_at - self.agenda_published_at).total_seconds() / 86400)


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(BoardMember, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"],
                                    name="actionplan_one_attendance_row"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.meeting}"


class Decision(LocalizedMixin, SampleDataMixin):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text_ky = models.TextField(_("decision (Kyrgyz)"))
    text_ru = models.TextField(_("decision (Russian)"))
    text_en = models.TextField(_("decision (English)"))
    commitments = models.ManyToManyField(Commitment, blank=True, related_name="decisions",
                                         verbose_name=_("commitments concerned"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return localized(self, "text")[:80]


class MeetingDocument(LocalizedMixin, SampleDataMixin):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    file = models.FileField(_("file"), upload_to=_upload_path, blank=True)
    url = models.URLField(_("link"), blank=True)
    shared_at = models.DateTimeField(_("shared at"), default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["shared_at", "id"]

    def __str__(self) -> str:
        return localized(self, "title")

    def clean(self) -> None:
        if not self.file and not self.url:
            raise ValidationError(_("Attach a file or give a link."))
