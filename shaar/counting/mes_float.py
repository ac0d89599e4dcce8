"""A fast MES run in floating point that proves each of its decisions, or gives up.

Exact MES arithmetic is slow on large elections: each price is a rational whose denominator is
the product of earlier ones, so budgets grow to hundreds of digits. This run keeps every budget
as a float64 (numpy, one entry per ballot group, or per merged group: see `FloatShares.merge`)
together with a bound on how far it can be from the exact value. A decision is taken only when
those bounds prove that exact arithmetic takes the same one:

- the project bought in a round: its highest possible price per unit of cost is below every other
  candidate's lowest possible one (so a tie, which the exact engine breaks by rank, is never
  decided here);
- who pays all they have for it: every supporter's budget is, beyond doubt, on one side of the
  price;
- a candidate dropped for good: its supporters' money is, beyond doubt, below its cost.

When a decision cannot be proven, `run` returns None and the exact engine (mes.py) counts that
budget. The floats therefore never decide anything the exact rule would decide differently.

Error bounds (u = 2**-53, the unit roundoff; every bound below is rounded up generously):
- a supporter's budget is the starting budget minus the prices paid; each subtraction adds the
  price's own error bound plus at most u * start (kept per ballot group);
- a sum of n products w * b (numpy dot) errs by at most n * u * the sum (w are whole numbers);
- a price (cost - money of those who pay all) / (voters paying the price) errs by at most the
  error of the money over those voters (bounded with the largest error of any budget, and for
  the bought project summed group by group), plus rounding of the subtraction and division.
"""

from __future__ import annotations

import heapq
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .mes import EqualShares
    from .model import Money

UNIT = 2.0**-52  # twice the unit roundoff: every rounding bound below uses it, to spare a margin
EXACT_FLOATS = 2**52  # whole numbers below this are exact float64 values, with room to spare


# A priced candidate: (lowest, highest, estimated price per unit of cost, project, price, price
# error bound, its supporters' budgets as gathered to price it (`exact_key` and `buy` reuse
# them), what `buy` needs to bound the error tighter (None: nobody pays all they have, the
# bound is tight).
Entry = tuple[float, float, float, int, float, float, Any, Any]


class _Unsure(Exception):
    """The bounds cannot prove a decision: the exact engine must count this budget."""


class _Stale(Exception):
    """A run on merged groups would buy a project they were not merged on."""


class FloatShares:
    """Proven-exact MES runs in float64 for one profile (see the module docstring)."""

    def __init__(self, engine: EqualShares) -> None:
        self.engine = engine
        self.candidates = engine.candidates
        self.ranks = engine.ranks
        self.costs = engine.costs  # scaled: whole numbers
        self.groups = len(engine.groups)
        # Per candidate: its supporting groups, their voters (float64, whole) and the total.
        self.members: dict[int, tuple[Any, Any, float]] = {
            p: (*engine.supporter_arrays[p], float(engine.profile.approvals[p]))
            for p in self.candidates}
        # Costs, voters and starting budgets must be exact floats for the bounds to hold.
        self.usable = (engine.n < EXACT_FLOATS
                       and all(self.costs[p] < EXACT_FLOATS for p in self.candidates))
        self.priced: set[int] = set()  # every candidate any run took from its heap to price
        self.previous: list[int] = []  # what the last proven run bought, in order
        self.unmerged = self.members
        self.relevant: set[int] | None = None  # see `merge`

    def merge(self) -> None:
        """Count the next runs on fewer, larger groups: voters who approve the same projects
        among those priced so far (`relevant`).

        A voter's budget depends only on the bought projects they approve, so voters who agree
        on every project a run buys hold the same budget throughout it: they can be one group
        (each candidate counting its own supporters in it). On a large election most ballots
        differ only in projects no run buys, and later Add1 steps buy (nearly) only projects
        the first one priced. Should a run buy another, the groups are merged again, on it too;
        when merging hardly makes fewer groups, the runs go on with the groups as they are.
        """
        if not self.usable:
            return
        self.relevant = set(self.priced)
        merged_group = self.engine.groups.merged_on(sorted(self.relevant))
        self.groups = int(merged_group.max(initial=-1)) + 1
        if 4 * self.groups > 3 * len(self.engine.groups):
            self.relevant = set(self.candidates)
            self.groups, self.members = len(self.engine.groups), self.unmerged
            return
        self.members = {}
        for p, (groups, weights, voters) in self.unmerged.items():
            merged, inverse = np.unique(merged_group[groups], return_inverse=True)
            self.members[p] = (merged, np.bincount(inverse, weights=weights), voters)

    def run(self, start: int) -> list[int] | None:
        """The selection of the exact `engine.run` from `start` (scaled money per voter), or
        None when the float bounds cannot prove every decision."""
        if not self.usable or start >= EXACT_FLOATS:
            return None
        # Supporters who hold less than the cost at the start never can pay for it: such a
        # candidate (often a third of them) is left out at once, by an exact integer test.
        hopeful = [p for p in self.candidates
                   if start * self.engine.profile.approvals[p] >= self.costs[p]]
        while True:
            try:
                self.previous = _Run(self, float(start)).count(hopeful)
                return self.previous
            except _Unsure:
                return None
            except _Stale:
                self.merge()  # on the project it would buy too: that run priced it


