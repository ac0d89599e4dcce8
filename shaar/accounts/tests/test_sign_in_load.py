"""The signed-in user is loaded in one statement (backends.py) and the session read with a
plain one (sessions.py); both must keep Django's meaning."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.utils import timezone

from shaar.accounts.backends import ModelBackend
from shaar.accounts.rules import is_staff_account
from shaar.accounts.selectors import Residency, residency_of
from shaar.accounts.sessions import SessionStore
from shaar.testing import BaseTestCase


class SignedInUserTests(BaseTestCase):
    def test_it_brings_the_verification_and_whether_the_user_holds_a_role(self) -> None:
        backend = ModelBackend()
        resident = backend.get_user(self.resident.pk)
        verification = self.resident.verification
        self.assertEqual(residency_of(resident), Residency(
            verification.method, verification.voter_key, verification.district_id))
        self.assertFalse(resident.has_any_role)
        with self.assertNumQueries(0):
            self.assertFalse(is_staff_account(resident))
        official = backend.get_user(self.official.pk)
        self.assertTrue(official.has_any_role)
        self.assertTrue(is_staff_account(official))
        outsider = backend.get_user(self.outsider.pk)
        self.assertIsNone(residency_of(outsider))

    def test_residency_of_a_user_loaded_otherwise_reads_the_verification(self) -> None:
        residency = residency_of(self.resident)
        assert residency is not None
        self.assertEqual(residency.voter_key,
                         self.resident.verification.voter_key)
        self.assertIsNone(residency_of(self.outsider))

    def test_an_inactive_or_unknown_user_is_not_signed_in(self) -> None:
        self.outsider.is_active = False
        self.outsider.save()
        self.assertIsNone(ModelBackend().get_user(self.outsider.pk))
        self.assertIsNone(ModelBackend().get_user(10**9))

    def test_a_session_signs_in_until_it_expires(self) -> None:
        self.client.force_login(self.resident)
        key = self.client.cookies["sessionid"].value
        request = RequestFactory().get("/")
        request.session = SessionStore(key)
        self.assertEqual(get_user(request).pk, self.resident.pk)

        Session.objects.filter(session_key=key).update(
            expire_date=timezone.now() - timedelta(seconds=1))
        request.session = SessionStore(key)
        self.assertFalse(get_user(request).is_authenticated)
        # An unknown or expired key is forgotten: saving starts a new session.
        self.assertIsNone(request.session.session_key)
