"""Civic budget: cycles, pools, proposals, reviews, ballots, results and implementation.

A ballot is stored without the user's id: only `voter_key` (an HMAC of the PIN, or of the
phone number for pools that accept SMS-verified phones) links it to a person, and the
database refuses a second current ballot for the same key in the same pool.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shaar.city.models import NamedMixin, SampleDataMixin


class Phase(models.TextChoices):
    INFORMATION = "information", _("information")
    PROPOSALS = "proposals", _("proposals")
    REVIEW = "review", _("review")
    VOTING = "voting", _("voting")
    COUNTING = "counting", _("counting")
    RESULTS = "results", _("results")
    IMPLEMENTATION = "implementation", _("implementation")


PHASE_ORDER = [p.value for p in Phase]
# From voting on, ballot rules, budgets and project costs may not change.
FROZEN_PHASES = {"voting", "counting", "results", "implementation"}
PUBLISHED_PHASES = {"results", "implementation"}


class CycleQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(phase=Phase.INFORMATION, is_public=False)


class Cycle(NamedMixin, SampleDataMixin):
    """One civic-budget round, e.g. "Civic budget 2027". A new round is a new row."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    description_ky = models.TextField(_("description (Kyrgyz)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices,
                             default=Phase.INFORMATION)
    is_public = models.BooleanField(_("public"), default=True)
    proposals_open = models.DateField(_("proposals open"), null=True, blank=True)
    review_starts = models.DateField(_("review starts"), null=True, blank=True)
    voting_opens = models.DateTimeField(_("voting opens"), null=True, blank=True)
    voting_closes = models.DateTimeField(_("voting closes"), null=True, blank=True)
    results_date = models.DateField(_("results published"), null=True, blank=True)
    allow_ballot_change = models.BooleanField(
        _("voters may change an online ballot"), default=False,
        help_text=_("Off by default: a ballot is final once cast. When on, a voter may replace "
                    "an online ballot until voting closes and the last one counts; a paper "
                    "ballot is always final."))
    published_at = models.DateTimeField(_("results published at"), null=True, blank=True,
                                        editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("civic budget cycle")
        verbose_name_plural = _("civic budget cycles")
        ordering = ["-created_at"]

    @property
    def description(self) -> str:
        from shaar.lib.i18n import localized

        return localized(self, "description")

    @property
    def is_frozen(self) -> bool:
        return self.phase in FROZEN_PHASES

    @property
    def is_published(self) -> bool:
        return self.phase in PUBLISHED_PHASES

    @property
    def voting_is_open(self) -> bool:
        return self.phase == Phase.VOTING

    @property
    def phase_index(self) -> int:
        return PHASE_ORDER.index(self.phase)


class Pool(NamedMixin, SampleDataMixin):
    """Money for one area: the city-wide pool (no district) or one district's."""

    class BallotForm(models.TextChoices):
        APPROVAL = "approval", _("approve up to a number of projects")
        KNAPSACK = "knapsack", _("choose projects within the budget")

    class Rule(models.TextChoices):
        GREEDY = "greedy", _("greedy by votes")
        MES = "mes", _("Method of Equal Shares, completed greedily")
        MES_LIMIT = "mes-add1-to-limit", _("Method of Equal Shares, budget raised to its limit")
        PHRAGMEN = "phragmen", _("sequential Phragmén")

    # What a ballot is checked against (a subset of FROZEN_FIELDS).
    BALLOT_RULE_FIELDS = ("budget", "ballot_form", "max_projects")
    FROZEN_FIELDS = ("budget", "ballot_form", "max_projects", "rule", "accepts_phone",
                     "accepts_register", "accepts_in_person", "district_id")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="pools",
                              verbose_name=_("cycle"))
    district = models.ForeignKey("city.District", null=True, blank=True,
                                 on_delete=models.PROTECT, verbose_name=_("district"),
                                 help_text=_("Empty for the city-wide pool."))
    budget = models.PositiveBigIntegerField(_("budget (som)"))
    ballot_form = models.CharField(_("ballot form"), max_length=20, choices=BallotForm.choices,
                                   default=BallotForm.KNAPSACK)
    max_projects = models.PositiveSmallIntegerField(
        _("maximum projects per ballot"), default=5, validators=[MinValueValidator(1)],
        help_text=_("Used with the approval ballot form."))
    rule = models.CharField(_("counting rule"), max_length=30, choices=Rule.choices,
                            default=Rule.GREEDY)
    accepts_phone = models.BooleanField(_("accepts SMS-verified phones"), default=False)
    accepts_register = models.BooleanField(_("accepts the residency register"), default=True)
    accepts_in_person = models.BooleanField(_("accepts in-person verification"), default=True)
    # Head of the receipt chain; the row is locked while a ballot is appended.
    last_receipt = models.CharField(max_length=64, blank=True, editable=False)
    ballot_seq = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("pool")
        verbose_name_plural = _("pools")
        ordering = ["cycle", "district__code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "district"], name="one_pool_per_district",
                                    condition=models.Q(district__isnull=False)),
            models.UniqueConstraint(fields=["cycle"], name="one_citywide_pool",
                                    condition=models.Q(district__isnull=True)),
            models.CheckConstraint(condition=models.Q(budget__gt=0), name="pool_budget_positive"),
        ]

    @property
    def is_citywide(self) -> bool:
        return self.district_id is None

    def accepted_methods(self) -> set[str]:
        return {m for m, ok in (("phone", self.accepts_phone), ("register", self.accepts_register),
                                ("in_person", self.accepts_in_person)) if ok}

    def clean(self) -> None:
        if not self.accepted_methods():
            raise ValidationError(_("A pool must accept at least one kind of verification."))
        if self.pk:
            old = Pool.objects.filter(pk=self.pk).select_related("cycle").first()
            if old and old.cycle.is_frozen and any(
                    getattr(old, f) != getattr(self, f) for f in self.FROZEN_FIELDS):
                raise ValidationError(_("Voting has opened: the pool's budget, ballot form, "
                                        "counting rule and voter checks can no longer change."))


