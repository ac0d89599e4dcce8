"""`{{ obj|text_lang }}`: the `lang` attribute of an element holding text a resident wrote.

Proposals, comments, contributions and reports keep the interface language their author
wrote in (`language`). On a page in another language the element carrying that text needs
`lang="xx"`, so that a screen reader speaks it with the right voice and the browser picks
the right hyphenation; on a page in the same language (or when it is unknown) nothing.

    <div class="description"{{ proposal|text_lang }}>{{ proposal.description }}</div>
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from shaar.lib.i18n import lang_attribute

register = template.Library()


@register.filter
def text_lang(obj: Any) -> SafeString | str:
    language = lang_attribute(str(getattr(obj, "language", "") or ""))
    return format_html(' lang="{}"', language) if language else ""
