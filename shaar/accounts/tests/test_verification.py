from __future__ import annotations

from django.core.exceptions import ValidationError

from shaar.accounts import actions
from shaar.accounts.models import Role, Verification, voter_key_for_pin
from shaar.accounts.phones import normalise_mobile
from shaar.city.models import City
from shaar.lib.testing import BaseTestCase, make_pin, make_staff, make_user

URL = "/en/me/staff/verify-in-person/"


class InPersonVerificationTests(BaseTestCase):
    def _post(self, account: str, pin: str):
        return self.client.post(URL, {"account": account, "pin": pin,
                                      "district": self.district.pk, "id_seen": "on"})

    def test_only_city_or_department_staff_may_verify(self) -> None:
        self.assertEqual(self.client.get(URL).status_code, 302)  # anonymous: to log-in
        for user in (self.outsider, self.resident, self.moderator):
            self.client.force_login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user)
        for user in (self.official, self.admin):
            self.client.force_login(user)
            self.assertEqual(self.client.get(URL).status_code, 200, user)

    def test_it_records_who_verified_and_the_voter_key(self) -> None:
        pin = make_pin()
        self.client.force_login(self.official)
        response = self._post(self.outsider.email, pin)
        self.assertEqual(response.status_code, 302)
        verification = Verification.objects.get(user=self.outsider)
        self.assertEqual(verification.verified_by, self.official)
        self.assertEqual(verification.method, "in_person")
        self.assertEqual(verification.voter_key, voter_key_for_pin(pin))

    def test_it_refuses_an_unknown_account_and_a_bad_pin(self) -> None:
        self.client.force_login(self.official)
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

    def test_a_phone_does_not_downgrade_a_register_verification(self) -> None:
        self.resident.phone_verified = True
        self.resident.save()
        with self.assertRaises(ValidationError):
            actions.verification_by_phone(user=self.resident, district=self.district)


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
        with self.assertRaisesMessage(ValidationError, "(+7), such as +7 771 000 9998"):
            normalise_mobile("+996 555 123 456")

    def test_pins_are_checked_before_hashing(self) -> None:
        for bad in ("", "3" + "0" * 13, "2" * 13, "2" * 15, "2abc"):
            with self.assertRaises(ValidationError, msg=bad):
                voter_key_for_pin(bad)
        self.assertEqual(voter_key_for_pin("2 0000 0000 0000 1"), voter_key_for_pin(make_pin(1)))


class AuditTrailTests(BaseTestCase):
    def test_a_staff_action_is_logged_with_actor_and_changes(self) -> None:
        from auditlog.models import LogEntry

        self.client.force_login(self.official)
        self.client.post(URL, {"account": self.outsider.email, "pin": make_pin(),
                               "district": self.district.pk, "id_seen": "on"})
        verification = Verification.objects.get(user=self.outsider)
        entry = LogEntry.objects.get_for_object(verification).get()
        self.assertEqual(entry.actor, self.official)
        self.assertEqual(entry.action, LogEntry.Action.CREATE)
        self.assertEqual(entry.changes_dict["method"][1], "in_person")

    def test_staff_read_the_audit_trail_in_the_admin(self) -> None:
        self.admin.is_superuser = self.admin.is_staff = True
        self.admin.save()
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get("/en/admin/auditlog/logentry/").status_code, 200)
