"""Full parity sweep: shaar.counting against pabutools on every approval/choose-1 Pabulib file.

    python bench/parity.py                      # every file, every rule, stored outcomes only
    python bench/parity.py --compute-missing --jobs 2 --timeout 600 --skip-stored
    python bench/parity.py --max-bytes 200000 --rules greedy,mes

Outcomes come from the shared `reference.json` (pabutools 1.2.3, keyed by file name and checked
against the file's sha256) and from `bench/pabutools-outcomes.json`, which holds what this
script computed with pabutools 1.2.3 for the pairs reference.json lacks (every
`mes-add1-to-limit` outcome, and the files it leaves out). With --compute-missing, pabutools
counts the missing pairs in subprocesses, quickest first (see `pabutools_runs`), with
a timeout per run; each outcome is saved as it arrives, so an interrupted sweep keeps what it
computed. Exit status 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shaar.counting import count, read_pabulib  # noqa: E402

# Cheapest first: a worker that times out keeps the outcomes it finished.
RULES = ("greedy", "mes-plain", "phragmen", "mes-add1", "mes", "mes-add1-to-limit")
COMPUTED = ROOT / "bench" / "pabutools-outcomes.json"


def pabulib_dir() -> Path:
    return Path(os.environ.get("PABULIB_DIR", ROOT.parent / "shared" / "pabulib"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def computed_outcomes() -> dict[str, dict]:
    """What this script computed (same shape as reference.json: file name -> sha256 and
    rule -> {"selected", "pabutools_seconds"})."""
    return json.loads(COMPUTED.read_text()) if COMPUTED.exists() else {}


def stored_outcomes(folder: Path) -> dict[str, dict]:
    """reference.json with this script's computed outcomes added."""
    outcomes = json.loads((folder / "reference.json").read_text())
    for name, entry in computed_outcomes().items():
        known = outcomes.setdefault(name, {"sha256": entry["sha256"]})
        if known["sha256"] == entry["sha256"]:
            known.update({rule: value for rule, value in entry.items() if rule != "sha256"})
    return outcomes


def pabutools_outcomes(path: Path, rules: list[str]):
    """What pabutools 1.2.3 selects, with the calls listed in the Pabulib README: yields
    (rule, selected, seconds). `mes` completes the `mes-add1` outcome when both are asked for
    (its seconds include the Add1 run's), so pabutools' slow Add1 run is done once."""
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import (
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    instance, profile = parse_pabulib(str(path))
    plain_rules = {
        "greedy": lambda: greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat),
        "phragmen": lambda: sequential_phragmen(instance, profile),
        "mes-plain": lambda: method_of_equal_shares(instance, profile.as_multiprofile(),
                                                    sat_class=Cost_Sat),
        "mes-add1-to-limit": lambda: exhaustion_by_budget_increase(
            instance, profile.as_multiprofile(), method_of_equal_shares,
            {"sat_class": Cost_Sat}, exhaustive_stop=False, budget_step=profile.num_ballots()),
        "mes-add1": lambda: method_of_equal_shares(
            instance, profile.as_multiprofile(), sat_class=Cost_Sat, voter_budget_increment=1),
    }
    done: dict[str, tuple] = {}
    for rule in rules:
        if rule == "mes":
            add1, add1_seconds = done.get("mes-add1") or timed(plain_rules["mes-add1"])
            outcome, seconds = timed(partial(greedy_utilitarian_welfare, instance, profile,
                                             sat_class=Cost_Sat, initial_budget_allocation=add1))
            done[rule] = outcome, add1_seconds + seconds
        else:
            done[rule] = timed(plain_rules[rule])
        yield rule, [project.name for project in done[rule][0]], done[rule][1]


def timed(function):
    started = time.perf_counter()
    return function(), time.perf_counter() - started


def pabutools_runs(instance, expected: dict, lacking: list[str]) -> list[tuple[float, list[str]]]:
    """A file's missing rules as pabutools runs, each with an estimate of its seconds, so that
    the quickest run first: (MES counts its loop makes) x its stored time for one plain MES
    count, the loop's length taken from our own count (units added per voter).

    Add1 keeps MES's set-up between its steps: on a sample of 40 files each step cost 0.2-0.6
    of a plain count. The to-limit loop counts MES from scratch at each step, so it is a run
    of its own: a file's Add1 outcome is not held up behind it."""
    plain = expected.get("mes-plain", {}).get("pabutools_seconds", 0.0)
    runs = []
    first = [rule for rule in lacking if rule != "mes-add1-to-limit"]
    if first:
        add1 = any(rule in ("mes-add1", "mes") for rule in first)
        runs.append((plain * (1 + 0.6 * our_stop(instance, "mes")[1]) if add1 else plain, first))
    if "mes-add1-to-limit" in lacking:
        units = our_stop(instance, "mes-add1-to-limit")[1]
        runs.append((plain * (units + 2), ["mes-add1-to-limit"]))
    return runs


def our_stop(instance, rule: str) -> tuple[set[str], int]:
    """Our selection for `rule` and the units added per voter where its loop stopped."""
    result = count(instance, rule, explain=False)
    return set(result.selected), result.parameters["units_added_per_voter"]


