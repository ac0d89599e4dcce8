"""`{% verify_url needs %}`: the verification page, set to serve the current page.

It names the methods the current page accepts (`needs`, an iterable of Verification.Method
values, empty for any) and returns there once the resident is verified.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def verify_url(context, needs: Iterable[str] = ()) -> str:
    query = {"next": context["request"].get_full_path()}
    if needs:
        query["needs"] = ",".join(sorted(needs))
    return f"{reverse('accounts:verify')}?{urlencode(query)}"