class Category(models.TextChoices):
    ROADS = "roads", _("roads and pavements")
    PARKS = "parks", _("parks and greenery")
    PLAYGROUNDS = "playgrounds", _("playgrounds and sport")
    LIGHTING = "lighting", _("street lighting")
    ACCESSIBILITY = "accessibility", _("accessibility")
    CULTURE = "culture", _("culture and education")
    ENVIRONMENT = "environment", _("environment and waste")
    OTHER = "other", _("other")


class ProposalQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden=False).exclude(status__in=["draft"])

    def on_ballot(self):
        return self.filter(status=Proposal.Status.APPROVED, hidden=False)


class Proposal(SampleDataMixin):
    """A resident's idea. Once approved in review it is a project on the pool's ballot."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        IN_REVIEW = "in_review", _("in review")
        APPROVED = "approved", _("on the ballot")
        REJECTED = "rejected", _("not feasible")
        MERGED = "merged", _("merged into another proposal")
        WITHDRAWN = "withdrawn", _("withdrawn")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="proposals",
                              verbose_name=_("cycle"))
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="proposals",
                             verbose_name=_("district or city-wide"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="budget_proposals")
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    latitude = models.FloatField(_("latitude"), null=True, blank=True,
                                 validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude"), null=True, blank=True,
                                  validators=[MinValueValidator(-180), MaxValueValidator(180)])
    estimated_cost = models.PositiveBigIntegerField(_("estimated cost (som)"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    # Review
    department = models.ForeignKey("city.Department", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="budget_proposals",
                                    verbose_name=_("reviewing department"))
    legal_ok = models.BooleanField(_("legal"), null=True, blank=True)
    technical_ok = models.BooleanField(_("technically feasible"), null=True, blank=True)
    competence_ok = models.BooleanField(_("within city competence"), null=True, blank=True)
    cost = models.PositiveBigIntegerField(_("revised cost (som)"), null=True, blank=True)
    cost_breakdown = models.TextField(_("cost breakdown"), blank=True)
    review_reason = models.TextField(_("public reason"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_from")
    # Moderation
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    supporters_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="approved_proposal_has_cost",
                condition=~models.Q(status="approved") | models.Q(cost__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ballot_cost(self) -> int:
        return self.cost if self.cost is not None else self.estimated_cost

    def clean(self) -> None:
        if self.pool_id and self.cycle_id and self.pool.cycle_id != self.cycle_id:
            raise ValidationError(_("The pool belongs to another cycle."))
        if self.pk:
            old = Proposal.objects.filter(pk=self.pk).select_related("cycle").first()
            if (old and old.cycle.is_frozen and old.status == self.Status.APPROVED
                    and (old.cost != self.cost or old.status != self.status
                         or old.pool_id != self.pool_id)):
                raise ValidationError(_("Voting has opened: projects on the ballot and their "
                                        "costs can no longer change."))


def proposal_file_path(instance: ProposalFile, filename: str) -> str:
    return f"budgeting/proposals/{instance.proposal_id}/{filename}"


class ProposalFile(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("photo")
        DOCUMENT = "document", _("attachment")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=proposal_file_path)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.name


class Support(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "user"],
                                               name="one_support_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"


class Comment(SampleDataMixin):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    text = models.TextField(_("comment"), max_length=2000)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:50]


class Ballot(models.Model):
    """One accepted ballot; also one link of the pool's receipt chain.

    No user id: `voter_key` only. `is_current` is false for an online ballot the voter later
    replaced (when the cycle allows it); the partial unique index allows one current ballot
    per key and pool, whatever the channel.
    """

    class Channel(models.TextChoices):
        WEB = "web", _("online")
        PAPER = "paper", _("paper, at a district office")

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="ballots")
    voter_key = models.CharField(max_length=64)
    projects = models.JSONField(default=list)  # proposal ids, sorted
    channel = models.CharField(max_length=10, choices=Channel.choices)
    district = models.ForeignKey("city.District", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField()
    salt = models.CharField(max_length=32)
    previous_receipt = models.CharField(max_length=64, blank=True)
    receipt = models.CharField(max_length=64, unique=True)
    # Random id published in the open data, never derived from the voter.
    public_id = models.CharField(max_length=16, unique=True)
    is_current = models.BooleanField(default=True)
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["pool", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "voter_key"], name="one_ballot_per_voter",
                                    condition=models.Q(is_current=True)),
            models.UniqueConstraint(fields=["pool", "seq"], name="unique_ballot_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.pool_id}#{self.seq}"

    @staticmethod
    def content(projects: list[int]) -> str:
        return ",".join(str(p) for p in sorted(projects))

    @staticmethod
    def chain(previous: str, content: str, salt: str) -> str:
        """receipt = sha256(previous receipt ‖ ballot content ‖ salt), hex."""
        return hashlib.sha256(f"{previous}|{content}|{salt}".encode()).hexdigest()


class BallotRefusal(models.Model):
    """A refused second ballot (any channel), kept for audit."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="refusals")
    voter_key = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=Ballot.Channel.choices)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("refused ballot")
        verbose_name_plural = _("refused ballots")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.pool_id} {self.channel} {self.reason}"


