from __future__ import annotations

import phonenumbers
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from shaar.city.models import City
from shaar.lib.clientip import client_ip

from .models import User
from .phones import example_mobile, mobile_or_none, normalise_mobile
from .sms import send_sms


class AccountAdapter(DefaultAccountAdapter):
    """Stores phone numbers on the user and sends codes through the SMS backend."""

    def get_client_ip(self, request) -> str:
        # allauth's limits count by the same address as every other limiter.
        return client_ip(request)

    def clean_phone(self, phone: str) -> str:
        return normalise_mobile(phone)

    def save_user(self, request, user: User, form, commit: bool = True) -> User:
        # Messages to this person are written in the language they signed up in.
        language = (get_language() or "").split("-")[0]
        if language in dict(settings.LANGUAGES):
            user.language = language
        return super().save_user(request, user, form, commit=commit)

    def phone_form_field(self, **kwargs):
        # allauth's field insists on "+<country code>"; residents often type 0555 123 456,
        # which normalise_mobile (via clean_phone) understands.
        kwargs.setdefault("validators", [])
        kwargs.setdefault("label", gettext_lazy("Mobile number"))
        example = example_mobile(City.current().country_code,
                                 phonenumbers.PhoneNumberFormat.NATIONAL)
        kwargs.setdefault("help_text", _("A mobile number, e.g. %(example)s.")
                          % {"example": example})
        return super().phone_form_field(**kwargs)

    def send_verification_code_sms(self, user: User | None, phone: str, code: str,
                                   **kwargs: object) -> None:
        send_sms(to=phone, text=_("Your Shaar code is %(code)s. It expires in 10 minutes.")
                 % {"code": code})

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        # Prevents enumeration: the answer on screen is the same whether or not the
        # number has an account; only the phone's owner learns there is none.
        send_sms(to=phone, text=_("Shaar: this number has no account. Sign up on the "
                                  "city's site."))

    def send_account_already_exists_sms(self, phone: str) -> None:
        send_sms(to=phone, text=_("Shaar: this number has an account. Log in or reset "
                                  "your password."))

    def set_phone(self, user: User, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user: User) -> tuple[str, bool] | None:
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user: User, phone: str) -> None:
        self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone: str) -> User | None:
        # Sign-in with a password passes the number as typed ("0700 123 456"); every other
        # path has cleaned it already. Both find the account stored as +996700123456.
        number = mobile_or_none(phone)
        if number is None:
            return None
        return get_user_model().objects.filter(phone=number).order_by("-phone_verified").first()
