from __future__ import annotations

import phonenumbers
from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shaar.city.models import City
from shaar.lib.clientip import client_ip

from .models import User
from .phones import example_mobile, normalise_mobile
from .sms import send_sms


class AccountAdapter(DefaultAccountAdapter):
    """Stores phone numbers on the user and sends codes through the SMS backend."""

    def get_client_ip(self, request) -> str:
        # allauth's limits count by the same address as every other limiter.
        return client_ip(request)

    def clean_phone(self, phone: str) -> str:
        return normalise_mobile(phone)

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

    def send_verification_code_sms(self, user: User, phone: str, code: str, **kwargs) -> None:
        send_sms(to=phone, text=_("Your Shaar code is %(code)s. It expires in 10 minutes.")
                 % {"code": code})

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        # Prevents enumeration: the answer on screen is the same whether or not the
        # number has an account; only the phone's owner learns there is none.
        send_sms(to=phone, text=_("Someone asked for a Shaar code for this number, "
                                  "but it has no account. Sign up at the city's website."))

    def send_account_already_exists_sms(self, phone: str) -> None:
        send_sms(to=phone, text=_("This number already has a Shaar account. "
                                  "Log in or reset your password."))

    def set_phone(self, user: User, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user: User) -> tuple[str, bool] | None:
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user: User, phone: str) -> None:
        self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone: str) -> User | None:
        return get_user_model().objects.filter(phone=phone).order_by("-phone_verified").first()
