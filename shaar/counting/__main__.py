"""`python -m shaar.counting FILE.pb --rule mes [--json] [--explain]`: recount an election.

The tie rule is the one the file's META states (`tie_breaking`, `tie_order`), pabutools'
default (smallest project id) when it states none; `--tie-breaking` and `--tie-order`
override it.
"""

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
from .tiebreak import TieBreak, from_meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shaar.counting", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="a Pabulib .pb file")
    parser.add_argument("--rule", choices=RULES, default="mes")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--explain", action="store_true",
                        help="with --json, add why each project was or was not funded")
    parser.add_argument("--tie-breaking", metavar="KEYS",
                        help="comma list of votes, cost, order, applied in turn; the "
                             "smallest project id settles what is left (default: the "
                             "file's META tie_breaking)")
    parser.add_argument("--tie-order", metavar="IDS",
                        help="project ids in the drawn order, for the key 'order' "
                             "(default: the file's META tie_order)")
    args = parser.parse_args(argv)
    try:
        instance = read_pabulib(args.file)
        meta = dict(instance.meta)
        if args.tie_breaking is None and args.tie_order is None:
            tie_break = from_meta(meta)
        else:
            tie_break = TieBreak.parse(args.tie_breaking or "",
                                       args.tie_order or meta.get("tie_order", ""))
        # The plain list of ids needs no explanations (JSON's "spent" sums them).
        result = count(instance, args.rule, tie_break, explain=args.json)
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
