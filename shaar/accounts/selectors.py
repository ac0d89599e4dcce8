"""Reads of accounts that other apps share."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from .models import User, Verification


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


def find_account(account: str) -> User | None:
    """The account with this e-mail address or mobile number (in any usual format)."""
    from django.core.exceptions import ValidationError
    from django.db.models import Q

    from .phones import normalise_mobile

    account = (account or "").strip()
    if not account:
        return None
    query = Q(email__iexact=account) | Q(phone=account)
    with contextlib.suppress(ValidationError):  # not a phone number: e-mail only
        query |= Q(phone=normalise_mobile(account))
    return User.objects.filter(query).first()
