from __future__ import annotations

import re

from django.core.cache import cache
from django.test import TestCase
from django.utils import translation

from shaar.accounts.forms import LockingVerifyPhoneForm, _lock_key
from shaar.accounts.models import User
from shaar.accounts.sms import locmem
from shaar.testing import make_city, search

PASSWORD = "a long and unusual passphrase"


class PhoneSignupTests(TestCase):
    def setUp(self) -> None:
        make_city()
        locmem.outbox.clear()

    def _signup(self, phone: str = "0555 123 456"):
        return self.client.post("/en/accounts/signup/", {
            "phone": phone, "email": "", "password1": PASSWORD, "password2": PASSWORD})

    def _code(self) -> str:
        return search(r"\b(\d{6})\b", locmem.outbox[-1]["text"]).group(1)

    def test_it_signs_up_with_a_phone_and_the_sms_code(self) -> None:
        response = self._signup()
        self.assertEqual(response.status_code, 302)
        self.assertEqual(locmem.outbox[-1]["to"], "+996555123456")
        user = User.objects.get(phone="+996555123456")
        self.assertFalse(user.phone_verified)
        # The code field brings up a phone's number pad and offers the code from the SMS.
        page = self.client.get(response["Location"]).content.decode()
        field = search(r'<input[^>]*name="code"[^>]*>', page).group(0)
        for attribute in ('inputmode="numeric"', 'autocomplete="one-time-code"'):
            self.assertIn(attribute, field)
        # One primary button: a new code is secondary, cancelling reads as a link.
        buttons = re.findall(r"<button([^>]*)>", page[page.index("<main"):])
        self.assertEqual(["class=" in b for b in buttons].count(False), 1, buttons)
        self.assertIn('class="secondary"', next(b for b in buttons if 'form="resend"' in b))
        self.assertIn('class="link"', next(b for b in buttons if "logout-from-stage" in b))
        response = self.client.post(response["Location"], {"code": self._code()})
        self.assertEqual(response.status_code, 302)
        user.refresh_from_db()
        self.assertTrue(user.phone_verified)

    def test_it_refuses_a_sign_up_without_phone_or_email(self) -> None:
        response = self.client.post("/en/accounts/signup/", {
            "phone": "", "email": "", "password1": PASSWORD, "password2": PASSWORD})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter a mobile number or an e-mail address.")
        self.assertFalse(User.objects.exists())

    def test_it_refuses_a_foreign_number(self) -> None:
        response = self._signup("+7 701 123 45 67")
        self.assertContains(
            response, "Enter a mobile number of this country (+996), such as 0700 123 456.")
        self.assertFalse(User.objects.exists())

    @translation.override("en")
    def test_it_locks_the_number_for_30_minutes_after_five_wrong_codes(self) -> None:
        def attempt(code: str) -> LockingVerifyPhoneForm:
            form = LockingVerifyPhoneForm({"code": code}, code="123456", phone="+996555123456")
            form.is_valid()
            return form

        for _attempt in range(5):
            self.assertIn("code", attempt("000000").errors)
        # Even the right code (for a fresh verification) is refused while locked...
        self.assertIn("locked for 30 minutes", str(attempt("123456").errors))
        # ...but another number is not affected.
        other = LockingVerifyPhoneForm({"code": "123456"}, code="123456", phone="+996555000111")
        self.assertTrue(other.is_valid())
        cache.delete(_lock_key("+996555123456"))  # the lock expires
        self.assertNotIn("locked", str(attempt("123456").errors))


# Every way a resident writes their number, for +996700123456.
PHONE_FORMATS = ["0700 123 456", "0700123456", "700123456", "700 123 456", "996700123456",
                 "+996 (700) 12-34-56", "+996700123456", "(0700) 12-34-56"]


