"""Reads of accounts that other apps share."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from .models import User, Verification
from .phones import mobile_or_none


@dataclass(frozen=True)
class Residency:
    """What a ballot needs of a resident's verification."""

    method: str
    voter_key: str | None
    district_id: int | None


def residency_of(user: User) -> Residency | None:
    """How the user proved that they live in the city, if they did. The authentication
    backend brings it with the signed-in user (the `verified_*` columns of its statement:
    a ballot needs it on every cast); any other user costs one query."""
    if hasattr(user, "verified_method"):
        if user.verified_method is None:
            return None
        return Residency(user.verified_method, user.verified_voter_key,
                         user.verified_district_id)
    verification = Verification.objects.filter(user=user).first()
    if verification is None:
        return None
    return Residency(verification.method, verification.voter_key, verification.district_id)


def user_by_contact(contact: str) -> User | None:
    """The account whose e-mail address or mobile number staff typed, in any usual format
    ("demo@example.org", "0700 123 456", "+996 700 123 456")."""
    contact = contact.strip()
    users = get_user_model().objects
    if "@" in contact:
        return users.filter(email__iexact=contact).order_by("pk").first()
    number = mobile_or_none(contact) if contact else None
    return users.filter(phone=number).first() if number else None
