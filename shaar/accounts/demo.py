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
    # username, display name, role, department code
    ("demo-resident", "Айгүл (sample resident)", None, None),
    ("demo-moderator", "Moderator (sample)", Role.MODERATOR, None),
    ("demo-reviewer", "Reviewer (sample)", Role.REVIEWER, None),
    ("demo-department", "Department staff (sample)", Role.DEPARTMENT_STAFF, "urban-development"),
    ("demo-admin", "City administrator (sample)", Role.CITY_ADMIN, None),
]


def seed() -> None:
    for username, display_name, role, department_code in PERSONAS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"display_name": display_name, "email": f"{username}@example.org"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True})
        if role:
            department = Department.objects.filter(code=department_code).first()
            RoleAssignment.objects.get_or_create(user=user, role=role, department=department)
    resident = User.objects.get(username="demo-resident")
    Verification.objects.get_or_create(
        user=resident,
        defaults={"method": Verification.Method.IN_PERSON,
                  "district": District.objects.get(code="pervomaisky"),
                  "verified_at": timezone.now()},
    )
