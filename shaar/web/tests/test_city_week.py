"""A city's week, through the public pages, on whichever database the suite runs on.

A few hundred residents sign up (by e-mail and by phone, their numbers typed every usual
way, a quarter of them at the same time), sign in again, verify by the register, by phone
and in person at their district office, propose, support, vote in their pools and report
problems; staff review, verify and answer. Nobody gets a 5xx, nobody votes twice or in two
district pools, and every account can sign in again at the end.

The size is `CITY_WEEK_RESIDENTS` (default 200); `bench/city_week.py` runs it larger.
"""

from __future__ import annotations

import itertools
import os
import threading
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client, TransactionTestCase

from shaar.accounts.actions import register_import
from shaar.accounts.models import Role, User, Verification
from shaar.accounts.sms import locmem
from shaar.budgeting.models import Phase, Proposal
from shaar.budgeting.tests.factories import make_cycle, make_pool, make_project
from shaar.city.models import District
from shaar.feedback.models import Report, ReportEvent
from shaar.feedback.tests.factories import centre, make_category
from shaar.testing import PASSWORD, make_city, make_district, make_pin, make_staff, search

RESIDENTS = int(os.environ.get("CITY_WEEK_RESIDENTS", "200"))
# How residents type +996 70x xxx xxx: the same person types it differently on another day.
PHONE_STYLES = ["0{a} {b} {c}", "{a}{b}{c}", "996{a}{b}{c}", "+996 ({a}) {b1}-{b2}-{c}",
                "0{a}{b}{c}", "{a} {b} {c}", "+996{a}{b}{c}", "(0{a}) {b1}-{b2}-{c}"]


def typed(phone: str, style: int) -> str:
    """+996700123456 as a resident types it in style `style`."""
    digits = phone.removeprefix("+996")
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return PHONE_STYLES[style % len(PHONE_STYLES)].format(a=a, b=b, c=c, b1=b[:2], b2=b[2:])


@dataclass
class Resident:
    n: int
    email: str = ""
    phone: str = ""
    pin: str = ""
    district: District = field(kw_only=True)
    client: Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = self.new_client()

    def new_client(self) -> Client:
        # Each household uses its own connection, as in a city (the limits on sign-ups and
        # log-ins are per client address).
        return Client(REMOTE_ADDR=f"10.{self.n // 65536}.{self.n // 256 % 256}.{self.n % 256}")

    @property
    def login(self) -> str:
        return typed(self.phone, self.n + 3) if self.phone else self.email


class Week:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def call(self, client: Client, method: str, path: str, data=None, expect=None):
        response = getattr(client, method)(path, data or {})
        if response.status_code >= 500 or (expect and response.status_code not in expect):
            with self.lock:
                self.errors.append(f"{method.upper()} {path}: {response.status_code}")
        return response


def _sms_code(phone: str) -> str:
    text = next(m["text"] for m in reversed(locmem.outbox) if m["to"] == phone)
    return search(r"\b(\d{6})\b", text).group(1)


def _sign_up(week: Week, resident: Resident) -> None:
    client = resident.client
    if resident.phone:
        response = week.call(client, "post", "/ky/accounts/signup/", {
            "phone": typed(resident.phone, resident.n), "email": "", "password1": PASSWORD,
            "password2": PASSWORD}, expect={302})
        week.call(client, "post", response["Location"], {"code": _sms_code(resident.phone)},
                  expect={302})
    else:
        week.call(client, "post", "/ru/accounts/signup/", {
            "phone": "", "email": resident.email, "password1": PASSWORD,
            "password2": PASSWORD}, expect={302})
    client.logout()


def _in_threads(work, items, threads: int = 4) -> None:
    chunks = [items[i::threads] for i in range(threads)]

    def run(chunk):
        try:
            for item in chunk:
                work(item)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(chunk,)) for chunk in chunks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


