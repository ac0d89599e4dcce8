"""Sign-in through OpenID Connect: the city's staff directory and the national e-ID
(configured in settings from the environment)."""

from __future__ import annotations

import logging

from allauth.account.utils import user_email
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from .eid import verification_by_national_eid

log = logging.getLogger(__name__)


def _provider_id(sociallogin) -> str:
    app = getattr(sociallogin.provider, "app", None)
    return getattr(app, "provider_id", "") or ""


def _app_setting(sociallogin, name: str, default=None):
    app = getattr(sociallogin.provider, "app", None)
    return (getattr(app, "settings", None) or {}).get(name, default)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def authenticate_by_email(self, sociallogin):
        # The staff directory issues its staff's addresses, so they count as verified even
        # when it does not send `email_verified` (Azure AD does not).
        if _app_setting(sociallogin, "trust_email", False):
            for address in sociallogin.email_addresses:
                address.verified = True
        return super().authenticate_by_email(sociallogin)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # Usernames are internal (people sign in by phone or e-mail) but unique.
        user.username = f"{_provider_id(sociallogin)}-{get_random_string(12).lower()}"
        user.display_name = (data.get("name") or "")[:100]
        if not _app_setting(sociallogin, "trust_email", False):
            # An e-ID's e-mail claim is not the resident's sign-in address.
            user_email(user, None)
            sociallogin.email_addresses = []
        return user

    def pre_social_login(self, request, sociallogin) -> None:
        super().pre_social_login(request, sociallogin)
        if sociallogin.is_existing:
            self._verify_with_eid(request, sociallogin, sociallogin.user)

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        self._verify_with_eid(request, sociallogin, user)
        return user

    def _verify_with_eid(self, request, sociallogin, user) -> None:
        if _provider_id(sociallogin) != settings.OIDC_EID_PROVIDER_ID:
            return
        data = sociallogin.account.extra_data or {}
        # The ID token and the userinfo answer both carry claims; userinfo is fresher.
        claims = {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
        pin = str(claims.get(settings.RESIDENT_EID_PIN_CLAIM) or "")
        if not pin:
            return
        try:
            verification = verification_by_national_eid(user=user, pin=pin)
        except ValidationError:
            log.warning("e-ID sign-in of user %s: its PIN cannot verify this account", user.pk)
            messages.warning(request, _("Your national e-ID could not confirm your residency "
                                        "for this account. Please visit a district office."))
            return
        if verification is None:
            messages.info(request, _("Your national e-ID is not in the city's residency "
                                     "register, so it does not verify your residency."))
