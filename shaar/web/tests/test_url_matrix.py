"""The authorisation matrix: every URL pattern of the project, requested by the roles.

`EXPECTED` documents, per URL name, which roles may use the page (a 2xx answer). Every
other role must be turned away (a redirect to log in, 403, 404 or 405) — never served,
and nobody ever gets a 5xx. A URL pattern without an entry fails the test, so a new page
cannot ship without a decision about who may open it.

Every role requests every URL, except where roles cannot answer apart (`roles_to_try`):
the Django admin, which refuses all but staff accounts up front, and pages open to every
role. There a few roles, taken in turn, stand for the others (4,750 requests became about
2,500).

Rules by prefix keep the table short for the admin and allauth; an exact entry wins over a
rule. An app may keep its own entries in `shaar/<app>/tests/url_access.py`
(`EXPECTED = {...}` built with the helpers below); they are merged in.

Path converters are filled from the demo data (`seed_demo`) and the personas below, or
from dummy values; an entry can give its own `kwargs(world)`.

Every HTML page served on the way is also checked for its structure
(`shaar.lib.htmlcheck.html_problems`): no markup in the `<title>`, no `id` used twice, no
element left open or closed out of order.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils import translation

from shaar.accounts.models import Role, User
from shaar.city.models import District
from shaar.lib.htmlcheck import html_problems
from shaar.testing import (
    load_demo,
    make_department,
    make_organisation,
    make_resident,
    make_staff,
)

ANONYMOUS = "anonymous"
RESIDENT = "resident"
MODERATOR = "moderator"
STAFF_A = "staff of department A"
STAFF_B = "staff of department B"
PROVIDER = "provider staff"
EVALUATOR = "evaluator"
BOARD = "board member"
CLERK = "district office staff"
ADMINISTRATOR = "administrator"
ROLES = (ANONYMOUS, RESIDENT, MODERATOR, STAFF_A, STAFF_B, PROVIDER, EVALUATOR, BOARD, CLERK,
         ADMINISTRATOR)
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Access:
    """`ok`: roles that get a 2xx. `lenient`: roles that may get any answer but a 5xx
    (allauth flow pages that redirect when no flow is pending; they hold no data of
    their own). Everyone else must get a 3xx, 403, 404 or 405."""

    ok: frozenset[str]
    why: str
    lenient: frozenset[str] = NOBODY
    kwargs: Callable[[dict], dict] | None = field(default=None, compare=False)


def public(why: str = "public page") -> Access:
    return Access(EVERYONE, why)


def signed_in(why: str = "any signed-in user") -> Access:
    return Access(SIGNED_IN, why)


def only(*roles: str, why: str) -> Access:
    return Access(frozenset(roles), why)


def flow(why: str, ok: frozenset[str] = NOBODY) -> Access:
    return Access(ok, why, lenient=EVERYONE - ok)


def own_flow(why: str) -> Access:
    """A signed-in user's own multi-step page; anonymous users are always refused."""
    return Access(NOBODY, why, lenient=SIGNED_IN)


# In the admin, Django's model permissions decide what the administrator may do (some
# models are read-only: 403 on add); what matters here is that nobody else is served.
ADMIN_SITE = Access(NOBODY, "Django admin: staff accounts (is_staff) only",
                    lenient=frozenset({ADMINISTRATOR}))


