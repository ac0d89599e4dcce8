"""The Method of Equal Shares (MES) with cost utilities, as pabutools 1.2.3 computes it.

Every voter gets an equal share of the budget. A project can be bought when its supporters can
pay its cost together; each supporter pays the same amount, or everything they have left if
that is less. Each round buys the project whose price per unit of cost (its "affordability",
rho / cost) is the lowest; ties go to the lowest tie-break rank. Budgets only go down during a
run, so a project's last computed affordability is a lower bound and is kept in a heap: a round
only re-prices the projects whose bound is not worse than the best price found so far.

Voters who cast the same ballot always hold the same budget, so budgets are kept per distinct
ballot (a group, with its number of voters), and a project's price is found without sorting
(see `_price`).

All money is scaled by (number of voters x common denominator of the costs), so the starting
budgets and costs are integers; prices are exact rationals (see numbers.py). No float decides
anything: most counts are first tried by `mes_float.FloatShares`, a float64 run that proves with
error bounds that each of its decisions is the exact one, and hands the count back here when it
cannot.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, Literal

import numpy as np

from . import numbers
from .mes_float import FloatShares
from .model import Money
from .profile import ApprovalProfile
from .result import ProjectExplanation, to_fraction

Exact = Any  # int, or an exact rational (gmpy2.mpq or Fraction)
Completion = Literal["none", "add1", "add1-to-limit"]


@dataclass
class _Round:
    project: int
    price: Exact  # what each supporter pays at most (scaled money)
    supporters: int
    paid_in_full: int
    spent_before: Money


@dataclass
class MESRun:
    """One run of MES from a given starting budget per voter (scaled money)."""

    selected: list[int]
    rounds: list[_Round] = field(default_factory=list)
    # For explanations: per unbought candidate, its supporters' money at the end and the
    # project after whose purchase they could no longer pay for it.
    left_money: dict[int, Exact] = field(default_factory=dict)
    overtaken_by: dict[int, int | None] = field(default_factory=dict)


class _Trace:
    """What `run_with_horizon` needs to replay its last run at a larger budget.

    Per round: from which starting budget on a decision taken before it could flip (its
    horizon, in absolute scaled money per voter), the heap and bounds it started with, the
    classes and selection that existed, and which groups then changed class. For a starting
    budget below that horizon, the state at the start of the round is the same affine state
    evaluated at the new budget, so the next run starts there instead of at round one.
    Class values are kept relative to `origin`, the starting budget of the latest run.
    """

    def __init__(self, origin: Exact, class_of: Any, class_budget: list[Exact],
                 class_slope: list[Exact], selected: list[int]) -> None:
        self.origin = origin
        self.class_of, self.class_budget, self.class_slope = class_of, class_budget, class_slope
        self.selected = selected
        self.starts: list[tuple[Exact | None, list[Any], dict[int, Exact], Exact, int, int]] = []
        self.changes: list[tuple[Any, Any]] = []
        self.ceilings: Any = None
        self.slope_ceilings: Any = None
        self.last_shift: Exact = 0

    def begin_round(self, horizon: Exact | None, heap: list[Any],
                    bound_slope: dict[int, Exact]) -> None:
        until = None if horizon is None else self.origin + horizon
        self.starts.append((until, list(heap), dict(bound_slope), self.origin,
                            len(self.class_budget), len(self.selected)))

    def end_round(self, members: Any, before: Any) -> None:
        self.changes.append((members, before))

    def resume(self, start: Exact) -> tuple[Any, ...] | None:
        """The state at the start of the last round still valid from `start`, or None."""
        k = -1
        for index, entry in enumerate(self.starts):
            if entry[0] is not None and entry[0] <= start:
                break
            k = index
        if k < 0:
            return None
        until, heap, bound_slope, base, classes, chosen = self.starts[k]
        for members, before in reversed(self.changes[k:]):
            self.class_of[members] = before
        del self.starts[k:], self.changes[k:]
        shift = self.last_shift = start - self.origin
        self.class_budget = [a + s * shift for a, s in zip(self.class_budget[:classes],
                                                           self.class_slope[:classes],
                                                           strict=True)]
        self.class_slope = self.class_slope[:classes]
        self.selected = self.selected[:chosen]
        self.origin = start
        moved = start - base
        heap = [(bound + bound_slope[p] * moved, rank, p) for bound, rank, p in heap]
        heapq.heapify(heap)
        return (self.class_of, self.class_budget, self.class_slope, heap, dict(bound_slope),
                self.selected, None if until is None else until - start)


class EqualShares:
    """MES for one profile; `run(extra)` counts with `extra` currency units added per voter."""

    def __init__(self, profile: ApprovalProfile, ranks: list[int]) -> None:
        self.profile = profile
        self.groups = profile.groups  # first: the approval counts are then summed over them
        self.ranks = ranks
        self.n = profile.num_voters
        self.scale = profile.money_scale() * max(self.n, 1)
        self.costs = [project.cost * self.scale for project in profile.projects]
        # With cost utilities a free project gives no satisfaction, so MES never buys it.
        self.candidates = [p for p, project in enumerate(profile.projects)
                           if profile.approvals[p] > 0 and project.cost > 0]
        self._trace: _Trace | None = None

    @cached_property
    def supporters(self) -> dict[int, list[tuple[int, int]]]:
        """Per candidate: [(ballot group, its number of voters)], for the exact runs."""
        return {p: self._supporter_list(p) for p in self.candidates}

    def _supporter_list(self, p: int) -> list[tuple[int, int]]:
        members, voters = self.supporter_arrays[p]
        return list(zip(members.tolist(), voters.astype(np.int64).tolist(), strict=True))

    @cached_property
    def supporter_arrays(self) -> dict[int, tuple[Any, Any]]:
        """Per candidate: its supporting groups (int64) and their voters (float64, whole)."""
        weights = self.groups.weights.astype(np.float64)
        arrays = {}
        for p in self.candidates:
            members = self.groups.supporters(p)
            arrays[p] = (members, weights[members])
        return arrays

    def start_budget(self, extra: int) -> int:
        """Scaled budget per voter: (budget + extra * voters) / voters, times the scale."""
        return int((self.profile.budget + extra * self.n) * self.scale) // self.n

    def run(self, extra: int = 0) -> MESRun:
        if self.n == 0:
            return MESRun(selected=[])  # pabutools: no ballots, nothing bought
        costs, ranks, supporters = self.costs, self.ranks, self.supporters
        budgets: list[Exact] = [self.start_budget(extra)] * len(self.groups)
        heap = [(numbers.Rational(1, self.profile.approvals[p]), ranks[p], p)
                for p in self.candidates]
        heapq.heapify(heap)
        result = MESRun(selected=[])
        while heap:
            best: tuple[Exact, int, int, Exact] | None = None
            priced = []
            while heap and (best is None or heap[0][0] <= best[0]):
                bound, rank, p = heapq.heappop(heap)
                price = _price(supporters[p], budgets, costs[p], bound * costs[p])
                if price is None:
                    continue  # its supporters cannot pay for it any more: drop it for good
                entry = (price / costs[p], rank, p, price)
                priced.append(entry)
                if best is None or entry[:2] < best[:2]:
                    best = entry
            if best is None:
                break
            for entry in priced:
                if entry is not best:
                    heapq.heappush(heap, entry[:3])
            _, _, bought, price = best
            result.selected.append(bought)
            _pay(supporters[bought], budgets, price)
        return result

    def replay(self, extra: int, purchases: list[int]) -> MESRun:
        """Recount `purchases` (the outcome of `run(extra)`, in order) exactly, recording who
        paid what. The order is known, so only the bought projects are priced."""
        start = self.start_budget(extra)
        budgets: list[Exact] = [start] * len(self.groups)
        result = MESRun(selected=list(purchases))
        money = _SupportersMoney(self, start)
        money.note_unaffordable(result, None)
        spent: Money = 0
        for bought in purchases:
            # One project's list at a time: all of them take hundreds of MB at a million voters.
            supporters = self._supporter_list(bought)
            price = _price(supporters, budgets, self.costs[bought],
                           numbers.Rational(self.costs[bought], self.profile.approvals[bought]))
            result.rounds.append(_round(supporters, budgets, bought, price, spent))
            spent += self.profile.projects[bought].cost
            money.pay(bought, price, _pay(supporters, budgets, price))
            money.note_unaffordable(result, bought)
        result.left_money = dict(money.money)
        return result

    def run_with_horizon(self, extra: int) -> tuple[list[int], Exact | None]:
        """The selection of `run(extra)`, and how far the budget per voter can rise without
        changing it.

        Let t be the (scaled) money added to every voter's starting budget. As long as every
        decision of the run (which supporters pay all they have for each bought project, which
        candidate is cheapest in each round, which candidates their supporters cannot pay for)
        stays the same, every budget and price is an affine function a + s*t of t. The run keeps
        both coefficients and returns the smallest t > 0 at which one of those decisions could
        flip (0 when one is balanced on a tie and could flip at once; None when none can).
        For every t in [0, horizon) the selection is the same, so Add1 may jump over that span.

        Candidates other than the bought one are compared through lower bounds: for any split
        of a project's supporters into payers-of-all and the rest, the price computed from that
        split never exceeds the real price (see `_price_classes`), so a candidate whose bound
        stays above the winner's price cannot win.

        Budgets are kept per class: voters who supported the same bought projects hold the same
        budget, so a class is one exact number (and its slope) and each group points to its
        class in a numpy array; pricing a project sums its supporters' weights per class with
        `numpy.bincount` (integer sums, exact in float64 far beyond any electorate) and then
        works on the few classes only.
        """
        if self.n == 0:
            return [], None
        costs, ranks = self.costs, self.ranks
        arrays = self.supporter_arrays
        start = self.start_budget(extra)
        trace = self._trace
        state = trace.resume(start) if trace is not None and trace.origin < start else None
        if state is not None:
            # Replay: the rounds whose decisions hold at this budget are not recounted;
            # their state is their affine forms evaluated here (see `_Trace`).
            class_of, class_budget, class_slope, heap, bound_slope, selected, horizon = state
            assert trace is not None  # the state was resumed from it
        else:
            class_of = np.zeros(len(self.groups), dtype=np.int64)
            # Class 0: the starting budget; class 1: voters with nothing left (for good).
            class_budget, class_slope = [start, 0], [1, 0]
            heap = [(numbers.Rational(1, self.profile.approvals[p]), ranks[p], p)
                    for p in self.candidates]
            heapq.heapify(heap)
            # Affine lower bound (a, s) on each candidate's price per unit of cost.
            bound_slope = {p: 0 for p in self.candidates}
            selected, horizon = [], None
            trace = self._trace = _Trace(start, class_of, class_budget, class_slope, selected)
        # Whole upper bounds (ceilings) of each class's budget and slope, to see in one integer
        # dot product that supporters cannot pay (their money is at most sum(count * ceiling)).
        # Total money never exceeds voters x starting budget, and the slopes' total never
        # exceeds the voters, so int64 holds them whenever that first product does.
        # A class made by paying `price` has ceiling <= its parent's ceiling - floor(price), and
        # after a raise of the start by `shift` (whole) a class's ceiling grows by at most its
        # slope ceiling x shift: the ceilings are carried along, never recomputed.
        quick = start * 4 * (self.n + 1) < 2**62
        if quick and state is not None and trace.ceilings is not None:
            ceilings, slope_ceilings = trace.ceilings, trace.slope_ceilings
            known = len(class_budget)
            ceilings[:known] += slope_ceilings[:known] * int(trace.last_shift)
        else:
            size = 64
            while size < len(class_budget) + 1:
                size *= 2
            ceilings = np.zeros(size, dtype=np.int64)
            slope_ceilings = np.zeros(size, dtype=np.int64)
            if quick:
                ceilings[:len(class_budget)] = [_ceiling(v) for v in class_budget]
                slope_ceilings[:len(class_slope)] = [_ceiling(v) for v in class_slope]

        def limit(t: Exact) -> None:
            nonlocal horizon
            if horizon is None or t < horizon:
                horizon = t

        while heap:
            trace.begin_round(horizon, heap, bound_slope)
            best: tuple[Any, ...] | None = None
            priced = []
            while heap and (best is None or heap[0][0] <= best[0]):
                bound, rank, p = heapq.heappop(heap)
                members, weights = arrays[p]
                counts = np.bincount(class_of[members], weights=weights)
                if quick:
                    voters = counts.astype(np.int64)
                    most = int(voters @ ceilings[:voters.size])
                    if most < costs[p]:
                        # Unaffordable; its money grows at most by `fastest` per unit of t.
                        fastest = int(voters @ slope_ceilings[:voters.size])
                        if fastest > 0:
                            limit(numbers.Rational(costs[p] - most, fastest))
                        continue
                present = np.flatnonzero(counts)
                items = [(class_budget[c], class_slope[c], int(counts[c]))
                         for c in present.tolist()]
                found = _price_classes(items, costs[p], bound * costs[p])
                if found is None:
                    # Unaffordable: it stays so while its supporters' money stays below cost.
                    money = sum((b * n for b, _, n in items), 0)
                    growth = sum((s * n for _, s, n in items), 0)
                    if growth > 0:
                        limit(numbers.Rational(costs[p] - money) / growth)
                    continue
                price, price_slope, exact_split = found
                entry = (price / costs[p], rank, p, price, price_slope, exact_split)
                priced.append(entry)
                if best is None or entry[:2] < best[:2]:
                    best = entry
            if best is None:
                break
            ratio, best_rank, bought, price, price_slope, exact_split = best
            if not exact_split:
                limit(0)
            ratio_slope = price_slope / costs[bought]
            for entry in priced:
                if entry is not best:
                    q = entry[2]
                    if not entry[5]:
                        limit(0)
                    heapq.heappush(heap, entry[:3])
                    bound_slope[q] = entry[4] / costs[q]
            # Every other candidate's bound must stay above the winner's price.
            for bound, rank, q in heap:
                closing = ratio_slope - bound_slope[q]
                if closing > 0:
                    gap = bound - ratio
                    limit(gap / closing if gap > 0 or rank > best_rank else 0)
            selected.append(bought)
            members = arrays[bought][0]
            before = class_of[members]
            old, inverse = np.unique(before, return_inverse=True)
            renamed = []
            parents = []
            made = len(class_budget)
            for c in old.tolist():
                budget = class_budget[c]
                gap_slope = class_slope[c] - price_slope
                if budget > price:
                    gap = budget - price
                    renamed.append(made)
                    made += 1
                    parents.append(c)
                    class_budget.append(gap)
                    class_slope.append(gap_slope)
                    if gap_slope < 0:
                        limit(gap / -gap_slope)
                else:
                    renamed.append(1)
                    if gap_slope > 0:
                        limit((price - budget) / gap_slope if budget < price else 0)
            if quick and parents:
                while made > ceilings.size:
                    ceilings = np.concatenate([ceilings, np.zeros_like(ceilings)])
                    slope_ceilings = np.concatenate([slope_ceilings, np.zeros_like(slope_ceilings)])
                fresh = slice(made - len(parents), made)
                ceilings[fresh] = ceilings[parents] - _floor(price)
                slope_ceilings[fresh] = slope_ceilings[parents] - _floor(price_slope)
            class_of[members] = np.asarray(renamed, dtype=np.int64)[inverse]
            trace.end_round(members, before)
        trace.ceilings = ceilings if quick else None
        trace.slope_ceilings = slope_ceilings
        return list(selected), horizon

    def total_cost(self, selection: list[int]) -> Money:
        return sum((self.profile.projects[p].cost for p in selection), 0)

    def is_exhaustive(self, selection: list[int]) -> bool:
        """pabutools' test, over the projects MES could buy: none of the others still fits."""
        left = self.profile.budget - self.total_cost(selection)
        chosen = set(selection)
        return all(self.profile.projects[p].cost > left
                   for p in self.candidates if p not in chosen)


