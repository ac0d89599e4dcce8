"""Roles as `rules` predicates: the one permission mechanism, checked object by object.

Other apps build their own predicates from `has_role` and the scoped helpers here.
"""

from __future__ import annotations

import rules

from .models import Role


def _roles(user) -> list[tuple[str, int | None, int | None, int | None]]:
    """The user's roles, loaded once per user object (i.e. once per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if not hasattr(user, "_shaar_roles"):
        # The authentication backend tells whether the user holds any role (most hold none).
        has_any = getattr(user, "has_any_role", True)
        user._shaar_roles = list(user.roles.values_list(
            "role", "department_id", "organisation_id", "district_id")) if has_any else []
    return user._shaar_roles


def has_role(role: Role) -> rules.Predicate:
    @rules.predicate(name=f"has_role:{role}")
    def predicate(user) -> bool:
        return any(r == role for r, *_scopes in _roles(user))

    return predicate


def department_ids(user, role: Role = Role.DEPARTMENT_STAFF) -> set[int]:
    return {d for r, d, _o, _di in _roles(user) if r == role and d is not None}


def organisation_ids(user, role: Role = Role.PROVIDER_STAFF) -> set[int]:
    return {o for r, _d, o, _di in _roles(user) if r == role and o is not None}


def district_office_ids(user) -> set[int]:
    """The districts whose office the user works at."""
    return {di for r, _d, _o, di in _roles(user) if r == Role.DISTRICT_OFFICE and di is not None}


@rules.predicate
def works_at_district_office(user, district) -> bool:
    """Staff of this district's office (the object is a District or its id)."""
    district_id = getattr(district, "pk", district)
    return district_id is not None and district_id in district_office_ids(user)


@rules.predicate
def works_at_any_district_office(user) -> bool:
    return bool(district_office_ids(user))


@rules.predicate
def is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


is_city_admin = has_role(Role.CITY_ADMIN) | is_superuser
is_moderator = has_role(Role.MODERATOR) | is_city_admin
is_department_staff = has_role(Role.DEPARTMENT_STAFF)


@rules.predicate
def is_staff_account(user) -> bool:
    """Anyone with a staff role: such accounts must use two-factor authentication."""
    return bool(getattr(user, "is_staff", False)) or is_superuser(user) or bool(_roles(user))


# Seeing a resident's ID is a district office's job: without an object, whether the user
# works at any office (to show the page); with a District, whether it is theirs.
rules.add_perm("accounts.verify_in_person", works_at_district_office)
rules.add_perm("accounts.open_district_office", works_at_any_district_office)
rules.add_perm("accounts.import_register", is_city_admin)
