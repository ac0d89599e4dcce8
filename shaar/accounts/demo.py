"""Demo accounts: one per persona, each labelled in its display name as sample data.

The passwords are printed by `seed_demo`; they only exist where demo data is loaded.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.utils import timezone

from shaar.city.models import Department, District

from .models import Role, RoleAssignment, User, Verification

DEMO_PASSWORD = "shaar-demo-2027"  # noqa: S105 (sample accounts only)

PERSONAS = [
    # username, display name, role, department code, district code
    ("demo-resident", "Айгүл (sample resident)", None, None, None),
    ("demo-moderator", "Moderator (sample)", Role.MODERATOR, None, None),
    ("demo-reviewer", "Reviewer (sample)", Role.REVIEWER, None, None),
    ("demo-department", "Department staff (sample)", Role.DEPARTMENT_STAFF, "urban-development",
     None),
    ("demo-office", "District office staff (sample)", Role.DISTRICT_OFFICE, None, "pervomaisky"),
    ("demo-admin", "City administrator (sample)", Role.CITY_ADMIN, None, None),
]


def persona(username: str, display_name: str) -> User:
    """A sample account with a verified e-mail address and the demo password."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": display_name, "email": f"{username}@example.org"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def seed() -> None:
    for username, display_name, role, department_code, district_code in PERSONAS:
        user = persona(username, display_name)
        if role:
            RoleAssignment.objects.get_or_create(
                user=user, role=role,
                department=Department.objects.filter(code=department_code).first(),
                district=District.objects.filter(code=district_code).first())
    resident = User.objects.get(username="demo-resident")
    Verification.objects.get_or_create(
        user=resident,
        defaults={"method": Verification.Method.IN_PERSON,
                  "district": District.objects.get(code="pervomaisky"),
                  "verified_at": timezone.now()},
    )
