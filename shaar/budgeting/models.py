"""Civic budget: cycles, pools, proposals, reviews, ballots, results and implementation.

Identity and contents never meet (ARCHITECTURE.md, "Identity and ballots"): a `VoterMark`
says who has voted in a pool (voter key, account), a `Ballot` says what was voted (contents
and the hash of the voter's receipt), and nothing links one to the other: no shared id, no
time, a random primary key for ballots. The database refuses a second mark for a voter key
or an account in a pool, and a second district pool in a cycle.
"""

from __future__ import annotations

import uuid

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


class TieRule(models.TextChoices):
    """The public tie rule of a pool, as `counting.TieBreak` keys: chosen before voting."""

    VOTES_COST_ORDER = "votes,cost,order", _("more votes, then lower cost, then a public draw")
    COST_ORDER = "cost,order", _("lower cost, then a public draw")
    ORDER = "order", _("a public draw")


class Channel(models.TextChoices):
    WEB = "web", _("online")
    PAPER = "paper", _("paper, at a district office")


class Pool(NamedMixin, SampleDataMixin):
    """Money for one area: the city-wide pool (no district) or one district's."""

    mine: str  # set by the cycle page: how the signed-in resident stands in this pool

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
                     "accepts_register", "accepts_in_person", "district_id", "minimum_votes",
                     "minimum_percent", "tie_breaking")

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
    minimum_votes = models.PositiveIntegerField(
        _("minimum votes to win"), default=1, validators=[MinValueValidator(1)],
        help_text=_("A project with fewer votes is not funded, whatever money is left."))
    minimum_percent = models.PositiveSmallIntegerField(
        _("minimum share of ballots to win (%)"), default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("If set, a project also needs this share of the pool's ballots."))
    tie_breaking = models.CharField(
        _("tie rule"), max_length=30, choices=TieRule.choices, default=TieRule.VOTES_COST_ORDER)
    # Sealed when the last ballot is in: a hash of every ballot and receipt, published
    # before counting (see `commitment.py`); it is also the seed of the tie draw.
    commitment = models.CharField(max_length=64, blank=True, editable=False)
    sealed_at = models.DateTimeField(null=True, blank=True, editable=False)

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

    @property
    def is_sealed(self) -> bool:
        return bool(self.commitment)

    def minimum_for(self, ballots: int) -> int:
        """The votes a project needs, given the number of ballots (the stricter minimum)."""
        share = -(-ballots * self.minimum_percent // 100)  # rounded up
        return max(self.minimum_votes, share)

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
    # The interface language the author wrote in (empty: not known, written before it was
    # kept): a page in another language marks the text with `lang`.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES,
                                blank=True, default="", editable=False)
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

    @property
    def takes_support(self) -> bool:
        """Residents may add (or remove) their support: submitted, in review or approved."""
        return not self.hidden and self.status in (self.Status.SUBMITTED, self.Status.IN_REVIEW,
                                                   self.Status.APPROVED)

    @property
    def takes_comments(self) -> bool:
        return not self.hidden and self.status not in (self.Status.DRAFT, self.Status.WITHDRAWN)

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
        return self.file.name or ""


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
    # The interface language the author wrote in (empty: not known, written before it was
    # kept): a page in another language marks the text with `lang`.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES,
                                blank=True, default="", editable=False)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:50]


class VoterMark(models.Model):
    """Who has voted in a pool, never what: one row per person and pool, whatever the channel.

    Written in the same transaction as the online ballot, or at a district office's check-in
    before the person takes a paper ballot. `district_cycle` is set for district pools only,
    so the database also allows one district pool per cycle for a voter key and an account.
    No time finer than the day: marks and ballots cannot be matched by time.
    """

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="voter_marks")
    district_cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    voter_key = models.CharField(max_length=64)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The voter's district (turnout), and for a paper ballot the office that checked them in.
    district = models.ForeignKey("city.District", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey("city.District", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    voted_on = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("voter mark")
        verbose_name_plural = _("voter marks")
        constraints = [
            models.UniqueConstraint(fields=["pool", "voter_key"], name="one_mark_per_voter_key"),
            models.UniqueConstraint(fields=["pool", "account"], name="one_mark_per_account",
                                    condition=models.Q(account__isnull=False)),
            models.UniqueConstraint(fields=["district_cycle", "voter_key"],
                                    name="one_district_pool_per_voter_key",
                                    condition=models.Q(district_cycle__isnull=False)),
            models.UniqueConstraint(fields=["district_cycle", "account"],
                                    name="one_district_pool_per_account",
                                    condition=models.Q(district_cycle__isnull=False,
                                                       account__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.pool_id} {self.channel}"


class Ballot(models.Model):
    """What was voted in a pool, never who: contents and the hash of the voter's receipt.

    The primary key is random, so row ids say nothing of the order of casting; there is no
    time. `change_hash` is the hash of the code shown once to an online voter of a cycle
    that allows changes: presenting the code replaces this ballot. A paper ballot has no
    receipt and no code, only the office whose box it came from (for reconciliation).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="ballots")
    projects = models.JSONField(default=list)  # proposal ids, sorted
    channel = models.CharField(max_length=10, choices=Channel.choices)
    office = models.ForeignKey("city.District", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    receipt_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    change_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)

    # Kept for the code that names the choices through the ballot.
    Channel = Channel

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["pool", "id"]

    def __str__(self) -> str:
        return f"{self.pool_id}/{self.id}"


class PaperEntry(models.Model):
    """One paper ballot from an office's box, typed in by two staff members with no identity.

    Staff number the sheets when the box is opened. The first entry and a second entry by
    someone else must agree; a mismatch stays open until a third reading settles it. Only an
    agreed entry becomes a `Ballot`.
    """

    class Status(models.TextChoices):
        FIRST = "first", _("waiting for the second entry")
        MISMATCH = "mismatch", _("the two entries differ")
        AGREED = "agreed", _("agreed")

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="paper_entries")
    office = models.ForeignKey("city.District", on_delete=models.PROTECT, related_name="+")
    sheet = models.PositiveIntegerField(_("sheet number"), validators=[MinValueValidator(1)])
    first_projects = models.JSONField(default=list)
    first_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    second_projects = models.JSONField(null=True, blank=True)
    second_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FIRST)
    # Agreed on an empty sheet (or one that names no project on the ballot): reconciled
    # against the check-ins, never counted.
    spoiled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("paper ballot entry")
        verbose_name_plural = _("paper ballot entries")
        ordering = ["pool", "office", "sheet"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "office", "sheet"], name="one_entry_per_sheet"),
        ]

    def __str__(self) -> str:
        return f"{self.pool_id} {self.office_id} #{self.sheet}"


class BallotRefusal(models.Model):
    """A refused second ballot (any channel), kept for audit."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="refusals")
    voter_key = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=Channel.choices)
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
