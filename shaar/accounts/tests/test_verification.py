from __future__ import annotations

import datetime
import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shaar.accounts import actions
from shaar.accounts.models import (
    RegisterEntry,
    RegisterImport,
    Role,
    Verification,
    VerificationChange,
    voter_key_for_pin,
)
from shaar.accounts.phones import normalise_mobile, normalise_phone
from shaar.actionplan.models import BoardMember, PlanMonitor
from shaar.city.models import City
from shaar.grants.models import CommitteeMember
from shaar.testing import (
    BaseTestCase,
    first,
    give_totp,
    make_district,
    make_pin,
    make_staff,
    make_user,
)

URL = "/en/me/staff/verify-in-person/"


def _register(pin: str, district, birth_year: int = 1990) -> None:
    batch = RegisterImport.objects.create(file_name="r.csv", row_count=1)
    RegisterEntry.objects.create(voter_key=voter_key_for_pin(pin), birth_year=birth_year,
                                 district=district, batch=batch)


class InPersonVerificationTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.other_district = make_district("sverdlovsky")
        self.clerk = make_staff(Role.DISTRICT_OFFICE, "clara", district=self.district)

    def _post(self, account: str, pin: str, office=None, **extra):
        return self.client.post(URL, {"account": account, "pin": pin,
                                      "office": (office or self.district).pk, "id_seen": "on",
                                      **extra})

    def test_only_district_office_staff_may_verify(self) -> None:
        self.assertEqual(self.client.get(URL).status_code, 302)  # anonymous: to log-in
        for user in (self.outsider, self.resident, self.moderator, self.official, self.admin):
            self.client.force_login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user)
        self.client.force_login(self.clerk)
        self.assertEqual(self.client.get(URL).status_code, 200)

    def test_staff_verify_for_their_own_office_only(self) -> None:
        self.client.force_login(self.clerk)
        response = self._post(self.outsider.email, make_pin(), office=self.other_district)
        self.assertEqual(response.status_code, 400)
        with self.assertRaises(PermissionDenied):
            actions.verification_in_person(staff=self.clerk, account=self.outsider.email,
                                           pin=make_pin(), office=self.other_district)
        self.assertFalse(Verification.objects.filter(user=self.outsider).exists())

    def test_without_a_register_the_office_fixes_the_district(self) -> None:
        pin = make_pin()
        self.client.force_login(self.clerk)
        response = self._post(self.outsider.email, pin)
        self.assertEqual(response.status_code, 302)
        verification = Verification.objects.get(user=self.outsider)
        self.assertEqual((verification.verified_by, verification.method, verification.district),
                         (self.clerk, "in_person", self.district))
        self.assertEqual(verification.voter_key, voter_key_for_pin(pin))
        change = VerificationChange.objects.get(user=self.outsider)
        self.assertEqual((change.from_method, change.to_method, change.changed_by),
                         ("", "in_person", self.clerk))

    def test_with_a_register_the_pin_must_be_in_it_and_in_this_district(self) -> None:
        here, elsewhere = make_pin(), make_pin()
        _register(here, self.district)
        _register(elsewhere, self.other_district)
        self.client.force_login(self.clerk)
        response = self._post(self.outsider.email, make_pin())
        self.assertContains(response, "not in the residency register", status_code=400)
        response = self._post(self.outsider.email, elsewhere)
        self.assertContains(response, "registered in sverdlovsky en", status_code=400)
        self.assertFalse(Verification.objects.filter(user=self.outsider).exists())
        self.assertEqual(self._post(self.outsider.email, here).status_code, 302)
        self.assertEqual(Verification.objects.get(user=self.outsider).district, self.district)

    def test_it_never_moves_an_account_to_another_personal_number(self) -> None:
        first, second = make_pin(), make_pin()
        verify = functools.partial(actions.verification_in_person, staff=self.clerk,
                                   account=self.outsider.email, office=self.district)
        verify(pin=first)
        with self.assertRaisesMessage(ValidationError, "cannot be verified again"):
            verify(pin=second)
        # The same person again: nothing changes, nothing is recorded twice.
        verify(pin=first)
        self.assertEqual(Verification.objects.get(user=self.outsider).voter_key,
                         voter_key_for_pin(first))
        self.assertEqual(VerificationChange.objects.filter(user=self.outsider).count(), 1)
        # A personal number already linked to an account cannot verify another one.
        with self.assertRaisesMessage(ValidationError, "linked to another account"):
            actions.verification_in_person(staff=self.clerk, account=make_user().email,
                                           pin=first, office=self.district)

    def test_a_phone_verified_resident_is_upgraded_with_the_reason_recorded(self) -> None:
        user = make_user(phone="+996555123456", phone_verified=True)
        actions.verification_by_phone(user=user, district=self.other_district)
        self.client.force_login(self.clerk)
        # Staff type the number as the resident says it.
        response = self._post("0555 12 34 56", make_pin(), reason="moved to this district")
        self.assertEqual(response.status_code, 302)
        verification = Verification.objects.get(user=user)
        self.assertEqual((verification.method, verification.district),
                         ("in_person", self.district))
        change = first(VerificationChange.objects.filter(user=user))
        self.assertEqual((change.from_method, change.from_district, change.reason),
                         ("phone", self.other_district, "moved to this district"))

    def test_it_refuses_an_unknown_account_and_a_bad_pin(self) -> None:
        self.client.force_login(self.clerk)
        self.assertEqual(self._post("nobody@example.org", make_pin()).status_code, 400)
        self.assertEqual(self._post(self.outsider.email, "12345").status_code, 400)
        self.assertFalse(Verification.objects.filter(user=self.outsider).exists())

    def test_staff_without_two_factor_authentication_are_sent_to_set_it_up(self) -> None:
        staff = make_staff(Role.CITY_ADMIN, totp=False)
        self.client.force_login(staff)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/2fa/totp/activate", response["Location"])
        # Residents are not asked for it.
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get("/en/").status_code, 200)


