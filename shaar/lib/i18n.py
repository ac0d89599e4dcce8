"""City-authored content keeps one field per interface language (name_ky, name_ru, …)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import get_language


def localized(obj: Any, field: str) -> str:
    """The value of FIELD_<current language>, falling back to the other languages in order."""
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    codes = [current] + [code for code, _name in settings.LANGUAGES if code != current]
    for code in codes:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""
