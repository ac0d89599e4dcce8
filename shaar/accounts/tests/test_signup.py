from __future__ import annotations

import re
from unittest import mock

from django.test import TestCase

from shaar.accounts.forms import LockingVerifyPhoneForm
from shaar.accounts.models import User
from shaar.accounts.sms import locmem
from shaar.lib.testing import make_city

PASSWORD = "a long and unusual passphrase"


class PhoneSignupTests(TestCase):
    def setUp(self) -> None:
        make_city()
        locmem.outbox.clear()

    def _signup(self, phone: str = "0555 123 456"):
        return self.client.post("/en/accounts/signup/", {
            "phone": phone, "email": "", "password1": PASSWORD, "password2": PASSWORD})

    def _code(self) -> str:
        return re.search(r"\b(\d{6})\b", locmem.outbox[-1]["text"]).group(1)

    def test_it_signs_up_with_a_phone_and_the_sms_code(self) -> None:
        response = self._signup()
        self.assertEqual(response.status_code, 302)
        self.assertEqual(locmem.outbox[-1]["to"], "+996555123456")
        user = User.objects.get(phone="+996555123456")
        self.assertFalse(user.phone_verified)
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
            response, "Enter a mobile number of this country (+996), such as +996 700 123 456.")
        self.assertFalse(User.objects.exists())

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
        with mock.patch("django.core.cache.cache.get", return_value=0):
            self.assertNotIn("locked", str(attempt("123456").errors))
