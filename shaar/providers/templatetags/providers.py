from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def figure(value, kind: str = "") -> str:
    """A stored figure's value for display: shares as percentages, hours to one decimal."""
    if value is None or value == "":
        return "—"
    if kind == "share":
        return f"{float(value) * 100:.0f}%"
    if kind in {"hours", "rating", "score"}:
        return f"{float(value):.1f}"
    return str(value)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
