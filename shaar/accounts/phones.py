"""Mobile numbers of the city's country (City.country_code), stored in E.164.

Every place a phone number enters (sign-up, sign-in, password reset, report contact, staff
forms, the APIs) goes through `normalise_mobile`, so "0700 123 456", "700123456",
"996700123456" and "+996 (700) 12-34-56" are one number: +996700123456.
"""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shaar.city.models import City

MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def example_mobile(region: str, style=phonenumbers.PhoneNumberFormat.INTERNATIONAL) -> str:
    """A made-up mobile number of the region, as its residents write it."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    return phonenumbers.format_number(example, style) if example else ""


def _parse(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise_mobile(raw: str, *, region: str | None = None) -> str:
    """A mobile number of the city's country in E.164 (+996…), from any common way of
    writing it, or a ValidationError that says what is wrong in the page's language."""
    region = region or City.current().country_code
    example = {"code": phonenumbers.country_code_for_region(region),
               "example": example_mobile(region, phonenumbers.PhoneNumberFormat.NATIONAL)}
    number = _parse(raw, region)
    if number is None or phonenumbers.region_code_for_number(number) != region:
        raise ValidationError(
            _("Enter a mobile number of this country (+%(code)s), such as %(example)s.")
            % example, code="invalid_phone")
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise ValidationError(
            _("This is a landline number. Enter a mobile number, such as %(example)s: "
              "codes are sent by SMS.") % example, code="not_mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mobile_or_none(raw: str) -> str | None:
    """The E.164 form of what a person typed as their mobile number, or None when it is
    not one (for look-ups, which must not say why)."""
    try:
        return normalise_mobile(raw)
    except ValidationError:
        return None


def normalise_phone(raw: str, *, field: str = "phone") -> str:
    """Any phone number (landline or mobile) in E.164; one of the city's country unless it
    is written with another "+<country code>". Empty stays empty. Errors name `field`."""
    if not raw.strip():
        return ""
    number = _parse(raw, City.current().country_code)
    if number is None:
        raise ValidationError({field: _("Enter a phone number, such as %(example)s.")
                               % {"example": example_mobile(City.current().country_code)}})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