class PhoneVerificationTests(BaseTestCase):
    def test_it_needs_a_verified_phone(self) -> None:
        with self.assertRaises(ValidationError):
            actions.verification_by_phone(user=self.outsider, district=self.district)
        user = make_user(phone="+996555123456", phone_verified=True)
        verification = actions.verification_by_phone(user=user, district=self.district)
        self.assertEqual(verification.method, "phone")
        self.assertIsNone(verification.voter_key)

    def test_a_declared_district_cannot_be_changed_by_declaring_again(self) -> None:
        user = make_user(phone="+996555123456", phone_verified=True)
        actions.verification_by_phone(user=user, district=self.district)
        with self.assertRaisesMessage(ValidationError, "already set to pervomaisky en"):
            actions.verification_by_phone(user=user, district=make_district())
        actions.verification_by_phone(user=user, district=self.district)  # same: fine
        self.assertEqual(Verification.objects.get(user=user).district, self.district)

    def test_the_register_replaces_a_declared_district(self) -> None:
        user = make_user(phone="+996555123456", phone_verified=True)
        actions.verification_by_phone(user=user, district=make_district())
        pin = make_pin()
        _register(pin, self.district, birth_year=1980)
        actions.verification_by_register(user=user, pin=pin, birth_year=1980)
        verification = Verification.objects.get(user=user)
        self.assertEqual((verification.method, verification.district),
                         ("register", self.district))
        self.assertEqual(VerificationChange.objects.filter(user=user).count(), 2)

    def test_a_phone_does_not_downgrade_a_register_verification(self) -> None:
        self.resident.phone_verified = True
        self.resident.save()
        with self.assertRaises(ValidationError):
            actions.verification_by_phone(user=self.resident, district=self.district)


