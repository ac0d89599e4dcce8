"""From stored ballots to `counting` instances, Pabulib files, CSV/JSON and plain words."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from shaar import counting
from shaar.city.models import City
from shaar.counting import Instance, Project, Result, TieBreak, Votes
from shaar.counting.minimum import approval_counts, without_projects
from shaar.counting.tiebreak import drawn_order
from shaar.lib import csvout

from .models import Ballot, Pool, Proposal

RULE_COMMENTS = {
    "greedy": "Greedy by votes: projects are taken from the most approved down; a project "
              "that no longer fits in the money left is skipped and the next one is tried.",
    "mes": "Method of Equal Shares (cost utility), completed by increasing each voter's share "
           "by 1 som at a time while the outcome stays within budget, then filled greedily by "
           "votes.",
    "mes-add1-to-limit": "Method of Equal Shares (cost utility), each voter's share raised by "
                         "1 som at a time up to the largest budget the outcome still fits.",
    "phragmen": "Sequential Phragmén: voters earn money continuously and a project is bought "
                "as soon as its supporters can pay for it.",
}
TIE_COMMENT = ("Ties are broken by the keys in tie_breaking, in turn: votes (more first), cost "
               "(lower first), order (earlier in tie_order, drawn with sha256(seed:project_id) "
               "from the pool's commitment published before counting); then the smaller "
               "project_id as text, as pabutools does.")
MINIMUM_COMMENT = ("Projects with fewer than min_votes votes were left out before counting, "
                   "from PROJECTS and from every ballot: {ids}.")


@dataclass(frozen=True)
class RuleInWords:
    name: str
    text: str
    link: str


def rule_in_words(rule: str) -> RuleInWords:
    """The counting rule for residents: its name, one paragraph and where to read more."""
    words = {
        "greedy": RuleInWords(
            _("Most votes first"),
            _("Projects are funded in order of their votes, starting with the most voted. "
              "When a project costs more than the money left, it is skipped and the next "
              "one is tried, until no project fits."),
            "https://pabutools.readthedocs.io/en/latest/usage/rules.html"),
        "mes": RuleInWords(
            _("Method of Equal Shares"),
            _("The budget is split into equal shares, one per voter. A project is funded "
              "when the voters who chose it can pay for it together from their shares, "
              "cheapest per supporter first. This way every group of residents gets projects "
              "in proportion to its size, not only the largest group. Money left at the end "
              "goes to the most voted projects that still fit."),
            "https://equalshares.net/"),
        "mes-add1-to-limit": RuleInWords(
            _("Method of Equal Shares"),
            _("The budget is split into equal shares, one per voter. A project is funded "
              "when the voters who chose it can pay for it together from their shares. The "
              "shares are then raised step by step, as long as the funded projects still fit "
              "the real budget, so that as little money as possible is left unused."),
            "https://equalshares.net/"),
        "phragmen": RuleInWords(
            _("Phragmén's method"),
            _("Every voter earns money at the same steady rate. A project is funded as soon "
              "as the voters who chose it have earned its cost together; they then spend "
              "their money on it and start again from zero. Funding stops at the first "
              "project that no longer fits the budget."),
            "https://en.wikipedia.org/wiki/Phragmen%27s_voting_rules"),
    }
    return words.get(rule, RuleInWords(rule, "", ""))


def engine_version() -> str:
    """The engine's version when it has one, and the version of every rule it offers."""
    rules = ",".join(f"{k}={v}" for k, v in sorted(counting.RULE_VERSIONS.items()))
    return f"shaar.counting {getattr(counting, '__version__', '')} ({rules})"[:200]


def ballot_projects(pool: Pool) -> list[Proposal]:
    return list(Proposal.objects.on_ballot().filter(pool=pool).order_by("id"))


def _reviewed_cost(proposal: Proposal) -> int:
    assert proposal.cost is not None  # a proposal on the ballot has its reviewed cost
    return int(proposal.cost)


