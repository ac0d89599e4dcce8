"""Demo accounts: one per persona, with a plain name (the pages mark sample data); a
sample residency register (imported through the register import, as a city uploads it);
and sample residents verified against it, who write proposals, support and comment.

The passwords are printed by `seed_demo`; they only exist where demo data is loaded.
"""

from __future__ import annotations

from functools import cache

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from shaar.city.models import Department, District
from shaar.lib.demo import Scale, demo_scale, rng

from . import actions
from .models import RegisterImport, Role, RoleAssignment, User, Verification

DEMO_PASSWORD = "shaar-demo-2027"  # noqa: S105 (sample accounts only)
# The demo resident's personal number (sample only), so `make run` shows a working ballot.
DEMO_VOTER_PIN = "21234567890123"
REGISTER_FILE = "sample-register.csv"

# Display names are people's names, shown as they are on pages in all three languages: no
# English "(sample)" suffix inside Kyrgyz and Russian pages. The banner on every page and the
# "Sample data" tags on sample rows say the data is invented.
PERSONAS = [
    # username, display name, role, department code, district code
    ("demo-resident", "Айгүл", None, None, None),
    ("demo-moderator", "Бакыт М.", Role.MODERATOR, None, None),
    ("demo-reviewer", "Жылдыз Т.", Role.REVIEWER, None, None),
    ("demo-department", "Эрлан К.", Role.DEPARTMENT_STAFF, "urban-development", None),
    ("demo-office", "Гүлнара С.", Role.DISTRICT_OFFICE, None, "pervomaisky"),
    # A second clerk of the same office: paper ballots are typed in twice, by two people.
    ("demo-office-2", "Тимур А.", Role.DISTRICT_OFFICE, None, "pervomaisky"),
    ("demo-admin", "Анара Ж.", Role.CITY_ADMIN, None, None),
]

FIRST_NAMES = ["Айгүл", "Азамат", "Нургүл", "Бакыт", "Жылдыз", "Эрлан", "Гүлнара", "Тимур",
               "Анара", "Улан", "Ольга", "Сергей", "Чолпон", "Руслан", "Мээрим", "Дмитрий",
               "Айпери", "Нурлан", "Елена", "Канат", "Бермет", "Адилет", "Татьяна", "Максат",
               "Динара", "Алексей", "Асель", "Бекболот", "Наталья", "Жаныл"]
INITIALS = "АБГДЖКМНОСТЧШ"


@cache
def _password_hash() -> str:
    # One hash for every sample account: hashing is slow by design, ten times is seconds.
    return make_password(DEMO_PASSWORD)


def demo_account(username: str, display_name: str) -> User:
    """A sample log-in account with a verified e-mail and the demo password."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": display_name, "email": f"{username}@example.org"})
    if created:
        user.password = _password_hash()
        user.save(update_fields=["password"])
    elif user.display_name != display_name:
        # A demo database seeded before names lost their English "(sample …)" suffix.
        user.display_name = display_name
        user.save(update_fields=["display_name"])
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def resident_pin(number: int) -> str:
    """The sample personal number of register resident `number` (0, 1, 2 …)."""
    return DEMO_VOTER_PIN if number == 0 else f"1{number:013d}"


def resident_district_codes() -> list[str]:
    """Register residents' districts, drawn in proportion to the districts' populations."""
    districts = list(District.objects.order_by("code").values_list("code", "population"))
    return [code for code, population in districts for _n in range(max(1, population // 10_000))]


def resident_district(number: int, codes: list[str]) -> str:
    """Register resident `number`'s district code (`codes`: `resident_district_codes()`)."""
    return "pervomaisky" if number == 0 else codes[number % len(codes)]


def _register_rows(scale: Scale) -> list[dict[str, str]]:
    codes = resident_district_codes()
    return [{"pin": resident_pin(number), "birth_year": str(birth_year(number)),
             "district": resident_district(number, codes)}
            for number in range(scale.register_residents)]


def sample_residents(count: int) -> list[User]:
    """Sample residents 1 … count (created by `seed`), verified against the register."""
    users = {u.username: u for u in User.objects.filter(username__startswith="sample-resident-")}
    return [users[f"sample-resident-{n:05d}"] for n in range(1, count + 1)
            if f"sample-resident-{n:05d}" in users]


def _residents(scale: Scale) -> None:
    """Residents who take part (authors, supporters, commenters): accounts without a
    password (nobody logs in as them), verified by the register like any resident."""
    gen = rng("residents")
    count = scale.supporters + 20
    existing = set(User.objects.filter(username__startswith="sample-resident-")
                   .values_list("username", flat=True))
    # Names from before they lost their English " (sample)" suffix.
    for user in User.objects.filter(username__startswith="sample-resident-",
                                    display_name__endswith=" (sample)"):
        user.display_name = user.display_name.removesuffix(" (sample)")
        user.save(update_fields=["display_name"])
    for number in range(1, count + 1):
        username = f"sample-resident-{number:05d}"
        name = f"{gen.choice(FIRST_NAMES)} {gen.choice(INITIALS)}."
        if username in existing:
            continue
        user = User(username=username, display_name=name)
        user.set_unusable_password()
        user.save()
        actions.verification_by_register(user=user, pin=resident_pin(number),
                                         birth_year=birth_year(number))


def birth_year(number: int) -> int:
    """Register resident `number`'s year of birth: spread over 1940–2008, reproducible."""
    return 1991 if number == 0 else 1940 + (number * 37) % 69


def seed(scale: Scale | None = None) -> None:
    scale = scale or demo_scale()
    for username, display_name, role, department_code, district_code in PERSONAS:
        user = demo_account(username, display_name)
        if role:
            RoleAssignment.objects.get_or_create(
                user=user, role=role,
                department=Department.objects.filter(code=department_code).first(),
                district=District.objects.filter(code=district_code).first())
    latest = RegisterImport.objects.order_by("-pk").first()
    # Never replace a register the city uploaded itself.
    if latest is None or (latest.file_name == REGISTER_FILE
                          and latest.row_count != scale.register_residents):
        actions.register_import(rows=_register_rows(scale), file_name=REGISTER_FILE,
                                uploaded_by=None)
    resident = User.objects.get(username="demo-resident")
    if not Verification.objects.filter(user=resident).exists():
        actions.verification_by_register(user=resident, pin=DEMO_VOTER_PIN,
                                         birth_year=birth_year(0))
    _residents(scale)