EXPECTED: dict[str, Access] = {
    # Site shell and health
    "healthz": public("public health check"),
    "metrics": public("network-restricted, not role-restricted: the test client is on "
                      "127.0.0.1 (see shaar/ops/tests/test_metrics.py for other networks)"),
    "service-worker": public(),
    "switch_language": flow("the language menu: a redirect to the same page, for anyone"),
    "web:home": public(),
    "web:offline": public(),
    "web:sample-data": public(),
    "web:manifest": public(),
    "web:design": only(ADMINISTRATOR, why="the living design-system page: staff accounts "
                                          "(is_staff), or anyone when DEBUG is on"),
    # API
    "api-1:api-root": flow("ninja's root: 404"),
    "api-1:openapi-json": public("API schema"),
    "api-1:openapi-view": public("API docs"),
    "api-1:city_detail": public("public city data"),
    "api-1:address_search": public("public API: search the address register"),
    "api-1:address_nearest": flow("public API: needs lat and lon (422 without them)"),
    "map-tiles": public("the city's base map file (byte ranges)"),
    # Resident accounts
    "accounts:verify": signed_in("a resident's own verification page"),
    "accounts:profile": signed_in("a person's own profile"),
    "accounts:password-new": Access(NOBODY, "only just after signing in with an SMS code; "
                                    "otherwise a redirect to the usual password change"),
    "accounts:verify-in-person": only(CLERK, ADMINISTRATOR,
                                      why="accounts.open_district_office: staff of a district "
                                          "office (and the superuser, who holds every "
                                          "permission)"),
    # allauth: pages that need no account, pages for the signed-in user
    "account_login": Access(frozenset({ANONYMOUS}), "signed-in users are sent on"),
    "account_signup": Access(frozenset({ANONYMOUS}), "signed-in users are sent on"),
    "account_reset_password": public("request a reset code"),
    "account_logout": signed_in("confirmation page; anonymous users are sent on"),
    "account_email": signed_in("own e-mail addresses"),
    "account_change_password": signed_in("own password"),
    "account_change_phone": signed_in("own phone"),
    "account_reauthenticate": signed_in("own session"),
    "mfa_index": signed_in("own two-factor settings"),
    # Admin site: the administrator only (is_staff); the log-in page is allauth's.
    "admin:index": only(ADMINISTRATOR, why="Django admin: staff accounts (is_staff) only"),
    "admin:login": flow("admin log-in goes through allauth (two-factor for staff)"),
    "admin:logout": Access(NOBODY, "POST only: 405 for a GET"),
}

# Rules (regular expressions over the key), tried in order when there is no exact entry.
RULES: list[tuple[str, Access]] = [
    (r"admin:\w+_changelist$", only(ADMINISTRATOR, why="admin lists: staff accounts only")),
    (r"admin:", ADMIN_SITE),
    (r"<lang>/admin/", ADMIN_SITE),
    (r"mfa_", own_flow("allauth two-factor page of the signed-in user")),
    (r"account_", flow("allauth step of a flow (code, confirmation, reset): never a 5xx")),
    (r"media/", flow("development media server (DEBUG only)")),
]


def _app_tables() -> dict[str, Access]:
    tables = {}
    for app in settings.INSTALLED_APPS:
        module = f"{app}.tests.url_access"
        try:
            found = app.startswith("shaar.") and find_spec(module) is not None
        except ModuleNotFoundError:  # the app has no tests package
            found = False
        if found:
            tables.update(import_module(module).EXPECTED)
    return tables


def expected_for(key: str) -> Access | None:
    table = {**EXPECTED, **_app_tables()}
    if key in table:
        return table[key]
    for pattern, access in RULES:
        if re.match(pattern, key):
            return access
    return None


# --- walking the URL patterns ----------------------------------------------------------------

@dataclass
class Route:
    key: str         # the URL name, or the route itself for unnamed patterns
    route: str       # e.g. "ky/admin/city/district/<path:object_id>/change/"