class SignupSequenceTests(TestCase):
    """A city signs up many residents one after another, not one per database."""

    def setUp(self) -> None:
        make_city()
        locmem.outbox.clear()

    def _signup(self, language: str = "en", **fields):
        data = {"phone": "", "email": "", "password1": PASSWORD, "password2": PASSWORD}
        return self.client.post(f"/{language}/accounts/signup/", {**data, **fields})

    def test_it_signs_up_ten_residents_one_after_another_by_email_and_phone(self) -> None:
        for n in range(5):
            self.assertEqual(self._signup(email=f"resident{n}@example.org").status_code, 302)
            self.client.logout()
        for n, typed in enumerate(["0700 111 22%d", "70011122%d", "99670011122%d",
                                   "+996 (700) 11-12-2%d", "0700-111-22%d"]):
            self.assertEqual(self._signup(phone=typed % n).status_code, 302, typed)
            self.client.logout()
        self.assertEqual(User.objects.count(), 10)
        self.assertEqual(User.objects.values("username").distinct().count(), 10)
        self.assertEqual(sorted(User.objects.exclude(phone=None).values_list("phone", flat=True)),
                         [f"+99670011122{n}" for n in range(5)])

    def test_each_signs_in_again_with_the_phone_typed_in_any_usual_format(self) -> None:
        response = self._signup(phone="0700 123 456")
        code = search(r"\b(\d{6})\b", locmem.outbox[-1]["text"]).group(1)
        self.client.post(response["Location"], {"code": code})
        self.client.logout()
        for typed in PHONE_FORMATS:
            response = self.client.post("/en/accounts/login/",
                                        {"login": typed, "password": PASSWORD})
            self.assertEqual(response.status_code, 302, typed)
            self.assertEqual(int(self.client.session["_auth_user_id"]),
                             User.objects.get(phone="+996700123456").pk)
            self.client.logout()

    def test_a_landline_number_gets_a_clear_message_in_the_pages_language(self) -> None:
        response = self._signup(language="ru", phone="0312 61 11 77")
        self.assertContains(response, "стационарный")
        self.assertFalse(User.objects.exists())

    def test_an_account_keeps_the_language_it_signed_up_in(self) -> None:
        self._signup(language="ru", email="ru@example.org")
        self.client.logout()
        self._signup(language="ky", phone="0555 000 111")
        self.assertEqual(dict(User.objects.values_list("email", "language")),
                         {"ru@example.org": "ru", "": "ky"})

    def test_logging_out_stays_in_the_pages_language_whatever_the_browser_asks(self) -> None:
        for language in ("ky", "ru", "en"):
            self._signup(language=language, email=f"{language}@example.org")
            response = self.client.post(f"/{language}/accounts/logout/",
                                        HTTP_ACCEPT_LANGUAGE="ru" if language != "ru" else "en")
            self.assertEqual(response.status_code, 302)
            self.assertEqual(response["Location"], f"/{language}/")
            self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_resident_who_signed_up_by_phone_resets_a_forgotten_password(self) -> None:
        response = self._signup(phone="0700 123 456")
        code = search(r"\b(\d{6})\b", locmem.outbox[-1]["text"]).group(1)
        self.client.post(response["Location"], {"code": code})
        self.client.logout()
        # Without the SMS code, the new-password page asks for the old one.
        user = User.objects.get(phone="+996700123456")
        self.client.force_login(user)
        self.assertRedirects(self.client.get("/en/me/password/new/"),
                             "/en/accounts/password/change/", fetch_redirect_response=False)
        self.client.logout()
        response = self.client.post("/en/accounts/login/code/?next=/en/me/password/new/",
                                    {"phone": "700 123 456"})
        self.assertEqual(response.status_code, 302)
        code = search(r"\b(\d{6})\b", locmem.outbox[-1]["text"]).group(1)
        self.assertEqual(locmem.outbox[-1]["to"], "+996700123456")
        response = self.client.post(response["Location"], {"code": code}, follow=True)
        self.assertEqual(response.redirect_chain[-1][0], "/en/me/password/new/")
        new = "another long passphrase"
        response = self.client.post("/en/me/password/new/",
                                    {"new_password1": new, "new_password2": new})
        self.assertEqual(response.status_code, 302)
        self.client.logout()
        response = self.client.post("/en/accounts/login/", {"login": "0700123456",
                                                            "password": new})
        self.assertEqual(response.status_code, 302)
        self.assertIn("_auth_user_id", self.client.session)


class SmsLengthTests(TestCase):
    """An SMS of up to 70 Cyrillic characters is one segment (one charge, one message)."""

    def test_every_account_sms_fits_one_segment_in_every_language(self) -> None:
        from shaar.accounts.adapter import AccountAdapter

        adapter = AccountAdapter()
        for language in ("ky", "ru", "en"):
            locmem.outbox.clear()
            with translation.override(language):
                adapter.send_verification_code_sms(None, "+996555000111", "123456")
                adapter.send_unknown_account_sms("+996555000111")
                adapter.send_account_already_exists_sms("+996555000111")
            self.assertEqual(len(locmem.outbox), 3)
            for sms in locmem.outbox:
                self.assertLessEqual(len(sms["text"]), 70, (language, sms["text"]))