def _round(supporters: list[tuple[int, int]], budgets: list[Exact], p: int, price: Exact,
           spent: Money) -> _Round:
    return _Round(
        project=p,
        price=price,
        supporters=sum(n for _, n in supporters),
        paid_in_full=sum(n for c, n in supporters if budgets[c] >= price),
        spent_before=spent,
    )


def _pay(supporters: list[tuple[int, int]], budgets: list[Exact], price: Exact
         ) -> dict[int, Exact]:
    """Each supporter pays the price, or all it has if that is less; returns the latter
    supporters with what they paid."""
    paid_all: dict[int, Exact] = {}
    for g, _ in supporters:
        budget = budgets[g]
        if budget > price:
            budgets[g] = budget - price
        else:
            budgets[g], paid_all[g] = 0, budget
    return paid_all


class _SupportersMoney:
    """Each unbought candidate's supporters' money during an explained run (exact).

    Summing every supporter's budget for every candidate after every purchase is most of an
    explained run's time, so the sums are updated instead: a purchase took exactly the price
    from the supporters who could pay it and everything from the others (`paid_all`), so a
    candidate loses the price times its voters among the first (a numpy count) plus what its
    voters among the others had.
    """

    def __init__(self, engine: EqualShares, start: Exact) -> None:
        self.engine = engine
        self.arrays = engine.supporter_arrays
        self.money: dict[int, Exact] = {
            p: start * engine.profile.approvals[p] for p in engine.candidates}

    def pay(self, bought: int, price: Exact, paid_all: dict[int, Exact]) -> None:
        del self.money[bought]
        groups = len(self.engine.groups)
        paid_price = np.zeros(groups)
        paid_price[self.arrays[bought][0]] = 1.0
        paid_price[list(paid_all)] = 0.0
        gave_all = np.zeros(groups, dtype=bool)
        gave_all[list(paid_all)] = True
        weights = self.engine.groups.weights
        for p in self.money:
            members, voters = self.arrays[p]
            lost = price * int(voters @ paid_price[members])
            for g in members[gave_all[members]].tolist():
                lost += paid_all[g] * int(weights[g])
            self.money[p] -= lost

    def note_unaffordable(self, result: MESRun, bought: int | None) -> None:
        """Record `bought` as the purchase after which a candidate became unaffordable."""
        for p, money in self.money.items():
            if p not in result.overtaken_by and money < self.engine.costs[p]:
                result.overtaken_by[p] = bought


