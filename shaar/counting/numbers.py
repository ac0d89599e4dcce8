"""Exact rational numbers for the exact MES engine.

`gmpy2.mpq` is an exact rational like `fractions.Fraction`, implemented in C and about twenty
times faster; the engine uses it when installed and falls back to `Fraction`, with identical
results (both are exact). Values leaving the engine are always converted to `Fraction`
(`result.to_fraction`).

Loading gmpy2 takes about 45 ms, while most counts never build an exact rational (the float run
of mes_float.py proves them), so `Rational` is looked up on first use: write
`numbers.Rational`, not `from .numbers import Rational`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # For the checker only: at run time the name is bound by `__getattr__` on first use.
    Rational = Fraction


def __getattr__(name: str) -> Any:
    if name != "Rational":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    global Rational
    try:
        from gmpy2 import mpq as Rational  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # pragma: no cover - exercised when gmpy2 is absent
        Rational = Fraction  # type: ignore[assignment,misc,unused-ignore]
    return Rational
