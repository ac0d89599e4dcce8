"""Every write about accounts, roles and residency verification."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shaar.city.models import Department, District, Organisation
from shaar.lib.tabular import RowsRefused

from .models import (
    RegisterEntry,
    RegisterImport,
    Role,
    RoleAssignment,
    User,
    Verification,
    VerificationChange,
    voter_key_for_pin,
)
from .register import parse_register
from .selectors import user_by_contact

BATCH_SIZE = 2000


def _verification_set(*, user: User, method: str, district: District | None,
                      voter_key: str | None, verified_by: User | None,
                      reason: str) -> Verification:
    """Give `user` this verification, or refuse with the reason.

    The caller holds a transaction. The user's row is locked first, so two verifications of
    one account at once (two offices, or an office and the register page) run one after the
    other. A verification only gets stronger: a phone-declared district is replaced by the
    register's or an office's; a personal number, once linked, never changes, and it links
    one account only. So an account never becomes a second voter (`voter_key`) for a pool
    it has voted in; the ballots' own constraints refuse the rest.
    """
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    existing = Verification.objects.filter(user=user).select_related("district").first()
    if voter_key and Verification.objects.filter(voter_key=voter_key).exclude(user=user).exists():
        raise ValidationError(_("This personal number is already linked to another account. "
                                "Please visit a district office."))
    if existing is not None and existing.voter_key:
        if existing.voter_key != voter_key:
            raise ValidationError(_("This account is already verified with a personal number. "
                                    "It cannot be verified again with another one."))
        # Same person, already verified: nothing to change (the district stays theirs).
        return existing
    if existing is not None and existing.method == method == Verification.Method.PHONE:
        if existing.district_id != getattr(district, "pk", None):
            raise ValidationError(_("Your district is already set to %(district)s. To change "
                                    "it, verify with the residency register or at a district "
                                    "office.") % {"district": existing.district})
        return existing
    VerificationChange.objects.create(
        user=user, from_method=existing.method if existing else "",
        from_district=existing.district if existing else None, to_method=method,
        to_district=district, changed_by=verified_by, reason=reason[:300])
    verification, _created = Verification.objects.update_or_create(
        user=user,
        defaults={"method": method, "district": district, "voter_key": voter_key,
                  "verified_by": verified_by, "verified_at": timezone.now()},
    )
    return verification


def register_in_use() -> bool:
    """Whether the city has uploaded its residency register."""
    return RegisterEntry.objects.exists()


@transaction.atomic
def verification_by_register(*, user: User, pin: str, birth_year: int) -> Verification:
    """Match the resident's PIN and birth year against the uploaded register."""
    key = voter_key_for_pin(pin)
    entry = RegisterEntry.objects.filter(voter_key=key, birth_year=birth_year).first()
    if entry is None:
        raise ValidationError(_("We could not find this personal number and year of birth in "
                                "the residency register. Check them, or visit a district office."))
    return _verification_set(user=user, method=Verification.Method.REGISTER,
                             district=entry.district, voter_key=key, verified_by=None,
                             reason=_("matched in the residency register"))


def _in_person_district(*, voter_key: str, office: District) -> District:
    """The district an in-person verification gives: the register's when the city has one
    (and the office must be that district's), otherwise the office's own."""
    if not register_in_use():
        return office
    entry = RegisterEntry.objects.filter(voter_key=voter_key).select_related("district").first()
    if entry is None:
        raise ValidationError(_("This personal number is not in the residency register. The "
                                "resident must first be entered in the register."))
    if entry.district_id != office.pk:
        raise ValidationError(_("This resident is registered in %(district)s: they are "
                                "verified at that district's office.")
                              % {"district": entry.district})
    return entry.district


@transaction.atomic
def verification_in_person(*, staff: User, account: str, pin: str, office: District,
                           reason: str = "") -> Verification:
    """A district office's staff member saw the resident's ID; recorded with who, when and
    why. Only staff of that district's office may do it."""
    if not staff.has_perm("accounts.verify_in_person", office):
        raise PermissionDenied(_("Only staff of this district's office may verify its "
                                 "residents in person."))
    user = user_by_contact(account)
    if user is None:
        raise ValidationError(_("No account has this mobile number or e-mail."))
    key = voter_key_for_pin(pin)
    district = _in_person_district(voter_key=key, office=office)
    return _verification_set(user=user, method=Verification.Method.IN_PERSON,
                             district=district, voter_key=key, verified_by=staff,
                             reason=reason or _("identity document seen at the district "
                                                "office"))


@transaction.atomic
def verification_by_phone(*, user: User, district: District) -> Verification:
    """A verified mobile number, with the district the resident declares, once."""
    if not user.phone_verified:
        raise ValidationError(_("Verify your mobile number first."))
    existing = Verification.objects.filter(user=user).first()
    if existing and existing.method != Verification.Method.PHONE:
        raise ValidationError(_("You are already verified by a stronger method."))
    return _verification_set(user=user, method=Verification.Method.PHONE, district=district,
                             voter_key=None, verified_by=None,
                             reason=_("district declared with a verified mobile number"))




def register_import(*, rows: Iterable[dict[str, str]], file_name: str,
                    uploaded_by: User | None,
                    on_row: Callable[[], object] | None = None) -> RegisterImport:
    """Validate the whole file, then replace the register in one transaction.

    If any row is bad nothing is imported and RowsRefused lists every error.
    """
    parsed, errors = parse_register(rows, on_row=on_row)
    if errors:
        raise RowsRefused(errors)
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
def profile_update(*, user: User, display_name: str, language: str) -> User:
    user.display_name = display_name.strip()
    user.language = language
    user.full_clean(validate_unique=False, validate_constraints=False)
    user.save(update_fields=["display_name", "language"])
    return user


@transaction.atomic
def password_set(*, user: User, password: str) -> None:
    """A new password, already checked against the validators by the form."""
    user.set_password(password)
    user.save(update_fields=["password"])


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
