from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value, kind: str = "") -> str:
    """A stored figure's value for display: shares as percentages, hours to one decimal."""
    if value is None or value == "":
        return "—"
    if kind == "share":
        return f"{float(value) * 100:.0f}%"
    if kind in {"hours", "rating", "score"}:
        return number_format(float(value), 1)  # the page's decimal separator: 4,5 in ky and ru
    return str(value)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
