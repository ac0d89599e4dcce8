"""City-authored content keeps one field per interface language (name_ky, name_ru, …)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import get_language

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def writing_language() -> str:
    """The interface language the current request is in (empty outside one), stored with
    text a resident writes so that pages in another language can mark it with `lang`."""
    code = (get_language() or "").split("-")[0]
    return code if code in LANGUAGE_CODES else ""


def lang_attribute(language: str) -> str:
    """`language` when text written in it is shown on a page in another language (the
    element holding it then needs `lang`); empty when it is the page's language or unknown."""
    page = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in LANGUAGE_CODES and language != page else ""


def localized(obj: Any, field: str) -> str:
    """The value of FIELD_<current language>, falling back to the other languages in order."""
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    codes = [current] + [code for code, _name in settings.LANGUAGES if code != current]
    for code in codes:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""
