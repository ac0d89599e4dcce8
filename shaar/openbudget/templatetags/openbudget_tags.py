from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()
MILLION = Decimal(1_000_000)


@register.filter
def som(value: Decimal | None) -> str:
    """Whole som with the language's digit grouping; an en dash when there is no figure."""
    if value is None or value == "":
        return "–"
    return number_format(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP), 0,
                         force_grouping=True)


@register.filter
def mln(value: Decimal | None) -> str:
    """Millions of som with one decimal."""
    if value is None or value == "":
        return "–"
    return number_format((Decimal(value) / MILLION).quantize(Decimal("0.1"),
                                                             rounding=ROUND_HALF_UP), 1,
                         force_grouping=True)


@register.filter
def pct(part: Decimal | None, whole: Decimal | None) -> str:
    if part is None or not whole:
        return "–"
    return number_format((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")), 1)


@register.filter
def absolute(value: Decimal | None) -> Decimal | None:
    return None if value is None else abs(value)