class VerificationJourneyTests(BaseTestCase):
    """The page a resident came from is where they return; no link leads to a step done."""

    BALLOT = "/en/budget/2027/pools/3/ballot/"

    def test_it_returns_to_the_page_the_resident_came_from(self) -> None:
        pin = make_pin()
        _register(pin, self.district)
        self.client.force_login(self.outsider)
        response = self.client.post("/en/me/verify/", {
            "register-pin": pin, "register-birth_year": "1990", "next": self.BALLOT})
        self.assertRedirects(response, self.BALLOT, fetch_redirect_response=False)

    def test_it_never_sends_a_resident_to_another_site(self) -> None:
        pin = make_pin()
        _register(pin, self.district)
        self.client.force_login(self.outsider)
        response = self.client.post("/en/me/verify/", {
            "register-pin": pin, "register-birth_year": "1990",
            "next": "https://evil.example.com/"})
        self.assertRedirects(response, "/en/me/verify/")

    def test_it_offers_only_what_the_ballot_accepts_and_not_what_is_done(self) -> None:
        user = make_user(phone="+996555123456", phone_verified=True)
        actions.verification_by_phone(user=user, district=self.district)
        self.client.force_login(user)
        page = self.client.get("/en/me/verify/", {"next": self.BALLOT,
                                                  "needs": "register,in_person"})
        self.assertContains(page, "accepts only these ways")
        self.assertContains(page, 'id="by-register"')
        self.assertContains(page, 'id="in-person"')
        self.assertNotContains(page, 'id="by-phone"')
        self.assertContains(page, f'name="next" value="{self.BALLOT}"')
        # Verified with a personal number: nothing more to offer, only the way back.
        self.client.force_login(self.resident)
        page = self.client.get("/en/me/verify/", {"next": self.BALLOT, "needs": "register"})
        self.assertNotContains(page, "<form method=\"post\"")
        self.assertContains(page, f'href="{self.BALLOT}"')

    def test_the_district_offices_are_listed_for_in_person_verification(self) -> None:
        self.district.office_en = "Chui Avenue 100, room 5, Mon-Fri 9-18"
        self.district.save()
        self.client.force_login(self.outsider)
        self.assertContains(self.client.get("/en/me/verify/"), "Chui Avenue 100, room 5")


class TrustedSeatTwoFactorTests(BaseTestCase):
    """Committee members, monitors and board members must use two-factor authentication,
    although their seats are memberships, not staff roles."""

    def _is_sent_to_set_up_two_factor(self, user) -> bool:
        self.client.force_login(user)
        response = self.client.get("/en/")
        return response.status_code == 302 and "/2fa/totp/activate" in response["Location"]

    def test_a_grant_committee_member_must_use_two_factor(self) -> None:
        from shaar.grants.tests.factories import make_call

        member = make_user()
        self.assertFalse(self._is_sent_to_set_up_two_factor(member))
        seat = CommitteeMember.objects.create(call=make_call(), user=member)
        self.assertTrue(self._is_sent_to_set_up_two_factor(member))
        seat.delete()
        self.assertFalse(self._is_sent_to_set_up_two_factor(member))
        CommitteeMember.objects.create(call=make_call(), user=member)
        give_totp(member)
        self.assertFalse(self._is_sent_to_set_up_two_factor(member))

    def test_monitors_and_serving_board_members_must_use_two_factor(self) -> None:
        from shaar.actionplan.tests.factories import make_plan

        monitor, member, former = make_user(), make_user(), make_user()
        PlanMonitor.objects.create(plan=make_plan(), user=monitor)
        today = timezone.localdate()
        for user, term_end in ((member, None), (former, today - datetime.timedelta(days=1))):
            BoardMember.objects.create(
                user=user, name="x", sector=BoardMember.Sector.GOVERNMENT,
                organisation_ky="o", organisation_ru="o", organisation_en="o",
                term_start=today - datetime.timedelta(days=400), term_end=term_end)
        self.assertTrue(self._is_sent_to_set_up_two_factor(monitor))
        self.assertTrue(self._is_sent_to_set_up_two_factor(member))
        self.assertFalse(self._is_sent_to_set_up_two_factor(former))