def tie_break_for(pool: Pool) -> TieBreak:
    """The pool's published tie rule; the draw's seed is the commitment made at the seal."""
    keys = tuple(pool.tie_breaking.split(","))
    order: tuple[str, ...] = ()
    if "order" in keys:
        order = drawn_order(pool.commitment, [str(p.pk) for p in ballot_projects(pool)])
    return TieBreak(keys, order)


def instance_for_pool(pool: Pool, with_outcome: dict[str, Any] | None = None) -> Instance:
    """The pool as a `counting` instance: its ballots by their random id (an order unrelated
    to casting), which is also the voter id. With the outcome, as published: the projects
    below the minimum are left out with a META line saying why."""
    proposals = ballot_projects(pool)
    selected = set(with_outcome["selected"]) if with_outcome else set()
    counts = {e["project_id"]: e["votes"] for e in (with_outcome or {}).get("projects", [])}
    projects = tuple(
        Project(id=str(p.pk), cost=_reviewed_cost(p), name=p.title, category=p.category,
                extra=(("votes", str(counts.get(str(p.pk), 0))),
                       ("selected", "1" if str(p.pk) in selected else "0"))
                if with_outcome else ())
        for p in proposals)
    rows = list(Ballot.objects.filter(pool=pool).order_by("id")
                .values_list("id", "projects", "channel"))
    votes = Votes(voter_ids=tuple(r[0].hex for r in rows),
                  ballots=tuple(tuple(str(p) for p in r[1]) for r in rows),
                  extra=(("voting_method", tuple(r[2] for r in rows)),))
    cycle, city = pool.cycle, City.current()
    tie_break = tie_break_for(pool)
    left_out = [e["project_id"] for e in (with_outcome or {}).get("projects", [])
                if e["reason"] == "below-minimum"]
    minimum = (with_outcome or {}).get("parameters", {}).get("minimum_votes")
    comment = f"{RULE_COMMENTS.get(pool.rule, pool.rule)} {TIE_COMMENT}"
    if left_out:
        comment += " " + MINIMUM_COMMENT.format(ids=", ".join(left_out))
    meta = [
        ("description", f"{cycle.name_en}, {pool.name_en}"),
        ("country", city.country_name_en),
        ("unit", city.name_en),
        ("subunit", pool.district.name_en if pool.district else ""),
        ("instance", cycle.slug),
        ("num_projects", str(len(projects) - len(left_out))),
        ("num_votes", str(len(rows))),
        ("rule", pool.rule),
        ("comment", comment),
        ("currency", city.currency),
        ("language", city.default_language),
        *tie_break.meta(),
    ]
    if minimum:
        meta.append(("min_votes", str(minimum)))
    if pool.commitment:
        meta.append(("commitment", pool.commitment))
    if cycle.voting_opens:
        meta.append(("date_begin", cycle.voting_opens.date().isoformat()))
    if cycle.voting_closes:
        meta.append(("date_end", cycle.voting_closes.date().isoformat()))
    if pool.ballot_form == Pool.BallotForm.APPROVAL:
        meta.append(("max_length", str(pool.max_projects)))
    else:
        meta.append(("max_sum_cost", str(pool.budget)))
    instance = Instance(budget=pool.budget, projects=projects, votes=votes,
                        vote_type="approval", meta=tuple(meta),
                        project_columns=("name", "category", "votes", "selected")
                        if with_outcome else ("name", "category"))
    return without_projects(instance, set(left_out))


def count_pool(pool: Pool, instance: Instance) -> Result:
    """Count with the pool's rule, tie rule and minimum, as published before voting."""
    return counting.count(instance, pool.rule, tie_break_for(pool),
                          minimum_votes=pool.minimum_for(instance.num_voters))


