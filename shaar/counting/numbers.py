"""Exact rational numbers for the counting loops.

`gmpy2.mpq` is an exact rational like `fractions.Fraction`, implemented in C and about twenty
times faster; the engine uses it when installed and falls back to `Fraction`, with identical
results (both are exact). Values leaving the engine are always converted to `Fraction`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

try:
    from gmpy2 import mpq as Rational  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - exercised when gmpy2 is absent
    Rational = Fraction  # type: ignore[assignment,misc,unused-ignore]


def to_fraction(value: Any) -> int | Fraction:
    """An engine number as a plain `int` or `Fraction` (never a float)."""
    if isinstance(value, int):
        return value
    exact = Fraction(int(value.numerator), int(value.denominator))
    return exact.numerator if exact.denominator == 1 else exact
