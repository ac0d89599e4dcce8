from __future__ import annotations

import hashlib
from typing import Any, cast

from allauth.account.forms import ConfirmLoginCodeForm, SignupForm, VerifyPhoneForm
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shaar.city.models import District

from .models import User, normalise_pin
from .phones import normalise_mobile


class MobileNumberField(forms.CharField):
    """A mobile number as residents type it (0700 123 456, 996700123456 …), cleaned to E.164."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"type": "tel", "inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value: str) -> str:
        value = super().clean(value)
        return normalise_mobile(value) if value else value


class NumericCodeMixin(forms.Form):
    """Our codes are six digits: a phone shows its number pad and offers the code from the SMS."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "one-time-code"})


class NumericLoginCodeForm(NumericCodeMixin, ConfirmLoginCodeForm):
    """The sign-in code (also how a forgotten password is reset by SMS)."""


def _lock_key(phone: str) -> str:
    return "phone-code-failures:" + hashlib.sha256(phone.encode()).hexdigest()


class LockingVerifyPhoneForm(NumericCodeMixin, VerifyPhoneForm):
    """allauth's code form, plus a 30-minute lock after 5 wrong codes for one number.

    allauth alone ends the attempt after too many wrong codes but lets a new code be
    requested at once; the lock stops guessing across fresh codes.
    """

    def clean_code(self) -> str:
        key = _lock_key(self.phone or "")
        if cache.get(key, 0) >= settings.PHONE_CODE_MAX_FAILURES:
            raise forms.ValidationError(
                _("Too many wrong codes. This number is locked for 30 minutes.")
            )
        try:
            return super().clean_code()
        except forms.ValidationError:
            cache.add(key, 0, settings.PHONE_CODE_LOCK_SECONDS)
            cache.incr(key)
            raise


class ResidentSignupForm(SignupForm):
    """allauth's sign-up form; a mobile number or an e-mail address, at least one."""

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email") and not self.errors:
            raise forms.ValidationError(_("Enter a mobile number or an e-mail address."))
        return cleaned


def _birth_year_field() -> forms.IntegerField:
    return forms.IntegerField(label=_("Year of birth"), min_value=1900,
                              max_value=timezone.now().year)


class PinField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Personal number (PIN)"))
        kwargs.setdefault("help_text", _("14 digits, from your ID card."))
        super().__init__(max_length=20, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value: str) -> str:
        return normalise_pin(super().clean(value))


class RegisterMatchForm(forms.Form):
    pin = PinField()
    birth_year = forms.IntegerField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["birth_year"] = _birth_year_field()


class PhoneDistrictForm(forms.Form):
    district = forms.ModelChoiceField(queryset=District.objects.all(), label=_("Your district"))


class InPersonVerificationForm(forms.Form):
    account = forms.CharField(label=_("Resident's mobile number or e-mail"), max_length=200)
    pin = PinField()
    office = forms.ModelChoiceField(queryset=District.objects.none(),
                                    label=_("District office"), empty_label=None)
    id_seen = forms.BooleanField(label=_("I have seen the resident's identity document"))
    reason = forms.CharField(label=_("Note (optional)"), max_length=300, required=False,
                             help_text=_("Kept with the verification, e.g. why a resident "
                                         "verified by phone is now verified in person."))

    def __init__(self, *args, offices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Staff verify for their own offices only (usually one).
        cast("forms.ModelChoiceField[Any]", self.fields["office"]).queryset = offices


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "language"]
        labels = {"display_name": _("Name other residents see"),
                  "language": _("Language of e-mails and SMS")}


class RegisterUploadForm(forms.Form):
    file = forms.FileField(label=_("Register file (CSV: pin, birth_year, district)"))