def ties_that_decided(pool: Pool, instance: Instance, result: Result) -> list[str]:
    """The projects whose fate the tie rule decided: those selected with the tie order
    reversed, or only without it. Empty when no tie mattered."""
    tie_break = tie_break_for(pool)
    votes = approval_counts(instance)
    ranks = tie_break.ranks(instance.projects, [votes[p.id] for p in instance.projects])
    order = [p.id for _rank, p in sorted(zip(ranks, instance.projects, strict=True),
                                         key=lambda pair: pair[0])]
    reversed_rule = TieBreak(("order",), tuple(reversed(order)))
    other = counting.count(instance, pool.rule, reversed_rule, explain=False,
                           minimum_votes=pool.minimum_for(instance.num_voters))
    return sorted(set(result.selected) ^ set(other.selected), key=int)


def pabulib_text(pool: Pool) -> str:
    """The published `.pb`: anonymised ballots, the rule in META, the outcome in PROJECTS."""
    return counting.format_pabulib(instance_for_pool(pool, with_outcome=pool.result.outcome))


def results_rows(pool: Pool) -> list[dict[str, Any]]:
    outcome = pool.result.outcome
    titles = {str(p.pk): p for p in ballot_projects(pool)}
    rows = []
    for e in outcome["projects"]:
        p = titles.get(e["project_id"])
        rows.append({"project_id": e["project_id"], "title": p.title if p else "",
                     "cost": e["cost"], "votes": e["votes"], "selected": e["selected"],
                     "reason": e["reason"]})
    rows.sort(key=lambda r: (not r["selected"], -r["votes"]))
    return rows


def results_csv(pool: Pool) -> str:
    out = io.StringIO()
    writer = csvout.DictWriter(out, ["project_id", "title", "cost", "votes", "selected", "reason"])
    writer.writeheader()
    writer.writerows(results_rows(pool))
    return out.getvalue()


def _som(value: Any) -> str:
    if isinstance(value, str) and "/" in value:
        num, den = value.split("/")
        value = int(num) // int(den)
    amount = int(value or 0)
    if amount >= 1_000_000:
        millions = round(amount / 1_000_000, 1)
        places = 0 if millions == int(millions) else 1
        return _("%(amount)s m som") % {"amount": formats.number_format(millions, places)}
    return _("%(amount)s som") % {"amount": formats.number_format(amount, 0, force_grouping=True)}


def explain(e: dict[str, Any]) -> str:
    """One project's outcome in plain words, in the active language."""
    votes = formats.number_format(e["votes"], 0, force_grouping=True)
    details = e.get("details") or {}
    cost = _som(e["cost"])
    reason = e["reason"]
    if reason == "selected":
        if e.get("stage") == "mes":
            return _("Selected: %(votes)s votes; its supporters could share its cost of "
                     "%(cost)s.") % {"votes": votes, "cost": cost}
        return _("Selected: %(votes)s votes; its %(cost)s fitted in the %(left)s left when "
                 "its turn came.") % {"votes": votes, "cost": cost,
                                      "left": _som(e.get("budget_left_before"))}
    if reason == "does-not-fit":
        return _("Not selected: %(votes)s votes, but its %(cost)s did not fit the %(left)s "
                 "left when its turn came.") % {"votes": votes, "cost": cost,
                                               "left": _som(e.get("budget_left_before"))}
    if reason == "supporters-cannot-pay":
        return _("Not selected: %(votes)s votes, but its supporters had only %(money)s left "
                 "of their equal shares, short of its %(cost)s.") % {
            "votes": votes, "cost": cost, "money": _som(details.get("supporters_money"))}
    if reason == "no-votes":
        return _("Not selected: nobody voted for it.")
    if reason == "below-minimum":
        return _("Not selected: %(votes)s votes, fewer than the %(minimum)s a project needs.") % {
            "votes": votes, "minimum": details.get("minimum_votes")}
    if reason == "over-budget":
        return _("Not selected: its %(cost)s is more than the whole budget.") % {"cost": cost}
    if reason == "count-stopped":
        return _("Not selected: %(votes)s votes; the count stopped when it no longer fitted "
                 "the budget.") % {"votes": votes}
    return _("Not selected: %(votes)s votes; other projects were funded first.") % {
        "votes": votes}
