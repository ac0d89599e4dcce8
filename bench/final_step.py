"""Final-step check of the MES pairs pabutools cannot finish: its own count where our loop stops.

    python bench/final_step.py                  # every pair without a pabutools outcome
    python bench/final_step.py --match Budapest --jobs 2

pabutools' Add1 and to-limit loops count MES once per unit added per voter: on the Hungarian
elections, counted in forint, 20,000-150,000 counts (days); on the large Warsaw districts a few
hundred counts of seconds each (hours). `bench/parity.py` has no outcome for many of those
pairs yet. This makes only the counts that decide where a loop stops. At the step u where
ours stopped (u units added per voter; pabutools' count there is MES on the budget raised by
u x voters), pabutools' MES must select what ours selects, within the real budget, and its loop
must stop there: the outcome is exhaustive (Add1 only) or the step u + 1 exceeds the budget.
For `mes`, pabutools' greedy completion of that outcome must be ours. At --earlier evenly
spaced steps before u, its loop must go on: the outcome fits the budget and (Add1) is not
exhaustive. What this cannot see is another earlier step at which pabutools would stop and ours
did not: it is weaker than the full sweep and does not replace it (such a pair stays "without a
pabutools outcome" in parity.py). Exit status 1 if any pair differs.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from parity import our_stop, pabulib_dir, sha256, stored_outcomes

from shaar.counting import read_pabulib

LOOPS = ("mes-add1", "mes", "mes-add1-to-limit")


def pabutools_steps(path: str, steps: list[int], complete_at: int | None) -> dict:
    """pabutools' MES count at each of `steps` (units added per voter): what it selects,
    whether that fits the real budget, whether it is exhaustive as the Add1 loop tests it; and
    its greedy completion of the count at `complete_at` (the `mes` rule)."""
    from copy import deepcopy

    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    instance, profile = parse_pabulib(path)
    multiprofile = profile.as_multiprofile()
    # The Add1 loop tests exhaustiveness on MES's candidates: approved projects that cost money.
    candidates = [p for p in instance if p.cost > 0 and profile.approval_score(p) > 0]
    found: dict = {}
    raised = deepcopy(instance)
    for units in steps:
        raised.budget_limit = instance.budget_limit + units * profile.num_ballots()
        outcome = method_of_equal_shares(raised, multiprofile, sat_class=Cost_Sat)
        found[units] = {
            "selected": {p.name for p in outcome},
            "feasible": instance.is_feasible(outcome),
            "exhaustive": instance.is_exhaustive(outcome, available_projects=candidates),
        }
        if units == complete_at:
            completed = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat,
                                                   initial_budget_allocation=outcome)
            found["completed"] = {p.name for p in completed}
    return found


def earlier(units: int, sampled: int) -> list[int]:
    """`sampled` steps before `units`, evenly spaced (fewer when there are fewer)."""
    return sorted({units * i // (sampled + 1) for i in range(1, sampled + 1)} - {units})


def differences(counted: dict[str, tuple[set[str], int]], steps: dict, budget,
                sampled: int) -> dict[str, str]:
    """Per rule, "" when pabutools' counts agree with where and how our loop stopped, else
    what differs."""
    said = {}
    for rule, (selected, units) in counted.items():
        at, after = steps[units], steps[units + 1]
        final = steps["completed"] if rule == "mes" else at["selected"]
        add1 = rule != "mes-add1-to-limit"
        stopped = [k for k in earlier(units, sampled)
                   if not steps[k]["feasible"] or (add1 and steps[k]["exhaustive"])]
        if final != selected:
            said[rule] = f"pabutools selects {sorted(final)}"
        elif not at["feasible"]:
            said[rule] = f"step {units} exceeds the budget in pabutools"
        elif not add1 and after["feasible"] and units + 1 <= budget:
            said[rule] = f"pabutools' loop goes on: step {units + 1} fits the budget"
        elif add1 and not at["exhaustive"] and after["feasible"]:
            said[rule] = f"pabutools' Add1 loop goes on: step {units} is not exhaustive"
        elif stopped:
            said[rule] = f"pabutools' loop stops earlier, at step {stopped[0]}"
        else:
            said[rule] = ""
    return said


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=pabulib_dir())
    parser.add_argument("--match", default="", help="only files whose name contains this")
    parser.add_argument("--jobs", type=int, default=1, help="pabutools processes at once")
    parser.add_argument("--earlier", type=int, default=8,
                        help="earlier steps to check that pabutools' loop goes on")
    args = parser.parse_args()
    outcomes = stored_outcomes(args.dir)
    work = {}
    for path in sorted(args.dir.glob(f"*{args.match}*.pb")):
        expected = outcomes.get(path.name)
        if not expected or "greedy" not in expected or expected["sha256"] != sha256(path):
            continue  # not an approval or choose-1 file, or not the file reference.json knew
        lacking = [rule for rule in LOOPS if rule not in expected]
        if lacking:
            instance = read_pabulib(path)
            work[path] = {rule: our_stop(instance, rule) for rule in lacking}, instance.budget
    agree = differ = 0
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = {}
        for path, (counted, _) in work.items():
            steps = sorted({step for _, units in counted.values()
                            for step in (*earlier(units, args.earlier), units, units + 1)})
            complete_at = counted["mes"][1] if "mes" in counted else None
            futures[pool.submit(pabutools_steps, str(path), steps, complete_at)] = path
        for future in as_completed(futures):
            path = futures[future]
            counted, budget = work[path]
            found = differences(counted, future.result(), budget, args.earlier)
            for rule, problem in found.items():
                agree, differ = agree + (not problem), differ + bool(problem)
                print(f"{'DIFFERS' if problem else 'agrees '} {path.name} {rule} "
                      f"(step {counted[rule][1]}) {problem}", flush=True)
    print(f"final steps: {agree} pairs agree, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
