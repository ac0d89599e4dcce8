"""The city budget: fiscal years, the imported versions of each year, and budget lines.

A year's figures arrive as a file (CSV, XLSX or a Fiscal Data Package). Each import makes
a new immutable BudgetVersion; the newest one is the year's current version and the older
ones stay for comparison ("what changed in the revised budget?"). Amounts are Decimal in
the city's currency (City.currency) with two decimals, and every total is summed in Python
with Decimal, never in floating point (SQLite would sum DECIMAL columns as floats).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shaar.city.models import NamedMixin, SampleDataMixin
from shaar.lib.i18n import localized

from . import cofog

if TYPE_CHECKING:
    # By another name: inside BudgetLine, `cofog` is the field.
    from .cofog import Function as CofogFunction

AMOUNT: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}
QUARTERS = (1, 2, 3, 4)


class Direction(models.TextChoices):
    REVENUE = "revenue", _("revenue")
    EXPENDITURE = "expenditure", _("expenditure")


class Phase(models.TextChoices):
    APPROVED = "approved", _("approved")
    REVISED = "revised", _("revised")
    EXECUTED = "executed", _("executed")


class Participation(models.TextChoices):
    """Money whose use residents decide directly."""

    NONE = "", _("decided by the city council")
    CIVIC_BUDGET = "civic_budget", _("civic budget")
    COMMUNITY_GRANTS = "community_grants", _("community grants")


class AdminUnit(NamedMixin, SampleDataMixin):
    """An administrative unit that spends or collects budget money: a city department,
    a district administration or another body. Importers refer to it by code."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("city department")
        DISTRICT = "district", _("district administration")
        OTHER = "other", _("other body")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.DEPARTMENT)
    department = models.ForeignKey("city.Department", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("department"))
    district = models.ForeignKey("city.District", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("district"))

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]


class FiscalYear(SampleDataMixin):
    _current_version: BudgetVersion | None  # kept by `current_version` once read

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    population = models.PositiveIntegerField(
        _("population"), default=0,
        help_text=_("Residents counted for per-resident figures."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(year__gte=1991, year__lte=2200),
                                   name="openbudget_year_range"),
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def current_version(self) -> BudgetVersion | None:
        if not hasattr(self, "_current_version"):
            self._current_version = self.versions.filter(is_current=True).first()
        return self._current_version


class BudgetVersion(models.Model):
    """One import of a year's figures. Never edited: a correction is a new import."""

    class Source(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        FDP = "fdp", _("Fiscal Data Package")
        DEMO = "demo", _("sample data")

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE,
                                    related_name="versions", verbose_name=_("fiscal year"))
    number = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=False)
    source = models.CharField(_("source format"), max_length=10, choices=Source.choices)
    source_name = models.CharField(_("file name"), max_length=255, blank=True)
    executed_on = models.DateField(
        _("execution figures as of"), null=True, blank=True,
        help_text=_("The date the executed amounts refer to."))
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("imported by"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("budget version")
        verbose_name_plural = _("budget versions")
        ordering = ["fiscal_year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "number"],
                                    name="openbudget_version_number_unique"),
            # At most one current version per year: readers never see two at once.
            models.UniqueConstraint(fields=["fiscal_year"], condition=models.Q(is_current=True),
                                    name="openbudget_one_current_version"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year_id and self.fiscal_year.year} v{self.number}"

    @property
    def previous(self) -> BudgetVersion | None:
        return (BudgetVersion.objects.filter(fiscal_year_id=self.fiscal_year_id,
                                             number__lt=self.number)
                .order_by("-number").first())


def line_key(direction: str, cofog_code: str, economic_code: str, admin_unit: str,
             programme: str) -> str:
    """A stable identity for "the same line" across files, versions and years."""
    raw = "|".join([direction, cofog_code, economic_code, admin_unit, programme.casefold()])
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


class BudgetLine(models.Model):
    plan: Decimal  # set by the pages that list lines: the amount in force (`plan_of`)

    version = models.ForeignKey(BudgetVersion, on_delete=models.CASCADE, related_name="lines")
    row_number = models.PositiveIntegerField(_("row in the source file"))
    key = models.CharField(_("line key"), max_length=20, db_index=True)
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    cofog = models.CharField(_("function (COFOG)"), max_length=4, blank=True)
    economic_code = models.CharField(_("economic code"), max_length=20)
    admin_unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="lines", verbose_name=_("administrative unit"))
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    approved = models.DecimalField(_("approved"), **AMOUNT)
    revised = models.DecimalField(_("revised"), null=True, blank=True, **AMOUNT)
    executed = models.DecimalField(_("executed"), null=True, blank=True, **AMOUNT)
    planned_q1 = models.DecimalField(_("planned, quarter 1"), null=True, blank=True, **AMOUNT)
    planned_q2 = models.DecimalField(_("planned, quarter 2"), null=True, blank=True, **AMOUNT)
    planned_q3 = models.DecimalField(_("planned, quarter 3"), null=True, blank=True, **AMOUNT)
    planned_q4 = models.DecimalField(_("planned, quarter 4"), null=True, blank=True, **AMOUNT)
    executed_q1 = models.DecimalField(_("executed, quarter 1"), null=True, blank=True, **AMOUNT)
    executed_q2 = models.DecimalField(_("executed, quarter 2"), null=True, blank=True, **AMOUNT)
    executed_q3 = models.DecimalField(_("executed, quarter 3"), null=True, blank=True, **AMOUNT)
    executed_q4 = models.DecimalField(_("executed, quarter 4"), null=True, blank=True, **AMOUNT)
    participation = models.CharField(_("decided by residents through"), max_length=20,
                                     choices=Participation.choices, blank=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["version", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="openbudget_line_unique"),
            models.CheckConstraint(condition=models.Q(approved__gte=0),
                                   name="openbudget_approved_not_negative"),
            models.CheckConstraint(condition=models.Q(revised__gte=0) | models.Q(revised=None),
                                   name="openbudget_revised_not_negative"),
            models.CheckConstraint(condition=models.Q(executed__gte=0) | models.Q(executed=None),
                                   name="openbudget_executed_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def function(self) -> CofogFunction | None:
        return cofog.FUNCTIONS.get(self.cofog)

    @property
    def division(self) -> CofogFunction | None:
        return cofog.DIVISIONS.get(self.cofog[:3]) if self.cofog else None

    def amount(self, phase: str) -> Decimal | None:
        return getattr(self, phase)
