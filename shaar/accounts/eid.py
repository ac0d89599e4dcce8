"""Residents who sign in with the national e-ID (an OpenID Connect provider, see settings).

The e-ID proves who the person is; the city's residency register says where they live.
A national identity whose PIN is in the register therefore counts as register
verification, and every pool that accepts the register accepts it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from .actions import _verification_set
from .models import RegisterEntry, User, Verification, voter_key_for_pin


@transaction.atomic
def verification_by_national_eid(*, user: User, pin: str) -> Verification | None:
    """Verify USER from the PIN the national e-ID vouched for; None if the PIN is not in
    the city's residency register (the person may live elsewhere: nothing changes).

    Raises ValidationError for a malformed PIN, one already linked to another account, or
    an account already verified with another PIN (see `actions._verification_set`).
    """
    key = voter_key_for_pin(pin)
    entry = RegisterEntry.objects.filter(voter_key=key).select_related("district").first()
    if entry is None:
        return None
    return _verification_set(user=user, method=Verification.Method.REGISTER,
                             district=entry.district, voter_key=key, verified_by=None,
                             reason=_("national e-ID matched in the residency register"))
