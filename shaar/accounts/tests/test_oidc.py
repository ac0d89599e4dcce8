"""Sign-in through OpenID Connect against a local provider (oidc-provider-mock, in a
thread on a free port): staff through the city's directory, residents through the
national e-ID. Runs on SQLite and PostgreSQL like the rest of the suite."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import requests
from allauth.socialaccount.models import SocialAccount
from django.test import override_settings
from django.urls import reverse
from oidc_provider_mock import User as IdentityUser
from oidc_provider_mock import run_server_in_thread

from shaar.accounts import actions
from shaar.accounts.models import Role, RoleAssignment, User, Verification
from shaar.accounts.register import read_rows
from shaar.testing import EnglishBaseTestCase, current_totp, make_pin, make_staff

PIN = make_pin(424242)


def _app(provider_id: str, server_url: str, **extra) -> dict:
    return {"provider_id": provider_id, "name": provider_id, "client_id": f"shaar-{provider_id}",
            "secret": "not-so-secret",
            "settings": {"server_url": server_url, "oauth_pkce_enabled": True,
                         "token_auth_method": "client_secret_basic", **extra}}


class OidcTestCase(EnglishBaseTestCase):
    server: Any  # the OpenID Connect provider, running for the class

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        identities = [
            IdentityUser(sub="directory-adil", claims={"email": "adil@example.org",
                                                       "name": "Adil"}),
            IdentityUser(sub="directory-new", claims={"email": "newcomer@city.example",
                                                      "name": "Newcomer"}),
            IdentityUser(sub="eid-resident", claims={"pin": PIN, "name": "Айгерим",
                                                     "email": "someone@example.org"}),
            IdentityUser(sub="eid-elsewhere", claims={"pin": make_pin(515151)}),
        ]
        cls.server = cls.enterClassContext(run_server_in_thread(user_claims=identities))
        base = f"http://localhost:{cls.server.server_port}"
        cls.enterClassContext(override_settings(SOCIALACCOUNT_PROVIDERS={"openid_connect": {
            "APPS": [_app("staff", base, email_authentication=True, trust_email=True),
                     _app("eid", base, email_authentication=False, trust_email=False)]}}))

    def sign_in(self, provider_id: str, subject: str):
        """Walk the authorization code flow: Shaar → provider → Shaar's callback."""
        start = self.client.post(reverse("openid_connect_login", args=[provider_id]))
        self.assertEqual(start.status_code, 302, start.content[:300])
        authorize = start["Location"]
        self.assertTrue(authorize.startswith(f"http://localhost:{self.server.server_port}/"))
        answer = requests.post(authorize, data={"sub": subject}, allow_redirects=False,
                               timeout=10)
        self.assertEqual(answer.status_code, 302, answer.text[:300])
        callback = urlparse(answer.headers["Location"])
        self.assertIn("code", parse_qs(callback.query))
        return self.client.get(f"{callback.path}?{callback.query}")



class StaffDirectoryTests(OidcTestCase):
    def test_it_signs_staff_into_their_account_and_still_asks_for_their_second_factor(
            self) -> None:
        response = self.sign_in("staff", "directory-adil")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/2fa/authenticate/", response["Location"])
        self.assertNotIn("_auth_user_id", self.client.session)
        response = self.client.post(response["Location"], {"code": current_totp(self.admin)})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.admin.pk)
        self.assertEqual(self.client.get(reverse("console:home")).status_code, 200)
        self.assertEqual(SocialAccount.objects.get(user=self.admin).uid, "directory-adil")

    def test_it_gives_a_new_directory_identity_an_account_without_any_role(self) -> None:
        self.sign_in("staff", "directory-new")
        user = User.objects.get(email="newcomer@city.example")
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)
        self.assertFalse(RoleAssignment.objects.filter(user=user).exists())
        self.assertEqual(self.client.get(reverse("console:home")).status_code, 403)
        # A role assigned in Shaar takes effect; two-factor set-up comes first.
        RoleAssignment.objects.create(user=user, role=Role.REVIEWER)
        response = self.client.get(reverse("console:home"))
        self.assertIn("/accounts/2fa/totp/activate/", response["Location"])

    def test_it_is_off_unless_configured(self) -> None:
        with override_settings(SOCIALACCOUNT_PROVIDERS={"openid_connect": {"APPS": []}}):
            response = self.client.post(reverse("openid_connect_login", args=["staff"]))
        self.assertEqual(response.status_code, 404)


class NationalEidTests(OidcTestCase):
    def setUp(self) -> None:
        super().setUp()
        actions.register_import(rows=read_rows(
            ["pin,birth_year,district\n", f"{PIN},1990,{self.district.code}\n"]),
            file_name="register.csv", uploaded_by=None)

    def test_it_counts_a_national_identity_in_the_register_as_register_verification(
            self) -> None:
        self.sign_in("eid", "eid-resident")
        user = User.objects.get(pk=self.client.session["_auth_user_id"])
        verification = Verification.objects.get(user=user)
        self.assertEqual(verification.method, Verification.Method.REGISTER)
        self.assertEqual(verification.district, self.district)
        # The e-ID's e-mail claim is not taken as the resident's sign-in address.
        self.assertFalse(user.email)
        self.assertFalse(User.objects.filter(email="someone@example.org").exists())

    def test_it_leaves_a_person_outside_the_register_unverified(self) -> None:
        self.sign_in("eid", "eid-elsewhere")
        user = User.objects.get(pk=self.client.session["_auth_user_id"])
        self.assertFalse(Verification.objects.filter(user=user).exists())

    def test_it_refuses_a_pin_already_linked_to_another_account(self) -> None:
        other = make_staff(Role.MODERATOR, "other")
        Verification.objects.create(user=other, method=Verification.Method.IN_PERSON,
                                    district=self.district,
                                    voter_key=actions.voter_key_for_pin(PIN),
                                    verified_at=other.date_joined)
        self.sign_in("eid", "eid-resident")
        user = User.objects.get(pk=self.client.session["_auth_user_id"])
        self.assertFalse(Verification.objects.filter(user=user).exists())