def run_pabutools(path: Path, rules: list[str], timeout: float) -> dict[str, dict]:
    """pabutools in a subprocess: the outcomes it finished within `timeout` seconds."""
    command = [sys.executable, __file__, "--pabutools-worker", str(path), ",".join(rules)]
    try:
        output = subprocess.run(command, capture_output=True, timeout=timeout,
                                check=True).stdout
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout or b""
    finished = [json.loads(line) for line in output.decode().splitlines() if line.endswith("}")]
    return {f["rule"]: {"selected": f["selected"], "pabutools_seconds": round(f["seconds"], 3)}
            for f in finished}


def save_computed(computed: dict[str, dict], name: str, digest: str,
                  found: dict[str, dict]) -> None:
    """Add `found` to `computed` and write it out whole (a stale entry is replaced)."""
    entry = computed.setdefault(name, {"sha256": digest})
    if entry["sha256"] != digest:
        computed[name] = entry = {"sha256": digest}
    entry.update(found)
    scratch = COMPUTED.with_suffix(".partial")
    scratch.write_text(json.dumps(computed, indent=1, sort_keys=True) + "\n")
    scratch.replace(COMPUTED)


class Sweep:
    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose
        self.checked = self.mismatches = 0
        self.ours_seconds = 0.0

    def compare(self, path: Path, instance, rule: str, want: list[str]) -> None:
        started = time.perf_counter()
        got = count(instance, rule, explain=False).selected  # as the CLI prints it
        elapsed = time.perf_counter() - started
        self.ours_seconds += elapsed
        if self.verbose:
            print(f"{elapsed:8.3f} s {rule:17} {path.name}", flush=True)
        self.checked += 1
        if set(got) != set(want):
            self.mismatches += 1
            print(f"MISMATCH {path.name} {rule}: ours {sorted(got)} pabutools {sorted(want)}",
                  flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=pabulib_dir())
    parser.add_argument("--rules", default=",".join(RULES))
    parser.add_argument("--max-bytes", type=int, default=0, help="skip larger files")
    parser.add_argument("--match", default="", help="only files whose name contains this")
    parser.add_argument("--compute-missing", action="store_true",
                        help="run pabutools on the pairs without a stored outcome")
    parser.add_argument("--timeout", type=float, default=600, help="pabutools seconds per run")
    parser.add_argument("--jobs", type=int, default=1, help="pabutools processes at once")
    parser.add_argument("--skip-stored", action="store_true",
                        help="do not recount the pairs with a stored outcome")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each count's time")
    parser.add_argument("--pabutools-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pabutools_worker:
        path, rules = Path(args.pabutools_worker[0]), args.pabutools_worker[1].split(",")
        for rule, selected, seconds in pabutools_outcomes(path, rules):
            print(json.dumps({"rule": rule, "selected": selected, "seconds": seconds}),
                  flush=True)
        return 0
    outcomes = stored_outcomes(args.dir)
    rules = [rule for rule in RULES if rule in args.rules.split(",")]
    sweep, unanswered = Sweep(args.verbose), 0
    missing: list[tuple[Any, ...]] = []
    for path in sorted(args.dir.glob("*.pb"), key=lambda p: (p.stat().st_size, p.name)):
        if args.match not in path.name or (args.max_bytes and
                                           path.stat().st_size > args.max_bytes):
            continue
        instance = read_pabulib(path)
        if instance.vote_type not in ("approval", "choose-1"):
            continue
        digest, expected = sha256(path), outcomes.get(path.name, {})
        if expected and expected["sha256"] != digest:
            print(f"STALE outcomes for {path.name}: sha256 differs", file=sys.stderr)
            expected = {}
        lacking = []
        for rule in rules:
            if rule not in expected:
                lacking.append(rule)
            elif not args.skip_stored:
                sweep.compare(path, instance, rule, expected[rule]["selected"])
        unanswered += len(lacking)
        if lacking and args.compute_missing:
            missing.extend((estimate, path, digest, run)
                           for estimate, run in pabutools_runs(instance, expected, lacking))
    if missing:
        missing.sort(key=lambda item: item[0])  # stable: equal estimates stay by size
        print(f"pabutools: {unanswered} pairs in {len(missing)} runs", flush=True)
        computed = computed_outcomes()
        with ThreadPoolExecutor(args.jobs) as pool:
            futures = {pool.submit(run_pabutools, path, lacking, args.timeout): (path, digest)
                       for _estimate, path, digest, lacking in missing}
            for future in as_completed(futures):
                (path, digest), found = futures[future], future.result()
                if not found:
                    continue
                save_computed(computed, path.name, digest, found)
                print(f"pabutools: {path.name} {', '.join(found)}", flush=True)
                instance = read_pabulib(path)
                for rule, outcome in found.items():
                    sweep.compare(path, instance, rule, outcome["selected"])
                unanswered -= len(found)
    print(f"checked {sweep.checked} file x rule pairs, {sweep.mismatches} mismatches, "
          f"{unanswered} without a pabutools outcome; counting took {sweep.ours_seconds:.1f} s")
    return 1 if sweep.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
