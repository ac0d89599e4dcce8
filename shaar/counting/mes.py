"""The Method of Equal Shares (MES) with cost utilities, as pabutools 1.2.3 computes it.

Every voter gets an equal share of the budget. A project can be bought when its supporters can
pay its cost together; each supporter pays the same amount, or everything they have left if
that is less. Each round buys the project whose price per unit of cost (its "affordability",
rho / cost) is the lowest; ties go to the lowest tie-break rank. Budgets only go down during a
run, so a project's last computed affordability is a lower bound and is kept in a heap: a round
only re-prices the projects whose bound is not worse than the best price found so far.

Speed comes from counting groups of voters, not voters. Voters who approve the same subset of
the projects bought so far have paid the same amounts and so hold the same budget: they form a
*class*. The classes after buying s1, s2, ... do not depend on the voters' starting budget, so
they are kept in a trie keyed by the purchase sequence and shared by the many runs of the
"Add1" completion, which reruns MES with one more currency unit per voter each time.

All money is scaled by (number of voters x common denominator of the costs), so the starting
budgets and costs are integers; prices are exact `Fraction`s. No float decides anything.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from .model import Money
from .profile import ApprovalProfile
from .result import ProjectExplanation

Exact = int | Fraction
Completion = Literal["none", "add1", "add1-to-limit"]


class _Node:
    """The voter classes after one purchase sequence (a node of the trie)."""

    __slots__ = ("children", "classes", "parent", "replaced", "supporters", "transitions")

    def __init__(self, classes: list[int], parent: _Node | None = None) -> None:
        self.classes = classes
        self.parent = parent
        self.children: dict[int, _Node] = {}
        # Cached per project: [(class, number of its voters approving the project)].
        self.supporters: dict[int, list[tuple[int, int]]] = {}
        # How budgets carry over from the parent: (new class, parent class, pays for the buy).
        self.transitions: list[tuple[int, int, bool]] = []
        # Parent class -> the classes it became here (absent when unchanged).
        self.replaced: dict[int, tuple[int, ...]] = {}


class _ClassTrie:
    def __init__(self, profile: ApprovalProfile, candidates: list[int]) -> None:
        wanted = set(candidates)
        self.ballots = [frozenset(p for p in g if p in wanted) for g in profile.groups]
        self.weights = profile.weights
        self.members: list[list[int]] = []
        self.counts: list[dict[int, int]] = []
        everyone = [g for g, ballot in enumerate(self.ballots) if ballot]
        self.root = _Node([self.new_class(everyone, self.count(everyone))])

    def new_class(self, members: list[int], counts: dict[int, int]) -> int:
        self.members.append(members)
        self.counts.append(counts)
        return len(self.members) - 1

    def count(self, members: Iterable[int]) -> dict[int, int]:
        counts: dict[int, int] = {}
        for g in members:
            weight = self.weights[g]
            for p in self.ballots[g]:
                counts[p] = counts.get(p, 0) + weight
        return counts

    def child(self, node: _Node, bought: int) -> _Node:
        child = node.children.get(bought)
        if child is not None:
            return child
        child = node.children[bought] = _Node([], node)
        for c in node.classes:
            counts = self.counts[c]
            if bought not in counts:
                child.classes.append(c)
                continue
            members = self.members[c]
            paying = [g for g in members if bought in self.ballots[g]]
            if len(paying) == len(members):
                # Everyone pays: same voters, new budget. `bought` stays in the counts
                # harmlessly: it is never priced again below this node.
                new = (self.new_class(members, counts),)
                child.transitions.append((new[0], c, True))
            else:
                paying_counts = self.count(paying)
                rest_counts = {p: n - paying_counts.get(p, 0) for p, n in counts.items()}
                rest_counts = {p: n for p, n in rest_counts.items() if n}
                rest = [g for g in members if bought not in self.ballots[g]]
                new = (self.new_class(paying, paying_counts), self.new_class(rest, rest_counts))
                child.transitions += [(new[0], c, True), (new[1], c, False)]
            child.classes.extend(new)
            child.replaced[c] = new
        return child

    def supporters(self, node: _Node, p: int) -> list[tuple[int, int]]:
        cached = node.supporters.get(p)
        if cached is not None:
            return cached
        parent = node.parent
        if parent is not None and p in parent.supporters:
            # Derive from the parent's list: only the classes that split change.
            found = []
            for c, n in parent.supporters[p]:
                if c in node.replaced:
                    found += [(new, self.counts[new][p])
                              for new in node.replaced[c] if p in self.counts[new]]
                else:
                    found.append((c, n))
        else:
            found = [(c, self.counts[c][p]) for c in node.classes if p in self.counts[c]]
        node.supporters[p] = found
        return found


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


class EqualShares:
    """MES for one profile; `run(extra)` counts with `extra` currency units added per voter."""

    def __init__(self, profile: ApprovalProfile, ranks: list[int]) -> None:
        self.profile = profile
        self.ranks = ranks
        self.n = profile.num_voters
        self.scale = profile.money_scale() * max(self.n, 1)
        self.costs = [project.cost * self.scale for project in profile.projects]
        # With cost utilities a free project gives no satisfaction, so MES never buys it.
        self.candidates = [p for p, project in enumerate(profile.projects)
                           if profile.approvals[p] > 0 and project.cost > 0]
        self.trie = _ClassTrie(profile, self.candidates)

    def start_budget(self, extra: int) -> int:
        """Scaled budget per voter: (budget + extra * voters) / voters, times the scale."""
        return int((self.profile.budget + extra * self.n) * self.scale) // self.n

    def run(self, extra: int = 0, explain: bool = False) -> MESRun:
        trie, costs, ranks = self.trie, self.costs, self.ranks
        node = trie.root
        budgets: dict[int, Exact] = {node.classes[0]: self.start_budget(extra)}
        heap = [(Fraction(1, self.profile.approvals[p]), ranks[p], p) for p in self.candidates]
        heapq.heapify(heap)
        result = MESRun(selected=[])
        spent: Money = 0
        if explain:
            self._track_affordability(result, node, budgets, [p for _, _, p in heap], None)
        while heap:
            best: tuple[Fraction, int, int, Exact] | None = None
            priced = []
            while heap and (best is None or heap[0][0] <= best[0]):
                _, rank, p = heapq.heappop(heap)
                price = _price(trie.supporters(node, p), budgets, costs[p])
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
            if explain:
                result.rounds.append(self._round(node, budgets, bought, price, spent))
            result.selected.append(bought)
            spent += self.profile.projects[bought].cost
            node = trie.child(node, bought)
            for new, old, pays in node.transitions:
                budget = budgets[old]
                budgets[new] = (budget - price if budget > price else 0) if pays else budget
            if explain:
                self._track_affordability(result, node, budgets, [p for _, _, p in heap], bought)
        if explain:
            for p in self.candidates:
                if p not in result.selected:
                    result.left_money[p] = self._money(node, budgets, p)
        return result

    def _money(self, node: _Node, budgets: dict[int, Exact], p: int) -> Exact:
        return sum((budgets[c] * n for c, n in self.trie.supporters(node, p)), 0)

    def _round(self, node: _Node, budgets: dict[int, Exact], p: int, price: Exact,
               spent: Money) -> _Round:
        supporters = self.trie.supporters(node, p)
        return _Round(
            project=p,
            price=price,
            supporters=sum(n for _, n in supporters),
            paid_in_full=sum(n for c, n in supporters if budgets[c] >= price),
            spent_before=spent,
        )

    def _track_affordability(self, result: MESRun, node: _Node, budgets: dict[int, Exact],
                             remaining: list[int], bought: int | None) -> None:
        for p in remaining:
            if p not in result.overtaken_by and self._money(node, budgets, p) < self.costs[p]:
                result.overtaken_by[p] = bought

    def total_cost(self, selection: list[int]) -> Money:
        return sum((self.profile.projects[p].cost for p in selection), 0)

    def is_exhaustive(self, selection: list[int]) -> bool:
        """pabutools' test, over the projects MES could buy: none of the others still fits."""
        left = self.profile.budget - self.total_cost(selection)
        chosen = set(selection)
        return all(self.profile.projects[p].cost > left
                   for p in self.candidates if p not in chosen)


