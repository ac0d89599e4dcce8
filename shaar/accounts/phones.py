from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalise_mobile(raw: str, *, region: str = "KG") -> str:
    """A Kyrgyz mobile number in E.164 (+996…), from any common way of writing it."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a mobile number such as +996 555 123 456.")) from exc
    if (
        number.country_code != 996
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in MOBILE_TYPES
    ):
        raise ValidationError(_("Enter a Kyrgyz mobile number (+996), such as +996 555 123 456."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
