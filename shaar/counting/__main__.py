"""`python -m shaar.counting FILE.pb --rule mes [--json] [--explain]`: recount an election."""

from __future__ import annotations

import argparse
import os
import sys

# The counts' dot products are a few thousand terms: OpenBLAS threads (numpy's, started when it
# is imported) would only spin beside them, a third more CPU for the same wall time. Set before
# MES or Phragmén import numpy; a caller's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from .model import UnsupportedBallots
from .pabulib import PabulibError, read_pabulib
from .rules import RULES, count
from .tiebreak import TieBreak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shaar.counting", description=__doc__)
    parser.add_argument("file", help="a Pabulib .pb file")
    parser.add_argument("--rule", choices=RULES, default="mes")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--explain", action="store_true",
                        help="with --json, add why each project was or was not funded")
    parser.add_argument("--tie-break", choices=("id", "cost", "draw"), default="id",
                        help="id: smallest id first (pabutools); cost: cheaper first; "
                             "draw: public draw from --seed")
    parser.add_argument("--seed", help="published seed of the public draw")
    args = parser.parse_args(argv)
    try:
        tie_break = TieBreak(args.tie_break, args.seed)
        # The plain list of ids needs no explanations (JSON's "spent" sums them).
        result = count(read_pabulib(args.file), args.rule, tie_break, explain=args.json)
    except (OSError, PabulibError, UnsupportedBallots, ValueError) as error:
        print(f"error: {args.file}: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(result.to_json(explain=args.explain))
    else:
        print("\n".join(result.selected))
    return 0


if __name__ == "__main__":
    sys.exit(main())
