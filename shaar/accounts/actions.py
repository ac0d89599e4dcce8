"""Every write about accounts, roles and residency verification."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shaar.city.models import Department, District, Organisation

from .models import (
    RegisterEntry,
    RegisterImport,
    Role,
    RoleAssignment,
    User,
    Verification,
    voter_key_for_pin,
)
from .register import RowError, parse_register

BATCH_SIZE = 2000


def _verification_save(*, user: User, method: str, district: District | None,
                       voter_key: str | None, verified_by: User | None) -> Verification:
    if voter_key and Verification.objects.filter(voter_key=voter_key).exclude(user=user).exists():
        raise ValidationError(_("This personal number is already linked to another account. "
                                "Please visit a district office."))
    verification, _created = Verification.objects.update_or_create(
        user=user,
        defaults={"method": method, "district": district, "voter_key": voter_key,
                  "verified_by": verified_by, "verified_at": timezone.now()},
    )
    return verification


@transaction.atomic
def verification_by_register(*, user: User, pin: str, birth_year: int) -> Verification:
    """Match the resident's PIN and birth year against the uploaded register."""
    key = voter_key_for_pin(pin)
    entry = RegisterEntry.objects.filter(voter_key=key, birth_year=birth_year).first()
    if entry is None:
        raise ValidationError(_("We could not find this personal number and year of birth in "
                                "the residency register. Check them, or visit a district office."))
    return _verification_save(user=user, method=Verification.Method.REGISTER,
                              district=entry.district, voter_key=key, verified_by=None)


@transaction.atomic
def verification_in_person(*, staff: User, account: str, pin: str,
                           district: District) -> Verification:
    """A staff member saw the resident's ID; recorded with who and when."""
    user = get_user_model().objects.filter(Q(phone=account) | Q(email__iexact=account)).first()
    if user is None:
        raise ValidationError(_("No account has this mobile number or e-mail."))
    return _verification_save(user=user, method=Verification.Method.IN_PERSON,
                              district=district, voter_key=voter_key_for_pin(pin),
                              verified_by=staff)


@transaction.atomic
def verification_by_phone(*, user: User, district: District) -> Verification:
    """A verified mobile number, with the district the resident declares."""
    if not user.phone_verified:
        raise ValidationError(_("Verify your mobile number first."))
    existing = Verification.objects.filter(user=user).first()
    if existing and existing.method != Verification.Method.PHONE:
        raise ValidationError(_("You are already verified by a stronger method."))
    return _verification_save(user=user, method=Verification.Method.PHONE, district=district,
                              voter_key=None, verified_by=None)


class RegisterImportError(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} bad rows")
        self.errors = errors


def register_import(*, rows: Iterable[dict[str, str]], file_name: str,
                    uploaded_by: User | None,
                    on_row: Callable[[], None] | None = None) -> RegisterImport:
    """Validate the whole file, then replace the register in one transaction.

    If any row is bad nothing is imported and RegisterImportError lists every error.
    """
    parsed, errors = parse_register(rows, on_row=on_row)
    if errors:
        raise RegisterImportError(errors)
    with transaction.atomic():
        batch = RegisterImport.objects.create(file_name=file_name, row_count=len(parsed),
                                              uploaded_by=uploaded_by)
        RegisterEntry.objects.all().delete()
        RegisterEntry.objects.bulk_create(
            (RegisterEntry(voter_key=row.voter_key, birth_year=row.birth_year,
                           district_id=row.district_id, batch=batch) for row in parsed),
            batch_size=BATCH_SIZE,
        )
    return batch


@transaction.atomic
def role_assign(*, user: User, role: Role, department: Department | None = None,
                organisation: Organisation | None = None, district: District | None = None,
                by: User | None = None) -> RoleAssignment:
    """Give a staff role (BY, when given, must be allowed to assign roles). The new staff
    member must set up two-factor authentication before anything else (the middleware)."""
    if by is not None and not by.has_perm("console.manage_roles"):
        raise PermissionDenied
    scope = {Role.DEPARTMENT_STAFF: department, Role.PROVIDER_STAFF: organisation,
             Role.DISTRICT_OFFICE: district}
    if role in scope and scope[role] is None:
        raise ValidationError(_("Choose the department, organisation or district this role "
                                "works for."))
    if role not in scope and (department or organisation or district):
        raise ValidationError(_("This role is not tied to a department, organisation or "
                                "district."))
    if RoleAssignment.objects.filter(user=user, role=role, department=department,
                                     organisation=organisation, district=district).exists():
        raise ValidationError(_("This person already has this role."))
    assignment = RoleAssignment(user=user, role=role, department=department,
                                organisation=organisation, district=district)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def role_remove(*, assignment: RoleAssignment, by: User) -> None:
    """Take a role away; the city keeps at least one city administrator."""
    if not by.has_perm("console.manage_roles"):
        raise PermissionDenied
    if assignment.role == Role.CITY_ADMIN and not RoleAssignment.objects.select_for_update(
            ).filter(role=Role.CITY_ADMIN).exclude(pk=assignment.pk).exists():
        raise ValidationError(_("The city needs at least one city administrator."))
    assignment.delete()