class PhoneNumberTests(BaseTestCase):
    def test_it_normalises_kyrgyz_mobile_numbers(self) -> None:
        for raw in ("+996 555 123 456", "0555123456", "996555123456", "+996(555)12-34-56"):
            self.assertEqual(normalise_mobile(raw), "+996555123456", raw)

    def test_it_refuses_foreign_and_landline_numbers(self) -> None:
        for raw in ("+7 701 123 45 67", "0312 61 11 77", "hello", "+996 555"):
            with self.assertRaises(ValidationError, msg=raw):
                normalise_mobile(raw)

    def test_another_city_reads_numbers_of_its_own_country(self) -> None:
        city = City.current()
        city.country_code = "KZ"
        city.save()
        self.assertEqual(normalise_mobile("8 (701) 123 45 67"), "+77011234567")
        with self.assertRaisesMessage(ValidationError, "(+7), such as 8 (771) 000 9998"):
            normalise_mobile("+996 555 123 456")

    def test_contact_numbers_may_be_landlines_or_foreign_and_are_stored_in_e164(self) -> None:
        from shaar.grants.actions import profile_create

        self.assertEqual(normalise_phone("0312 61 11 77"), "+996312611177")
        self.assertEqual(normalise_phone("+7 701 123 45 67"), "+77011234567")
        self.assertEqual(normalise_phone("  "), "")
        with self.assertRaises(ValidationError) as ctx:
            normalise_phone("call me", field="contact_phone")
        self.assertEqual(list(ctx.exception.message_dict), ["contact_phone"])
        profile = profile_create(user=self.resident, name="Green yards",
                                 legal_name="PF Green yards", contact_phone="(0312) 61-11-77")
        self.assertEqual(profile.contact_phone, "+996312611177")

    def test_pins_are_checked_before_hashing(self) -> None:
        for bad in ("", "3" + "0" * 13, "2" * 13, "2" * 15, "2abc"):
            with self.assertRaises(ValidationError, msg=bad):
                voter_key_for_pin(bad)
        self.assertEqual(voter_key_for_pin("2 0000 0000 0000 1"), voter_key_for_pin(make_pin(1)))


class AuditTrailTests(BaseTestCase):
    def test_a_staff_action_is_logged_with_actor_and_changes(self) -> None:
        from auditlog.models import LogEntry

        clerk = make_staff(Role.DISTRICT_OFFICE, district=self.district)
        self.client.force_login(clerk)
        self.client.post(URL, {"account": self.outsider.email, "pin": make_pin(),
                               "office": self.district.pk, "id_seen": "on"})
        verification = Verification.objects.get(user=self.outsider)
        entry = LogEntry.objects.get_for_object(verification).get()
        self.assertEqual(entry.actor, clerk)
        self.assertEqual(entry.action, LogEntry.Action.CREATE)
        self.assertEqual(entry.changes_dict["method"][1], "in_person")

    def test_staff_read_the_audit_trail_in_the_admin(self) -> None:
        self.admin.is_superuser = self.admin.is_staff = True
        self.admin.save()
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get("/en/admin/auditlog/logentry/").status_code, 200)


class VerifyLinkTests(BaseTestCase):
    def test_the_ballot_link_names_what_the_pool_accepts_and_comes_back(self) -> None:
        from shaar.budgeting.tests.factories import make_voting_cycle

        user = make_user(phone="+996555123456", phone_verified=True)
        actions.verification_by_phone(user=user, district=self.district)
        cycle, city, *_rest = make_voting_cycle(district=self.district)
        self.client.force_login(user)
        ballot = f"/en/budget/{cycle.slug}/vote/{city.pk}/"
        page = self.client.get(ballot)
        self.assertContains(page, "/en/me/verify/?next=%2Fen%2Fbudget%2F"
                                  f"{cycle.slug}%2Fvote%2F{city.pk}%2F&amp;needs="
                                  "in_person%2Cregister")