class CityWeekTests(TransactionTestCase):
    """A quarter of the sign-ups run in threads, each with its own connection: they must see
    committed rows."""

    def test_a_city_lives_a_week_without_a_server_error_or_a_second_ballot(self) -> None:
        week = Week()
        make_city()
        locmem.outbox.clear()
        districts = [make_district(f"district-{i}") for i in range(4)]
        clerks = {d.pk: make_staff(Role.DISTRICT_OFFICE, district=d) for d in districts}
        official = make_staff(Role.CITY_ADMIN)
        residents = []
        for n in range(RESIDENTS):
            resident = Resident(n=n, district=districts[n % 4], pin=make_pin())
            if n % 2:
                resident.phone = f"+99670{n:07d}"
            else:
                resident.email = f"resident{n}@example.org"
            residents.append(resident)
        # The register holds the first three quarters of the city's residents.
        in_register = [r for r in residents if r.n % 4 != 3]
        register_import(rows=[{"pin": r.pin, "birth_year": "1990", "district": r.district.code}
                              for r in in_register], file_name="register.csv", uploaded_by=official)

        # Monday: sign-ups, a quarter of them all at once.
        crowd = residents[: RESIDENTS // 4]
        _in_threads(lambda r: _sign_up(week, r), crowd)
        for resident in residents[RESIDENTS // 4:]:
            _sign_up(week, resident)
        self.assertEqual(User.objects.filter(roles=None).count(), RESIDENTS)

        # Tuesday: everyone signs in again, phones typed another way.
        for resident in residents:
            week.call(resident.client, "post", "/en/accounts/login/",
                      {"login": resident.login, "password": PASSWORD}, expect={302})
            self.assertIn("_auth_user_id", resident.client.session, resident.login)

        # Wednesday: verification by the register, by phone (declared district) and in person.
        for resident in residents:
            if resident.n % 4 != 3:
                week.call(resident.client, "post", "/en/me/verify/", {
                    "register-pin": resident.pin, "register-birth_year": "1990"}, expect={302})
            elif resident.phone:
                week.call(resident.client, "post", "/en/me/verify/", {
                    "phone-district": resident.district.pk}, expect={302})
        not_in_register = [r for r in residents if r.n % 4 == 3 and not r.phone]
        for resident in not_in_register:
            clerk = Client()
            clerk.force_login(clerks[resident.district.pk])
            # Not in the register: the office verifies, and the register refuses the PIN.
            week.call(clerk, "post", "/en/me/staff/verify-in-person/", {
                "account": resident.email, "pin": resident.pin, "office": resident.district.pk,
                "id_seen": "on"}, expect={400})
        verified = {v.user_id: v for v in Verification.objects.all()}
        self.assertEqual(len(verified), RESIDENTS - len(not_in_register))

        # Thursday: proposals and support in an open cycle.
        proposals_cycle = make_cycle(Phase.PROPOSALS)
        for district in districts:
            make_pool(proposals_cycle, district)
        city_pool = make_pool(proposals_cycle)
        authors = residents[:10]
        for resident in authors:
            week.call(resident.client, "post", f"/en/budget/{proposals_cycle.slug}/propose/", {
                "title": f"Benches in yard {resident.n}", "description": "Six benches.",
                "pool": city_pool.pk, "category": "parks", "estimated_cost": 150_000,
                "submit": "1"}, expect={302})
        proposals = list(Proposal.objects.filter(cycle=proposals_cycle))
        self.assertEqual(len(proposals), len(authors))
        for resident, proposal in zip(residents[10:], itertools.cycle(proposals), strict=False):
            if resident.client.session.get("_auth_user_id"):
                week.call(resident.client, "post", f"/en/budget/proposals/{proposal.pk}/support/",
                          expect={302})

        # Friday: the vote, in the city-wide pool and the resident's own district pool.
        voting = make_cycle(Phase.VOTING)
        # This city accepts a verified phone (with its declared district) as well.
        city_wide = make_pool(voting, accepts_phone=True)
        local = {d.pk: make_pool(voting, d, accepts_phone=True) for d in districts}
        city_projects = [make_project(city_wide, c) for c in (300_000, 200_000)]
        local_projects = {pk: make_project(pool, 300_000) for pk, pool in local.items()}
        voters = [r for r in residents if User.objects.get(
            **({"phone": r.phone} if r.phone else {"email": r.email})).pk in verified]
        for resident in voters:
            own = local[resident.district.pk]
            # The answer to a cast ballot is the page with its receipt, shown once.
            week.call(resident.client, "post", f"/en/budget/{voting.slug}/vote/{city_wide.pk}/",
                      {"projects": [city_projects[resident.n % 2].pk]}, expect={200})
            week.call(resident.client, "post", f"/en/budget/{voting.slug}/vote/{own.pk}/",
                      {"projects": [local_projects[resident.district.pk].pk]}, expect={200})
            # A second ballot, and a ballot in another district's pool: refused, never a 5xx.
            other = local[districts[(districts.index(resident.district) + 1) % 4].pk]
            assert other.district_id is not None
            for pool in (city_wide, other):
                response = week.call(resident.client, "post",
                                     f"/en/budget/{voting.slug}/vote/{pool.pk}/",
                                     {"projects": [city_projects[0].pk if pool == city_wide
                                                   else local_projects[other.district_id].pk]})
                self.assertTrue(400 <= response.status_code < 500, response.status_code)
        self.assert_one_ballot_per_voter(voting, len(voters))

        # Saturday: problems reported, answered by the city.
        category = make_category()
        reporters = residents[::3]
        for resident in reporters:
            lat, lon = centre(resident.district)
            week.call(resident.client, "post", "/en/feedback/new/", {
                "category": category.code, "lat": lat, "lon": lon,
                "description": f"Broken streetlight near house {resident.n}",
                "contact_phone": typed(resident.phone, resident.n + 1) if resident.phone else ""},
                expect={302})
        staff = Client()
        staff.force_login(official)
        for report in Report.objects.all():
            week.call(staff, "post", f"/en/feedback/staff/{report.pk}/reply/",
                      {"text": "A crew is on its way."}, expect={302})
        self.assertEqual(Report.objects.count(), len(reporters))
        self.assertEqual(ReportEvent.objects.filter(kind=ReportEvent.Kind.REPLY).count(),
                         len(reporters))
        self.assertLessEqual(
            set(Report.objects.exclude(contact_phone="").values_list("contact_phone", flat=True)),
            {r.phone for r in reporters})

        # Sunday: every account signs in again.
        for resident in residents:
            client = resident.new_client()
            week.call(client, "post", "/en/accounts/login/",
                      {"login": resident.login, "password": PASSWORD}, expect={302})
            self.assertIn("_auth_user_id", client.session, resident.login)
        self.assertEqual(week.errors, [])

    def assert_one_ballot_per_voter(self, cycle, voters: int) -> None:
        """One city-wide ballot per voter and one district ballot per voter, each voter marked
        once per pool and in one district pool only."""
        from django.db.models import Count

        from shaar.budgeting.models import Ballot, VoterMark

        ballots = Ballot.objects.filter(pool__cycle=cycle)
        self.assertEqual(ballots.filter(pool__district=None).count(), voters)
        self.assertEqual(ballots.exclude(pool__district=None).count(), voters)
        marks = VoterMark.objects.filter(pool__cycle=cycle)
        self.assertEqual(marks.count(), 2 * voters)
        per_account = marks.exclude(pool__district=None).values("account").annotate(n=Count("id"))
        self.assertEqual({row["n"] for row in per_account}, {1})
