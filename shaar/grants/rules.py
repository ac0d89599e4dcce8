"""Who may do what in the grants programme, object by object."""

from __future__ import annotations

import rules

from shaar.accounts.rules import is_city_admin

from .models import ApplicantProfile, Application, Award, Call, CommitteeMember, Membership


@rules.predicate
def represents(user, obj) -> bool:
    """The user may act for the organisation behind OBJ (profile, application or award)."""
    if not getattr(user, "is_authenticated", False) or obj is None:
        return False
    if isinstance(obj, ApplicantProfile):
        profile_id = obj.id
    elif isinstance(obj, Application):
        profile_id = obj.profile_id
    elif isinstance(obj, Award):
        profile_id = obj.application.profile_id
    else:
        return False
    return Membership.objects.filter(user=user, profile_id=profile_id,
                                     is_representative=True).exists()


@rules.predicate
def sits_on_committee(user, call) -> bool:
    if not getattr(user, "is_authenticated", False) or not isinstance(call, Call):
        return False
    return CommitteeMember.objects.filter(call=call, user=user).exists()


@rules.predicate
def chairs_committee(user, call) -> bool:
    if not getattr(user, "is_authenticated", False) or not isinstance(call, Call):
        return False
    return CommitteeMember.objects.filter(call=call, user=user,
                                          role=CommitteeMember.Role.CHAIR).exists()


is_grants_manager = is_city_admin

rules.add_perm("grants.act_for", represents)
rules.add_perm("grants.evaluate", sits_on_committee)
rules.add_perm("grants.chair", chairs_committee)
rules.add_perm("grants.manage", is_grants_manager)
rules.add_perm("grants.import_past", is_grants_manager)
