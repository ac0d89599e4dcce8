"""Residents who sign in with the national e-ID (an OpenID Connect provider, see settings).

The e-ID proves who the person is; the city's residency register says where they live.
A national identity whose PIN is in the register therefore counts as register
verification, and every pool that accepts the register accepts it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from .actions import _verification_save
from .models import RegisterEntry, User, Verification, voter_key_for_pin

# Methods as strong as the register (or stronger): an e-ID sign-in never replaces them.
REGISTER_OR_STRONGER = {Verification.Method.REGISTER, Verification.Method.IN_PERSON}


@transaction.atomic
def verification_by_national_eid(*, user: User, pin: str) -> Verification | None:
    """Verify USER from the PIN the national e-ID vouched for; None if the PIN is not in
    the city's residency register (the person may live elsewhere: nothing changes).

    Raises ValidationError for a malformed PIN, or one already linked to another account.
    """
    key = voter_key_for_pin(pin)
    entry = RegisterEntry.objects.filter(voter_key=key).select_related("district").first()
    if entry is None:
        return None
    existing = Verification.objects.filter(user=user).first()
    if existing and existing.method in REGISTER_OR_STRONGER and existing.voter_key == key:
        return existing
    if existing and existing.voter_key and existing.voter_key != key:
        raise ValidationError("the e-ID names another person than this account's verification")
    return _verification_save(user=user, method=Verification.Method.REGISTER,
                              district=entry.district, voter_key=key, verified_by=None)
