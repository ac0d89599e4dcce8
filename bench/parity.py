"""Full parity sweep: shaar.counting against pabutools on every approval/choose-1 Pabulib file.

    python bench/parity.py                      # every file, every rule, reference.json only
    python bench/parity.py --compute-missing    # also run pabutools on files missing there
    python bench/parity.py --max-bytes 200000 --rules greedy,mes

Outcomes come from `reference.json` (pabutools 1.2.3, keyed by file name and checked against
the file's sha256). With --compute-missing, files absent from it are counted by pabutools in a
subprocess with a timeout (pabutools needs minutes on the largest files). Exit status 1 on any
mismatch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shaar.counting import count, read_pabulib  # noqa: E402

RULES = ("greedy", "mes", "mes-add1", "mes-plain", "phragmen")


def pabulib_dir() -> Path:
    return Path(os.environ.get("PABULIB_DIR", ROOT.parent / "shared" / "pabulib"))


def pabutools_outcome(path: Path, rule: str) -> list[str]:
    """What pabutools 1.2.3 selects, with the calls listed in the Pabulib README."""
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import (
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    instance, profile = parse_pabulib(str(path))
    if rule == "greedy":
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    elif rule == "phragmen":
        outcome = sequential_phragmen(instance, profile)
    elif rule == "mes-plain":
        outcome = method_of_equal_shares(instance, profile.as_multiprofile(), sat_class=Cost_Sat)
    elif rule == "mes-add1-to-limit":
        outcome = exhaustion_by_budget_increase(
            instance, profile.as_multiprofile(), method_of_equal_shares,
            {"sat_class": Cost_Sat}, exhaustive_stop=False, budget_step=profile.num_ballots())
    else:
        outcome = method_of_equal_shares(instance, profile.as_multiprofile(), sat_class=Cost_Sat,
                                         voter_budget_increment=1)
        if rule == "mes":
            outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat,
                                                 initial_budget_allocation=outcome)
    return [project.name for project in outcome]


def run_pabutools(path: Path, rule: str, timeout: float) -> list[str] | None:
    command = [sys.executable, __file__, "--pabutools-worker", str(path), rule]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              check=True)
    except subprocess.TimeoutExpired:
        return None
    return list(json.loads(done.stdout))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=pabulib_dir())
    parser.add_argument("--rules", default=",".join(RULES))
    parser.add_argument("--max-bytes", type=int, default=0, help="skip larger files")
    parser.add_argument("--match", default="", help="only files whose name contains this")
    parser.add_argument("--compute-missing", action="store_true",
                        help="run pabutools on files missing from reference.json")
    parser.add_argument("--timeout", type=float, default=600, help="pabutools seconds per run")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each count's time")
    parser.add_argument("--pabutools-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pabutools_worker:
        print(json.dumps(pabutools_outcome(Path(args.pabutools_worker[0]),
                                           args.pabutools_worker[1])))
        return 0
    reference = json.loads((args.dir / "reference.json").read_text())
    rules = args.rules.split(",")
    checked = mismatches = skipped = 0
    ours_seconds = 0.0
    for path in sorted(args.dir.glob("*.pb")):
        if args.match not in path.name:
            continue
        if args.max_bytes and path.stat().st_size > args.max_bytes:
            continue
        instance = read_pabulib(path)
        if instance.vote_type not in ("approval", "choose-1"):
            continue
        expected = reference.get(path.name)
        if expected and expected["sha256"] != hashlib.sha256(path.read_bytes()).hexdigest():
            print(f"STALE reference for {path.name}: sha256 differs", file=sys.stderr)
            expected = None
        for rule in rules:
            if expected and rule in expected:
                want: list[str] | None = expected[rule]["selected"]
            elif args.compute_missing:
                want = run_pabutools(path, rule, args.timeout)
            else:
                want = None
            if want is None:
                skipped += 1
                continue
            started = time.perf_counter()
            got = count(instance, rule).selected
            elapsed = time.perf_counter() - started
            ours_seconds += elapsed
            if args.verbose:
                print(f"{elapsed:8.3f} s {rule:10} {path.name}", flush=True)
            checked += 1
            if set(got) != set(want):
                mismatches += 1
                print(f"MISMATCH {path.name} {rule}: ours {sorted(got)} pabutools {sorted(want)}",
                      flush=True)
    print(f"checked {checked} file x rule pairs, {mismatches} mismatches, {skipped} without a "
          f"pabutools outcome; counting took {ours_seconds:.1f} s")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