def walk(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            lang_route = re.sub(r"^(ky|ru|en)/", "<lang>/", route)
            if pattern.name:
                key = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                key = lang_route
            yield Route(key=key, route=route)


CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def fill(route: Route, world: dict, access: Access | None) -> str:
    """A concrete path for the route, with existing objects where there are any."""
    values = dict(world["defaults"])
    admin_model = re.search(r"admin/(\w+)/(\w+)/<path:(\w+)>", route.route)
    if admin_model:
        app_label, model_name, kwarg = admin_model.groups()
        model = apps.get_model(app_label, model_name)
        obj = model._default_manager.order_by("pk").first()
        values[kwarg] = str(obj.pk) if obj else "1"
    if access and access.kwargs:
        values.update({k: str(v) for k, v in access.kwargs(world).items()})

    def value(name: str, converter: str | None) -> str:
        if name in values:
            return values[name]
        return {"int": "1", "id": "1", "uuid": str(uuid.UUID(int=1))}.get(converter or "str",
                                                                           "sample")

    path = REGEX_GROUP.sub(lambda m: value(m.group(1), None), route.route)
    path = re.sub(r"(^|/)\^", r"\1", path).replace("$", "")
    path = re.sub(r"\\(.)", r"\1", path)  # regex escapes: "discovery\.json" -> "discovery.json"
    path = CONVERTER.sub(lambda m: value(m.group(2), m.group(1)), path)
    return "/" + path


def is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html") and not response.streaming


def is_admin_site(route: Route) -> bool:
    return route.key.startswith(("admin:", "<lang>/admin/"))


def roles_to_try(number: int, route: Route, access: Access) -> tuple[str, ...]:
    """The roles that request a URL: every role, except where roles cannot answer apart.

    The Django admin refuses anyone who is not `is_staff` before any view code runs, and
    only the administrator is staff (the test checks): anonymous, the administrator and one
    other role, taken in turn. A page every role may open: anonymous, the resident, the
    administrator (whose menu links to every section) and one staff role, in turn. `number`
    counts the URLs of that kind, so that every role still opens some of each."""
    if is_admin_site(route):
        others = [r for r in ROLES if r not in (ANONYMOUS, ADMINISTRATOR)]
        return (ANONYMOUS, others[number % len(others)], ADMINISTRATOR)
    if access.ok == EVERYONE:
        others = [r for r in ROLES if r not in (ANONYMOUS, RESIDENT, ADMINISTRATOR)]
        return (ANONYMOUS, RESIDENT, others[number % len(others)], ADMINISTRATOR)
    return ROLES


@dataclass
class Target:
    route: Route
    access: Access
    url: str
    roles: tuple[str, ...]


class UrlMatrixTests(TestCase):
    """One test per role (so that the parallel run can share them out), over the URLs
    built once for the class."""

    users: dict[str, User]
    world: dict[str, Any]
    targets: list[Target]
    unbuilt: list[str]

    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()
        department_a, department_b = make_department("matrix-a"), make_department("matrix-b")
        cls.users = {
            RESIDENT: make_resident("m-resident"),
            MODERATOR: make_staff(Role.MODERATOR, "m-moderator"),
            STAFF_A: make_staff(Role.DEPARTMENT_STAFF, "m-staff-a", department=department_a),
            STAFF_B: make_staff(Role.DEPARTMENT_STAFF, "m-staff-b", department=department_b),
            PROVIDER: make_staff(Role.PROVIDER_STAFF, "m-provider",
                                 organisation=make_organisation("matrix-provider")),
            EVALUATOR: make_staff(Role.GRANT_EVALUATOR, "m-evaluator"),
            BOARD: make_staff(Role.BOARD_MEMBER, "m-board"),
            CLERK: make_staff(Role.DISTRICT_OFFICE, "m-clerk",
                              district=District.objects.order_by("pk").first()),
            ADMINISTRATOR: make_staff(Role.CITY_ADMIN, "m-admin"),
        }
        admin = cls.users[ADMINISTRATOR]
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
        user_type = ContentType.objects.get_for_model(admin)
        cls.world = {
            "users": cls.users,
            "departments": (department_a, department_b),
            "defaults": {"content_type_id": str(user_type.pk), "key": "not-a-real-key",
                         "app_label": "city", "url": "no-such-admin-page/",
                         "path": "no-such-file.jpg"},
        }
        cls.targets, cls.unbuilt = cls.build_targets()

    @classmethod
    def routes(cls) -> list[Route]:
        with translation.override("en"):
            return list(walk())

    @classmethod
    def build_targets(cls) -> tuple[list[Target], list[str]]:
        """A URL for every documented route, and the routes no URL could be built for."""
        targets: list[Target] = []
        unbuilt: list[str] = []
        counters = {"admin": 0, "everyone": 0}
        for route in cls.routes():
            access = expected_for(route.key)
            if access is None:
                continue  # reported by the test below
            with translation.override("en"):
                url = fill(route, cls.world, access)
                try:
                    match = resolve(url)
                except Resolver404:
                    unbuilt.append(f"{route.key}: could not build a URL that resolves ({url})")
                    continue
            # django-ninja adds one pattern per operation of a path: a POST operation's own
            # name (e.g. "api-1:feedback_report_create") resolves to the GET's pattern of the
            # same route, which is the same view; that is no shadowing.
            if (not route.key.startswith("<lang>") and match.view_name != route.key
                    and match.route != route.route):
                unbuilt.append(f"{route.key}: {url} resolves to {match.view_name}")
                continue
            kind = ("admin" if is_admin_site(route) else
                    "everyone" if access.ok == EVERYONE else "")
            number = counters.get(kind, 0)
            if kind:
                counters[kind] += 1
            targets.append(Target(route, access, url, roles_to_try(number, route, access)))
        return targets, unbuilt

    def test_every_url_pattern_has_a_documented_expectation(self) -> None:
        missing = sorted({r.key for r in self.routes() if expected_for(r.key) is None})
        self.assertEqual(missing, [], "add these URL names to EXPECTED in "
                                      "shaar/web/tests/test_url_matrix.py (or the app's "
                                      "tests/url_access.py)")

    def test_no_documented_url_name_is_stale(self) -> None:
        keys = {r.key for r in self.routes()}
        stale = sorted((set(EXPECTED) | set(_app_tables())) - keys)
        self.assertEqual(stale, [], "these entries name URLs that no longer exist")

    def test_every_documented_url_can_be_built(self) -> None:
        self.assertEqual(self.unbuilt, [])
        self.assertGreater(len(self.targets), 400)

    def test_only_the_administrator_is_staff_so_the_admin_needs_fewer_roles(self) -> None:
        staff = sorted(role for role, user in self.users.items() if user.is_staff)
        self.assertEqual(staff, [ADMINISTRATOR])
        for role in ROLES:  # each role still meets the admin and the public pages
            with self.subTest(role):
                self.assertTrue(any(role in t.roles for t in self.targets
                                    if is_admin_site(t.route)))
                self.assertTrue(any(role in t.roles for t in self.targets
                                    if t.access.ok == EVERYONE))

    def check_role(self, role: str) -> None:
        """Only documented roles are served, and nobody gets a server error."""
        problems: list[str] = []
        checked = 0
        user = self.users.get(role)
        for target in self.targets:
            if role not in target.roles:
                continue
            route, access, url = target.route, target.access, target.url
            # Log in again whenever a page ended the session (cheaper than every time).
            if user is not None and self.client.session.get("_auth_user_id") != str(user.pk):
                self.client.force_login(user)
            response = self.client.get(url, headers={"accept-language": "en"})
            status = response.status_code
            checked += 1
            where = f"{route.key} ({url}) as {role}: {status}"
            if 200 <= status < 300 and is_html(response):
                problems.extend(f"{where} — {problem}"
                                for problem in html_problems(response.content.decode()))
            if status >= 500:
                problems.append(f"{where} — a server error")
            elif role in access.ok:
                if not 200 <= status < 300:
                    problems.append(f"{where} — expected access ({access.why})")
            elif role in access.lenient:
                continue
            elif 200 <= status < 300:
                problems.append(f"{where} — served, but not documented ({access.why})")
            elif status not in (301, 302, 303, 307, 308, 401, 403, 404, 405):
                problems.append(f"{where} — unexpected refusal")
        self.assertGreater(checked, 100)
        self.assertEqual(problems, [], "\n" + "\n".join(problems))


def _role_test(role: str) -> Callable[[UrlMatrixTests], None]:
    def test(self: UrlMatrixTests) -> None:
        self.check_role(role)

    test.__name__ = "test_only_documented_roles_are_served_as_" + re.sub(r"\W+", "_", role)
    test.__doc__ = f"Only documented roles are served, and nobody gets a 5xx: as {role}."
    return test


for _role in ROLES:
    _test = _role_test(_role)
    setattr(UrlMatrixTests, _test.__name__, _test)