def _price(supporters: list[tuple[int, int]], budgets: list[Exact], cost: Money,
           lower: Exact) -> Exact | None:
    """The rho at which the supporters, each paying min(budget, rho), cover `cost` exactly.

    That rho is unique, so it is the one pabutools finds by scanning supporters from the
    poorest. Here Newton's method climbs to it from `lower`, a price known not to exceed it:
    voters with budget <= rho pay all they have, the others share the rest. The sum is concave
    in rho, so each step stays below the answer and it stops when nobody changes side (usually
    after two passes, without sorting). None if the supporters cannot pay.
    """
    rho = lower
    while True:
        poor_money: Exact = 0
        rich = 0
        for g, n in supporters:
            budget = budgets[g]
            if budget <= rho:
                poor_money += budget * n
            else:
                rich += n
        if not rich:
            # Everyone pays all they have: enough only if that is exactly the cost.
            return rho if poor_money == cost else None
        new = numbers.Rational(cost - poor_money) / rich
        if new == rho:
            return rho
        rho = new


def _floor(value: Exact) -> int:
    return int(value.numerator // value.denominator)


def _ceiling(value: Exact) -> int:
    return -int((-value.numerator) // value.denominator)


def _price_classes(items: list[tuple[Exact, Exact, int]], cost: int, lower: Exact
                   ) -> tuple[Exact, Exact, bool] | None:
    """`_price` over (budget, slope, voters) classes, plus the price's slope in t.

    Returns (price, its slope for the same split, whether somebody pays less than all they
    have); None if the supporters cannot pay. With split P (payers of all) and R others, the
    price (cost - money of P) / R is, for any budgets, at most the real price: each supporter
    pays min(budget, price) <= their share in that formula. So its affine form is a lower
    bound wherever the budgets follow their affine forms.
    """
    rho = lower
    while True:
        poor_money: Exact = 0
        poor_slope: Exact = 0
        rich = 0
        least_rich: Exact | None = None
        for budget, slope, n in items:
            if budget <= rho:
                if budget:
                    poor_money += budget * n
                    poor_slope += slope * n
            else:
                rich += n
                if least_rich is None or budget < least_rich:
                    least_rich = budget
        if not rich:
            return (rho, 0, False) if poor_money == cost else None
        new = numbers.Rational(cost - poor_money) / rich
        # new >= rho (rho is below the answer), so the payers of all stay so; the split is
        # the answer's once nobody else's budget is <= new.
        if least_rich > new:  # type: ignore[operator]
            return new, numbers.Rational(-poor_slope) / rich, True
        rho = new


def equal_shares(
    profile: ApprovalProfile, ranks: list[int], completion: Completion
) -> tuple[MESRun, int, EqualShares]:
    """Run MES, raising every voter's budget one unit at a time as `completion` says.

    `add1`: pabutools `method_of_equal_shares(..., voter_budget_increment=1)`: stop at the
    first exhaustive outcome, or return the previous one when an outcome exceeds the budget.
    `add1-to-limit`: pabutools `exhaustion_by_budget_increase(..., exhaustive_stop=False,
    budget_step=voters)`: ignore exhaustiveness, stop only before exceeding the budget, as in
    the Wieliczka, Swiecie and Assen elections. Returns the run, the units added, the engine.
    """
    engine = EqualShares(profile, ranks)
    # Most budgets are counted by the float run, which proves its decisions exact; the exact
    # engine counts the others (and in the Add1 loop may then skip ahead by its horizon).
    fast = FloatShares(engine)

    def count_at(extra: int) -> MESRun:
        proven = fast.run(engine.start_budget(extra)) if engine.n else None
        return engine.run(extra) if proven is None else MESRun(selected=proven)

    if profile.num_voters == 0 or completion == "none":
        return count_at(0), 0, engine
    if completion == "add1-to-limit" and engine.total_cost(engine.candidates) <= profile.budget:
        # No outcome can exceed the budget, so pabutools climbs to its bound (the budget
        # times voters + 1); there each voter alone can pay for any project.
        extra = int(profile.budget)
        return count_at(extra), extra, engine
    # Adding 1 unit per voter adds `engine.scale` scaled money per voter. Between two runs the
    # selection stays as it was up to the run's horizon, so the units in between, which +1
    # stepping would try one by one, are skipped: they give the same selection and stop test.
    # The float run knows no horizon: once it has proven the same selection `patience` units
    # in a row, an exact run measures the span ahead (a small city's pool may hold one
    # selection for thousands of units). A span no longer than the patience doubles it, so
    # the exact runs stay a small share of the work where selections change often.
    previous, extra = MESRun(selected=[]), 0
    patience, unchanged = 32, 0
    while True:
        proven = fast.run(engine.start_budget(extra)) if unchanged < patience else None
        if proven is None:
            selected, horizon = engine.run_with_horizon(extra)
        else:
            selected, horizon = proven, None
        if engine.total_cost(selected) > profile.budget:
            return previous, extra - 1, engine
        if completion == "add1" and engine.is_exhaustive(selected):
            return MESRun(selected=selected), extra, engine
        if extra == 0:
            fast.merge()  # later steps buy (nearly) only what the first one priced
        step = 1 if horizon is None else max(1, -(-horizon // engine.scale))
        if proven is None:
            if unchanged >= patience and step <= patience:
                patience *= 2
            unchanged = 0
        else:
            unchanged = unchanged + 1 if selected == previous.selected else 0
        previous, extra = MESRun(selected=selected), extra + int(step)


def mes_explanations(
    engine: EqualShares, extra: int, outcome: MESRun, stage: str = "mes"
) -> dict[int, ProjectExplanation]:
    """Replay the final count once, recording who paid what, and explain every candidate."""
    if extra < 0 or engine.n == 0:
        return {}
    run = engine.replay(extra, outcome.selected)
    profile, scale = engine.profile, engine.scale
    explanations: dict[int, ProjectExplanation] = {}
    for number, done in enumerate(run.rounds, start=1):
        project = profile.projects[done.project]
        explanations[done.project] = ProjectExplanation(
            project_id=project.id, cost=project.cost, votes=profile.approvals[done.project],
            selected=True, reason="selected", stage=stage, round=number,
            budget_left_before=profile.budget - done.spent_before,
            details={
                "price_per_supporter": _unscale(done.price, scale),
                "supporters": done.supporters,
                "supporters_paid_in_full": done.paid_in_full,
                "supporters_paid_all_they_had": done.supporters - done.paid_in_full,
            },
        )
    for p, money in run.left_money.items():
        project = profile.projects[p]
        overtaken = run.overtaken_by.get(p)
        left = _unscale(money, scale)
        explanations[p] = ProjectExplanation(
            project_id=project.id, cost=project.cost, votes=profile.approvals[p],
            selected=False, reason="supporters-cannot-pay", stage=stage,
            details={
                "supporters_money": left,
                "missing": project.cost - left,
                "overtaken_by": profile.projects[overtaken].id if overtaken is not None else None,
            },
        )
    return explanations


def _unscale(value: Exact, scale: int) -> Money:
    exact = Fraction(to_fraction(value)) / scale
    return exact.numerator if exact.denominator == 1 else exact
