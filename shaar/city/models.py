"""The city itself: its settings, districts, departments and organisations."""

from __future__ import annotations

import contextlib
import zoneinfo

import phonenumbers
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from shaar.lib.i18n import localized


class SampleDataMixin(models.Model):
    """Rows created by `seed_demo` carry is_sample, so pages can say they are invented."""

    is_sample = models.BooleanField(_("sample data"), default=False, editable=False)

    class Meta:
        abstract = True


class NamedMixin(models.Model):
    """A city-authored name in each interface language."""

    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def validate_country_code(value: str) -> None:
    # phonenumbers knows every region a mobile number can belong to.
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(_("%(value)s is not a known ISO 3166 country code."),
                              params={"value": value})


class City(NamedMixin, SampleDataMixin):
    """The one city this installation serves; edited in the admin."""

    CACHE_KEY = "city:current"

    default_language = models.CharField(
        _("default language"), max_length=5, choices=settings.LANGUAGES, default="ky"
    )
    currency = models.CharField(_("currency"), max_length=3, default="KGS",
                                help_text=_("ISO 4217 code, e.g. KGS."))
    # How residents write the currency next to an amount ("Amount, сом"); the ISO code
    # stands in for a language left empty.
    currency_name_ky = models.CharField(_("currency name (Kyrgyz)"), max_length=20, blank=True,
                                        help_text=_("E.g. сом. Empty: the ISO code is shown."))
    currency_name_ru = models.CharField(_("currency name (Russian)"), max_length=20, blank=True,
                                        help_text=_("E.g. сом. Empty: the ISO code is shown."))
    currency_name_en = models.CharField(_("currency name (English)"), max_length=20, blank=True,
                                        help_text=_("E.g. som. Empty: the ISO code is shown."))
    country_code = models.CharField(
        _("country code"), max_length=2, default="KG", validators=[validate_country_code],
        help_text=_("ISO 3166 code, e.g. KG: how mobile numbers are read and checked, and "
                    "the country of open data."))
    country_name_en = models.CharField(
        _("country name (English)"), max_length=100, default="Kyrgyzstan",
        help_text=_("Written into published open data such as Pabulib files."))
    population = models.PositiveIntegerField(_("population"), default=0)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Bishkek", validators=[validate_time_zone]
    )
    map_center_lat = models.FloatField(_("map centre latitude"), default=42.8746)
    map_center_lon = models.FloatField(_("map centre longitude"), default=74.5698)
    map_zoom = models.PositiveSmallIntegerField(_("map zoom"), default=12)
    emergency_phone = models.CharField(_("emergency number"), max_length=30, default="112")
    hotline_phone = models.CharField(_("city hotline"), max_length=30, blank=True)
    demo_data_loaded = models.BooleanField(_("demo data loaded"), default=False)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("city")
        constraints = [
            # One row only: the installation's city.
            models.CheckConstraint(condition=models.Q(id=1), name="city_singleton"),
        ]

    def save(self, *args, **kwargs) -> None:
        self.id = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def current(cls) -> City:
        """The city row, cached; an unsaved default when the database is still empty."""
        try:
            city = cache.get(cls.CACHE_KEY)
        except Exception:  # a cache outage must not take the site down with it
            city = None
        if city is None:
            city = cls.objects.filter(id=1).first() or cls(
                id=1, name_ky="Шаар", name_ru="Город", name_en="City"
            )
            with contextlib.suppress(Exception):
                cache.set(cls.CACHE_KEY, city, 300)
        return city

    @property
    def currency_name(self) -> str:
        """The currency as written next to amounts in the current language."""
        return localized(self, "currency_name") or self.currency

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The city's time zone: month boundaries, "today" and the times pages show. A row
        saved before the validator existed may hold an unknown name: fall back to TIME_ZONE."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class District(NamedMixin, SampleDataMixin):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    population = models.PositiveIntegerField(_("population"), default=0)
    # GeoJSON geometry (Polygon or MultiPolygon) in WGS 84 longitude/latitude order.
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    boundary_is_approximate = models.BooleanField(_("boundary is approximate"), default=True)
    # Where residents of the district verify in person and vote on paper.
    office_ky = models.TextField(_("district office: address and hours (Kyrgyz)"), blank=True)
    office_ru = models.TextField(_("district office: address and hours (Russian)"), blank=True)
    office_en = models.TextField(_("district office: address and hours (English)"), blank=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]

    @property
    def office(self) -> str:
        return localized(self, "office")

    def clean(self) -> None:
        from .geo import validate_geometry

        if self.boundary is not None:
            validate_geometry(self.boundary)


class Department(NamedMixin, SampleDataMixin):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name_en"]


class Organisation(NamedMixin, SampleDataMixin):
    class Kind(models.TextChoices):
        PROVIDER = "provider", _("municipal service provider")
        CONTRACTOR = "contractor", _("contractor")
        NGO = "ngo", _("non-governmental organisation")
        COMMUNITY = "community", _("community group")
        OTHER = "other", _("other")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_en"]


class AddressQuerySet(models.QuerySet):
    def matching(self, query: str) -> AddressQuerySet:
        """Addresses whose street names hold every word of the query (in any of the three
        languages, Cyrillic or Latin) and whose house number starts with the query's number."""
        from .addresses import parse_query

        words, number = parse_query(query)
        if not words and not number:
            return self.none()
        qs = self
        for word in words:
            qs = qs.filter(search_key__contains=f" {word}")
        if number:
            qs = qs.filter(house_key__startswith=number)
        return qs


class Address(SampleDataMixin):
    """One entry of the city's address register: a house on a street, and where it is."""

    street_ky = models.CharField(_("street (Kyrgyz)"), max_length=200)
    street_ru = models.CharField(_("street (Russian)"), max_length=200)
    street_en = models.CharField(_("street (English)"), max_length=200,
                                 help_text=_("Empty: transliterated from the Russian name."))
    house_number = models.CharField(_("house number"), max_length=20)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    district = models.ForeignKey(District, verbose_name=_("district"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="addresses")
    # Every street name folded to one Latin spelling (addresses.fold), space-prefixed words,
    # so "Чүй", "Чуй" and "Chui" all find " chui".
    search_key = models.CharField(max_length=700, editable=False)
    house_key = models.CharField(max_length=20, editable=False, db_index=True)

    objects = AddressQuerySet.as_manager()

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["street_ru", "house_key"]
        constraints = [
            models.UniqueConstraint(fields=["street_ru", "house_key"],
                                    name="address_unique_house_on_street"),
        ]
        indexes = [models.Index(fields=["lat", "lon"], name="address_point")]

    def __str__(self) -> str:
        return self.label

    @property
    def street(self) -> str:
        return localized(self, "street")

    @property
    def label(self) -> str:
        return f"{self.street}, {self.house_number}"
