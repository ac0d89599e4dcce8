"""Mobile numbers of the city's country (City.country_code), stored in E.164."""

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


def normalise_mobile(raw: str, *, region: str | None = None) -> str:
    """A mobile number of the city's country in E.164 (+996…), from any common way of
    writing it (0555 123 456, +996 (555) 12-34-56 …)."""
    region = region or City.current().country_code
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.region_code_for_number(number) != region
        or phonenumbers.number_type(number) not in MOBILE_TYPES
    ):
        raise ValidationError(
            _("Enter a mobile number of this country (+%(code)s), such as %(example)s.")
            % {"code": phonenumbers.country_code_for_region(region),
               "example": example_mobile(region)})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