class PoolResult(models.Model):
    """The stored count of one pool: rule, engine version and the full explained outcome."""

    pool = models.OneToOneField(Pool, on_delete=models.CASCADE, related_name="result")
    rule = models.CharField(max_length=30)
    rule_version = models.CharField(max_length=20)
    engine_version = models.CharField(max_length=200)
    ballots = models.PositiveIntegerField()
    ballots_digest = models.CharField(max_length=64)
    outcome = models.JSONField()  # counting.Result.as_dict(): selection and explanations
    counted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pool result")
        verbose_name_plural = _("pool results")

    def __str__(self) -> str:
        return f"{self.pool_id} ({self.rule})"


class Implementation(SampleDataMixin):
    """The delivery of a funded project."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("planning")
        PROCUREMENT = "procurement", _("procurement")
        IN_PROGRESS = "in_progress", _("works in progress")
        DONE = "done", _("completed")
        STALLED = "stalled", _("delayed")

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE,
                                    related_name="implementation")
    department = models.ForeignKey("city.Department", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("responsible department"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PLANNING)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MaxValueValidator(100)])
    contracted = models.PositiveBigIntegerField(_("money contracted (som)"), default=0)
    spent = models.PositiveBigIntegerField(_("money spent (som)"), default=0)
    contractor = models.CharField(_("contractor"), max_length=200, blank=True)
    procurement_ref = models.CharField(_("procurement reference"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("implementation")
        verbose_name_plural = _("implementations")
        constraints = [
            models.CheckConstraint(condition=models.Q(percent_complete__lte=100),
                                   name="percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return str(self.proposal)


class Milestone(SampleDataMixin):
    implementation = models.ForeignKey(Implementation, on_delete=models.CASCADE,
                                       related_name="milestones")
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    planned = models.DateField(_("planned date"))
    actual = models.DateField(_("actual date"), null=True, blank=True)

    class Meta:
        ordering = ["planned", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    @property
    def title(self) -> str:
        from shaar.lib.i18n import localized

        return localized(self, "title")

    def __str__(self) -> str:
        return self.title


def update_photo_path(instance: ProjectUpdate, filename: str) -> str:
    return f"budgeting/updates/{instance.implementation_id}/{filename}"


class ProjectUpdate(SampleDataMixin):
    class Kind(models.TextChoices):
        PROGRESS = "progress", _("progress")
        BEFORE = "before", _("before")
        AFTER = "after", _("after")

    implementation = models.ForeignKey(Implementation, on_delete=models.CASCADE,
                                       related_name="updates")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices,
                            default=Kind.PROGRESS)
    text = models.TextField(_("update"))
    photo = models.ImageField(_("photo"), upload_to=update_photo_path, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")

    def __str__(self) -> str:
        return self.text[:50]


class Follow(models.Model):
    implementation = models.ForeignKey(Implementation, on_delete=models.CASCADE,
                                       related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["implementation", "user"],
                                               name="one_follow_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.implementation_id}"
