"""Municipal service providers: their profile, service levels with history, stored monthly
scorecards, responses, subscriptions and resident surveys.

A provider is a `city.Organisation` of kind provider or contractor; `ProviderProfile` adds
what monitoring needs. Report categories are referred to by their code (the feedback app's
category code), so this app does not depend on the feedback tables to exist.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shaar.city.models import NamedMixin, Organisation, SampleDataMixin
from shaar.lib.i18n import localized


class Sector(models.TextChoices):
    WASTE = "waste", _("waste collection")
    WATER = "water", _("water and sewerage")
    HEATING = "heating", _("heating")
    LIGHTING = "lighting", _("street lighting")
    TRANSPORT = "transport", _("public transport")
    ROADS = "roads", _("roads")
    GREEN = "green", _("green spaces")
    LIFTS = "lifts", _("lifts")
    OTHER = "other", _("other")


PROVIDER_KINDS = (Organisation.Kind.PROVIDER, Organisation.Kind.CONTRACTOR)


class ProviderProfileQuerySet(models.QuerySet):
    def listed(self) -> ProviderProfileQuerySet:
        return (self.filter(is_active=True, organisation__kind__in=PROVIDER_KINDS)
                .select_related("organisation"))


class ProviderProfile(SampleDataMixin):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="provider_profile",
        limit_choices_to={"kind__in": PROVIDER_KINDS}, verbose_name=_("organisation"))
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    description_ky = models.TextField(_("description (Kyrgyz)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    hotline = models.CharField(_("hotline"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    districts = models.ManyToManyField("city.District", blank=True, related_name="providers",
                                       verbose_name=_("districts served"))
    # Codes of the report categories the provider handles (feedback category codes).
    category_codes = models.JSONField(_("report categories handled"), default=list, blank=True)
    is_active = models.BooleanField(_("listed"), default=True)

    objects = ProviderProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["organisation__name_en"]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def description(self) -> str:
        return localized(self, "description")


class ServiceCategory(NamedMixin, SampleDataMixin):
    """The name of a report category for scorecard pages, keyed by the feedback code.

    Kept here so scorecards remain readable even if a category is later renamed or retired
    in the feedback app; the adapter fills it in from the feedback categories."""

    code = models.SlugField(_("code"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("report category")
        verbose_name_plural = _("report categories")
        ordering = ["code"]


class ServiceLevel(SampleDataMixin):
    """Targets for one provider and category from `valid_from` on. A change is a new row;
    rows are never edited, so the history shows what was in force when."""

    provider = models.ForeignKey(ProviderProfile, on_delete=models.CASCADE,
                                 related_name="service_levels", verbose_name=_("provider"))
    category_code = models.SlugField(_("report category"), max_length=60)
    acknowledge_hours = models.DecimalField(
        _("hours to acknowledge"), max_digits=7, decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(8760)])
    resolve_hours = models.DecimalField(
        _("hours to resolve"), max_digits=7, decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(8760)])
    valid_from = models.DateTimeField(_("in force from"))
    note = models.CharField(_("reason for the change"), max_length=300, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["provider", "category_code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "category_code", "valid_from"],
                                    name="providers_one_level_per_instant"),
            models.CheckConstraint(condition=models.Q(resolve_hours__gte=models.F(
                "acknowledge_hours")), name="providers_resolve_after_acknowledge"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.category_code} · {self.valid_from:%Y-%m-%d}"


class Scorecard(SampleDataMixin):
    """Stored figures of one month and one scope, written only by the scorecard task.

    Scope: organisation (null = every provider), category code ("" = all), district
    (null = all). `figures` maps each figure key to {"value": …, "sample": …}."""

    month = models.DateField(_("month"))
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="scorecards")
    category_code = models.CharField(max_length=60, blank=True, default="")
    district = models.ForeignKey("city.District", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    scope_key = models.CharField(max_length=100)
    reports_received = models.PositiveIntegerField(default=0)
    score = models.FloatField(null=True, blank=True)
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(fields=["month", "scope_key"],
                                    name="providers_one_scorecard_per_scope"),
        ]
        indexes = [models.Index(fields=["organisation", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.scope_key}"

    @staticmethod
    def key_for(organisation_id: int | None, category: str, district_id: int | None) -> str:
        return f"o{organisation_id or '*'}|c{category or '*'}|d{district_id or '*'}"


class ScorecardRun(models.Model):
    """When a month was last computed, and how long it took (shown in the methodology)."""

    month = models.DateField(unique=True)
    finished_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    reports = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ScorecardResponse(SampleDataMixin):
    """A provider's public answer to its scorecard of one month."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="scorecard_responses")
    month = models.DateField(_("month"))
    text = models.TextField(_("response"), max_length=4000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("scorecard response")
        verbose_name_plural = _("scorecard responses")
        constraints = [models.UniqueConstraint(fields=["organisation", "month"],
                                               name="providers_one_response_per_month")]


class Subscription(models.Model):
    """A resident asked to receive a provider's monthly scorecard by e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="provider_subscriptions")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="subscriptions")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_month = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"],
                                               name="providers_one_subscription")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.user_id}"


class Survey(SampleDataMixin):
    """A short service-quality question (answer 1-5) for residents of some districts."""

    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    question_ky = models.CharField(_("question (Kyrgyz)"), max_length=300)
    question_ru = models.CharField(_("question (Russian)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    districts = models.ManyToManyField("city.District", related_name="+",
                                       verbose_name=_("districts"))
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("resident survey")
        verbose_name_plural = _("resident surveys")
        ordering = ["-opens_at"]
        constraints = [models.CheckConstraint(condition=models.Q(closes_at__gt=models.F(
            "opens_at")), name="providers_survey_closes_after_opening")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def question(self) -> str:
        return localized(self, "question")


class SurveyAnswer(SampleDataMixin):
    """One answer. No user is stored: `respondent_key` is a keyed hash that only enforces
    one answer per resident per survey, so answers cannot be listed per person."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    respondent_key = models.CharField(max_length=64)
    district = models.ForeignKey("city.District", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1),
                                                         MaxValueValidator(5)])
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent_key"],
                                    name="providers_one_answer_per_resident"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5),
                                   name="providers_answer_score_1_to_5"),
        ]
