"""Exact rational numbers for the counting loops.

`gmpy2.mpq` is an exact rational like `fractions.Fraction`, implemented in C and about twenty
times faster; the engine uses it when installed and falls back to `Fraction`, with identical
results (both are exact). Values leaving the engine are always converted to `Fraction`
(`result.to_fraction`). Loading gmpy2 takes about 45 ms, so only MES imports this module.
"""

from __future__ import annotations

from fractions import Fraction

try:
    from gmpy2 import mpq as Rational  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - exercised when gmpy2 is absent
    Rational = Fraction  # type: ignore[assignment,misc,unused-ignore]

