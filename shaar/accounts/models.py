"""Users, their roles, and how a resident was verified.

A personal number (PIN) is never stored: only voter_key = HMAC-SHA256(VOTER_KEY_SECRET, PIN).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

PIN_RE = re.compile(r"^[12]\d{13}$")


def normalise_pin(raw: str) -> str:
    """Kyrgyz personal numbers: 14 digits, starting with 1 or 2; spaces are ignored."""
    pin = re.sub(r"\s+", "", raw or "")
    if not PIN_RE.match(pin):
        raise ValidationError(_("A personal number (PIN) has 14 digits and starts with 1 or 2."))
    return pin


def voter_key_for_pin(pin: str) -> str:
    secret = settings.VOTER_KEY_SECRET.encode()
    return hmac.new(secret, normalise_pin(pin).encode(), hashlib.sha256).hexdigest()


def new_username() -> str:
    """An internal, unique and meaningless user name: people sign in by phone or e-mail."""
    return f"u-{secrets.token_hex(10)}"


class User(AbstractUser):
    """A person with an account. Residents sign up with a mobile number of the city's country
    (City.country_code) or an e-mail address."""

    # Only on the signed-in user, loaded by shaar.accounts.backends with the account
    # (see residency_of): how they proved residency, None when they did not.
    verified_method: str | None
    verified_voter_key: str | None
    verified_district_id: int | None

    # Every way of creating an account (sign-up by e-mail or phone, a directory sign-in,
    # staff) gets its own random name, so the unique index never sees two empty ones.
    username = models.CharField(_("username"), max_length=150, unique=True,
                                default=new_username,
                                validators=[AbstractUser.username_validator])
    # The language of e-mails and SMS: the page's language at sign-up, changed in the profile.
    language = models.CharField(_("language of messages"), max_length=8,
                                choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    phone = models.CharField(_("mobile number"), max_length=20, null=True, blank=True,
                             unique=True)
    phone_verified = models.BooleanField(_("mobile number verified"), default=False)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email or self.phone or self.username

    @property
    def public_name(self) -> str:
        """What other residents see: never the phone number or e-mail."""
        return self.display_name or str(_("Resident"))


class Role(models.TextChoices):
    MODERATOR = "moderator", _("moderator")
    DEPARTMENT_STAFF = "department_staff", _("department staff")
    PROVIDER_STAFF = "provider_staff", _("service provider staff")
    REVIEWER = "reviewer", _("reviewer")
    GRANT_EVALUATOR = "grant_evaluator", _("grant evaluator")
    BOARD_MEMBER = "board_member", _("supervisory board member")
    CITY_ADMIN = "city_admin", _("city administrator")
    # Staff of a district office: see residents' IDs, verify them in person and check them
    # in for paper ballots, for their own district only.
    DISTRICT_OFFICE = "district_office", _("district office staff")


class RoleAssignment(models.Model):
    """A staff role; department, provider and district-office roles are scoped to one body."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="roles")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    department = models.ForeignKey("city.Department", null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="staff_roles")
    organisation = models.ForeignKey("city.Organisation", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="staff_roles")
    district = models.ForeignKey("city.District", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="staff_roles")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            # NULLs are distinct in a unique index, so each scope gets its own constraint.
            models.UniqueConstraint(
                fields=["user", "role"], name="unique_unscoped_role",
                condition=models.Q(department__isnull=True, organisation__isnull=True,
                                   district__isnull=True)),
            models.UniqueConstraint(
                fields=["user", "role", "department"], name="unique_department_role",
                condition=models.Q(department__isnull=False)),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"], name="unique_organisation_role",
                condition=models.Q(organisation__isnull=False)),
            models.UniqueConstraint(
                fields=["user", "role", "district"], name="unique_district_role",
                condition=models.Q(district__isnull=False)),
            models.CheckConstraint(
                name="department_staff_has_department",
                condition=~models.Q(role="department_staff") | models.Q(department__isnull=False),
            ),
            models.CheckConstraint(
                name="provider_staff_has_organisation",
                condition=~models.Q(role="provider_staff") | models.Q(organisation__isnull=False),
            ),
            models.CheckConstraint(
                name="district_office_has_district",
                condition=~models.Q(role="district_office") | models.Q(district__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        scope = self.department or self.organisation or self.district
        return f"{self.get_role_display()} ({scope})" if scope else self.get_role_display()


class Verification(models.Model):
    """How a resident proved residency: one row per user. It only ever gets stronger (a
    declared district becomes the register's or the office's), each change recorded in
    VerificationChange; an account never moves from one personal number to another."""

    class Method(models.TextChoices):
        PHONE = "phone", _("SMS-verified phone")
        REGISTER = "register", _("residency register")
        IN_PERSON = "in_person", _("in person")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="verification")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    district = models.ForeignKey("city.District", null=True, blank=True,
                                 on_delete=models.PROTECT, verbose_name=_("district"))
    # Keyed hash of the PIN, for register and in-person checks; empty for phone only.
    voter_key = models.CharField(max_length=64, null=True, blank=True, unique=True,
                                 editable=False)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified at"))

    class Meta:
        verbose_name = _("residency verification")
        verbose_name_plural = _("residency verifications")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_method_display()}"


class VerificationChange(models.Model):
    """One change of an account's verification, with who made it and why."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="verification_changes")
    from_method = models.CharField(_("previous method"), max_length=20,
                                   choices=Verification.Method.choices, blank=True)
    from_district = models.ForeignKey("city.District", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    to_method = models.CharField(_("new method"), max_length=20,
                                 choices=Verification.Method.choices)
    to_district = models.ForeignKey("city.District", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("changed by"))
    reason = models.CharField(_("reason"), max_length=300)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("verification change")
        verbose_name_plural = _("verification changes")
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.from_method or '-'} → {self.to_method}"


class RegisterImport(models.Model):
    """One upload of the residency register; the newest replaces the previous entries."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    row_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.row_count})"


class RegisterEntry(models.Model):
    """A register row: the PIN only as its keyed hash."""

    voter_key = models.CharField(max_length=64, unique=True)
    birth_year = models.PositiveSmallIntegerField()
    district = models.ForeignKey("city.District", on_delete=models.PROTECT)
    batch = models.ForeignKey(RegisterImport, on_delete=models.CASCADE, related_name="entries")

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")

    def __str__(self) -> str:
        return f"{self.district} · {self.birth_year}"


class Notification(models.Model):
    """One message to one person: written in the transaction of the action that caused it
    (an outbox) and delivered by a Celery task that records when. Tasks are acknowledged
    late, so a worker killed mid-batch leaves its task to run again; `sent_at`, set in the
    same transaction that holds the row locked during the send, makes the rerun a no-op."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")
        NONE = "", _("no address")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    # A short text for SMS (one segment where it can); empty: the subject and the body.
    sms = models.CharField(_("SMS text"), max_length=480, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    channel = models.CharField(max_length=5, choices=Channel.choices, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["sent_at"], name="notification_pending",
                                condition=models.Q(sent_at__isnull=True))]

    def __str__(self) -> str:
        return self.subject