def _price(supporters: list[tuple[int, int]], budgets: dict[int, Exact],
           cost: int) -> Exact | None:
    """The smallest rho such that the supporters, each paying min(budget, rho), cover `cost`.

    Walk the supporters from the poorest: while the remaining ones cannot split the rest
    equally within the current budget, this one pays all it has. None if they cannot pay.
    """
    pairs = sorted((budgets[c], n) for c, n in supporters)
    remaining = sum(n for _, n in pairs)
    paid: Exact = 0
    for budget, n in pairs:
        if cost - paid <= budget * remaining:
            return Fraction(cost - paid, remaining) if remaining else None
        paid += budget * n
        remaining -= n
    return None


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
    if profile.num_voters == 0 or completion == "none":
        return engine.run(0), 0, engine
    if completion == "add1-to-limit" and engine.total_cost(engine.candidates) <= profile.budget:
        # No outcome can exceed the budget, so pabutools climbs to its bound (the budget
        # times voters + 1); there each voter alone can pay for any project.
        extra = int(profile.budget)
        return engine.run(extra), extra, engine
    previous, extra = MESRun(selected=[]), 0
    while True:
        outcome = engine.run(extra)
        if engine.total_cost(outcome.selected) > profile.budget:
            return previous, extra - 1, engine
        if completion == "add1" and engine.is_exhaustive(outcome.selected):
            return outcome, extra, engine
        previous, extra = outcome, extra + 1


def mes_explanations(
    engine: EqualShares, extra: int, stage: str = "mes"
) -> dict[int, ProjectExplanation]:
    """Rerun the final count once, recording who paid what, and explain every candidate."""
    if extra < 0:
        return {}
    run = engine.run(extra, explain=True)
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
    exact = Fraction(value) / scale
    return exact.numerator if exact.denominator == 1 else exact