class _Run:
    def __init__(self, shares: FloatShares, start: float) -> None:
        self.shares = shares
        self.start = start
        self.budgets = np.full(shares.groups, start)
        # Each budget is within its `errors` entry of its exact value. Kept per group, not as
        # one maximum: a price's error is its poor supporters' errors shared among the others,
        # and with a single maximum that share would compound round after round.
        self.errors = np.zeros(shares.groups)
        self.largest_error = 0.0  # at least every entry of `errors`

    def count(self, candidates: list[int]) -> list[int]:
        shares = self.shares
        # Lowest possible price per unit of cost: each supporter pays at most the price, so
        # the price is at least cost / voters. Prices only rise, so a bound stays a bound.
        heap = [(_down(1.0 / shares.members[p][2]), shares.ranks[p], p) for p in candidates]
        heapq.heapify(heap)
        selected: list[int] = []
        while heap:
            # The Add1 steps before this one bought mostly the same projects in the same order:
            # the last run's purchase in this round is priced first, so that the others are
            # measured against a good price from the start (see `price`).
            guess = shares.previous[len(selected)] if len(selected) < len(shares.previous) else None
            priced = self.price_contenders(heap, guess)
            if not priced:
                break
            best = self.cheapest(priced)
            if shares.relevant is not None and best[3] not in shares.relevant:
                raise _Stale
            for entry in priced:
                if entry is not best:
                    heapq.heappush(heap, (entry[0], shares.ranks[entry[3]], entry[3]))
            self.buy(best)
            selected.append(best[3])
        return selected

    def cheapest(self, priced: list[Entry]) -> Entry:
        """The entry whose price per unit of cost is surely the lowest (ties by rank).

        Candidates whose bounds overlap are often exact ties: projects with the same number
        of voters, all of whom can pay. Their exact ratio is known (see `exact_key`), so such
        ties are broken here by rank as the exact engine does; any other overlap is unsure.
        """
        best = min(priced, key=lambda entry: entry[2])
        close = [entry for entry in priced if entry is not best and entry[0] <= best[1]]
        if not close:
            return best
        keys: dict[int, tuple[Fraction, int]] = {}
        for entry in [best, *close]:
            key = self.exact_key(entry)
            if key is None:
                raise _Unsure
            keys[entry[3]] = key
        return min([best, *close], key=lambda entry: keys[entry[3]])

    def exact_key(self, entry: Entry) -> tuple[Fraction, int] | None:
        """(exact price per unit of cost, rank) when every supporter surely either has nothing
        left or can pay the price: the price is then exactly cost / voters who can pay."""
        p, rho, rho_error, budgets = entry[3], entry[4], entry[5], entry[6]
        groups, weights, _ = self.shares.members[p]
        holding = budgets > 0
        if np.any(budgets[holding] <= rho + self.errors[groups][holding] + rho_error):
            return None
        return Fraction(1, int(weights[holding].sum())), self.shares.ranks[p]

    def price_contenders(self, heap: list[tuple[float, int, int]], first: int | None
                         ) -> list[Entry]:
        """Price every candidate that might be the cheapest (see `Entry`), `first` first if it
        is one. Candidates left in the heap have a lowest possible price above the highest
        possible price of the best one priced."""
        priced: list[Entry] = []
        highest = float("inf")
        taken = _take(heap, first)
        while taken or (heap and heap[0][0] <= highest):
            lowest, rank, p = taken or heapq.heappop(heap)
            taken = None
            self.shares.priced.add(p)
            found = self.price(p, lowest, highest)
            if found is None:
                continue  # its supporters cannot pay for it, now or later
            if isinstance(found, float):
                # Surely dearer than the best so far: back with its better bound, which keeps
                # it out of this loop (it is above `highest`, which only falls).
                heapq.heappush(heap, (found, rank, p))
                continue
            rho, error, budgets, split = found
            cost = self.shares.costs[p]
            entry = (_down((rho - error) / cost), _up((rho + error) / cost), rho / cost, p,
                     rho, error, budgets, split)
            priced.append(entry)
            highest = min(highest, entry[1])
        return priced

    def price(self, p: int, lowest: float, highest: float
              ) -> tuple[float, float, Any, Any] | float | None:
        """The price each supporter pays at most for `p`, its error bound, the supporters'
        budgets and what `buy` needs to bound the error tighter (see `Entry`); None if the
        supporters surely cannot pay. Newton's method climbs from below as in mes._price, from
        `lowest` times the cost (`lowest`: a lower bound on the price per unit of cost).

        Each Newton step is itself a lower bound on the price (see mes._price_classes): once
        one is surely above `highest` (the best candidate's highest price per unit of cost so
        far), `p` cannot win this round and its climb stops there, returning that bound."""
        groups, weights, voters = self.shares.members[p]
        cost = self.shares.costs[p]
        budgets = self.budgets[groups]
        rho = cost / voters
        if float(budgets.min()) > rho:
            # The common case, decided in one pass: everyone can pay an equal share, so that
            # is the price (if the bound is too close to call, `buy` will say so).
            return rho, UNIT * cost / voters + 2 * UNIT * rho, budgets, None
        if self.surely_short(groups, weights, voters, budgets, cost):
            return None
        # Start a little below `lowest` times the cost, so that rounding cannot put the start
        # above the price: each step then rises, as from cost / voters.
        rho = max(rho, lowest * cost * (1 - 2.0**-30))
        # Masks are summed by dot products, not gathered: boolean indexing is far slower.
        # `held` rounds each product once more; the dot product's bound below covers it.
        held = weights * budgets
        poor = budgets <= rho
        poor_groups = np.count_nonzero(poor)
        poor_voters = float(weights @ poor)
        while True:
            rich = voters - poor_voters
            if not rich:
                raise _Unsure  # everyone would pay all they have: exactly the cost, or not
            poor_money = float(held @ poor)
            new = (cost - poor_money) / rich
            if new <= rho:
                break
            if new > highest * cost:  # then, unless its error is too large, `p` is out
                _, error = self.price_error(groups.size, voters, cost, poor_money, rich, new)
                bound = _down((new - error) / cost)
                if bound > highest:
                    return bound
            # Unless a budget lies in (rho, new], the next step finds the same payers of all
            # and so `new` again. Payers of all at rho still are at new > rho, so their number
            # of groups tells.
            now_poor = budgets <= new
            now_groups = np.count_nonzero(now_poor)
            if now_groups == poor_groups:
                break
            rho, poor, poor_groups = new, now_poor, now_groups
            poor_voters = float(weights @ poor)
        rounding, error = self.price_error(groups.size, voters, cost, poor_money, rich, new)
        return new, error, budgets, (poor, rich, rounding)

    def price_error(self, size: int, voters: float, cost: Money, poor_money: float, rich: float,
                    new: float) -> tuple[float, float]:
        """Bounds on the rounding of `new` = (cost - poor_money) / rich (`poor_money` a dot
        product of `size` terms) and on its whole error against the exact formula for the same
        split. The error of the money of those who pay all is bounded here with the largest
        error of any budget: loose, but usually far below the gaps between candidates' prices
        that decide a round (when not, the round is unsure). Only the bought project's error,
        which enters the budgets, is summed group by group (in `buy`)."""
        rounding = ((size + 1) * UNIT * poor_money + UNIT * cost) / rich + 2 * UNIT * new
        loose = (voters - rich) * self.largest_error / rich * (1 + UNIT)
        return rounding, rounding + loose

    def surely_short(self, groups: Any, weights: Any, voters: float, budgets: Any,
                     cost: Money) -> bool:
        """Whether the supporters surely hold less than `cost` (True), surely more (False);
        too close to call raises `_Unsure`. The error of their money is first bounded with
        the largest error of any budget, and summed supporter by supporter only if needed."""
        money = float(weights @ budgets)
        rounding = groups.size * UNIT * money
        error = voters * self.largest_error + rounding
        if abs(money - cost) <= error:
            error = float(weights @ self.errors[groups]) + rounding
            if abs(money - cost) <= error:
                raise _Unsure  # the supporters may hold exactly the cost, or just less
        return money < cost

    def buy(self, entry: Entry) -> None:
        """Supporters with a budget surely at most the price pay all of it (left with exactly
        0); the others surely have more and pay the price."""
        p, rho, rho_error, budgets, split = entry[3], entry[4], entry[5], entry[6], entry[7]
        groups, weights, _ = self.shares.members[p]
        errors = self.errors[groups]
        if split is not None:
            # The price's error enters the budgets: sum its payers-of-all's errors one by one
            # (`price` bounded them with the largest one).
            poor, rich, rounding = split
            rho_error = rounding + float((weights * poor) @ errors) / rich * (1 + UNIT)
        # The sign of a float difference is exact; its size is inflated by the rounding of
        # the difference and of the margin. The largest error settles it in one pass unless
        # some budget is that close to the price.
        left = budgets - rho
        gaps = np.abs(left)
        if (float(gaps.min()) <= (self.largest_error + rho_error) * (1 + 2 * UNIT)
                and np.any(gaps <= (errors + rho_error) * (1 + 2 * UNIT))):
            raise _Unsure
        poor = left < 0
        added = rho_error + UNIT * self.start
        self.budgets[groups] = np.maximum(left, 0.0)  # 0 where poor: exactly what they keep
        self.errors[groups] = np.where(poor, 0.0, errors + added)
        self.largest_error = (self.largest_error + added) * (1 + UNIT)


def _take(heap: list[tuple[float, int, int]], p: int | None) -> tuple[float, int, int] | None:
    """Remove the entry of project `p` from `heap` and return it (None if it is not there)."""
    if p is None:
        return None
    if heap and heap[0][2] == p:  # the usual case: popping costs less than re-heapifying
        return heapq.heappop(heap)
    for index, entry in enumerate(heap):
        if entry[2] == p:
            heap[index] = heap[-1]
            heap.pop()
            heapq.heapify(heap)
            return entry
    return None


def _down(value: float) -> float:
    """A little below `value`, to cover the rounding of the division that made it."""
    return value - abs(value) * 2 * UNIT


def _up(value: float) -> float:
    return value + abs(value) * 2 * UNIT
