"""How ties between projects are broken: every rule asks for a rank, lowest rank wins.

A tie rule is a list of keys applied in turn, as a city publishes it before voting opens:

- `votes`: more approvals first;
- `cost`: the cheaper project first;
- `order`: the earlier project in a published order (a draw from a seed published before
  counting, see `drawn_order`).

Whatever is left tied after the keys goes to the smaller project id compared as text, which
is pabutools' default (`lexico_tie_breaking`). The same keys as one pabutools
`TieBreakingRule` (approval score, cost, position in the order, name) give the same outcome,
so anyone can recount with pabutools from the `tie_breaking` and `tie_order` META lines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .model import Project

TIE_KEYS: tuple[str, ...] = ("votes", "cost", "order")


@dataclass(frozen=True, slots=True)
class TieBreak:
    """`keys` in turn, then the project id. `order` lists project ids, the one that wins a tie
    first; a project missing from it comes after every listed one."""

    keys: tuple[str, ...] = ()
    order: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [key for key in self.keys if key not in TIE_KEYS]
        if unknown:
            raise ValueError(f"unknown tie-breaking key {unknown[0]!r}; "
                             f"choose from {', '.join(TIE_KEYS)}")
        if len(set(self.keys)) != len(self.keys):
            raise ValueError("a tie-breaking key appears twice")
        if "order" in self.keys and not self.order:
            raise ValueError("tie-breaking by order needs the order (project ids)")
        if len(set(self.order)) != len(self.order):
            raise ValueError("a project appears twice in the tie order")

    @classmethod
    def parse(cls, keys: str, order: str = "") -> TieBreak:
        """From the comma lists of the CLI and of the `.pb` META (`tie_breaking`,
        `tie_order`)."""
        return cls(keys=_comma_list(keys), order=_comma_list(order))

    def sort_key(self, project: Project, votes: int, position: dict[str, int]
                 ) -> tuple[Any, ...]:
        key: list[Any] = []
        for name in self.keys:
            if name == "votes":
                key.append(-votes)
            elif name == "cost":
                key.append(project.cost)
            else:
                key.append(position.get(project.id, len(position)))
        key.append(project.id)
        return tuple(key)

    def ranks(self, projects: tuple[Project, ...],
              votes: Sequence[int] | None = None) -> list[int]:
        """Each project's rank (0 wins every tie). `votes` are the projects' approval counts,
        needed when the rule breaks ties by votes."""
        if votes is None:
            if "votes" in self.keys:
                raise ValueError("tie-breaking by votes needs the projects' votes")
            votes = [0] * len(projects)
        position = {project_id: i for i, project_id in enumerate(self.order)}
        order = sorted(range(len(projects)),
                       key=lambda i: self.sort_key(projects[i], votes[i], position))
        ranks = [0] * len(projects)
        for rank, index in enumerate(order):
            ranks[index] = rank
        return ranks

    def meta(self) -> tuple[tuple[str, str], ...]:
        """The `.pb` META lines that state this rule (none for pabutools' default)."""
        lines: list[tuple[str, str]] = []
        if self.keys:
            lines.append(("tie_breaking", ",".join(self.keys)))
        if self.order:
            lines.append(("tie_order", ",".join(self.order)))
        return tuple(lines)

    def describe(self) -> dict[str, Any]:
        return {"keys": list(self.keys), "order": list(self.order)}


def drawn_order(seed: str, project_ids: Sequence[str]) -> tuple[str, ...]:
    """A public draw: the projects ordered by sha256("seed:id"). Anyone can redo it with
    sha256 alone once the seed is published."""
    return tuple(sorted(project_ids,
                        key=lambda p: (hashlib.sha256(f"{seed}:{p}".encode()).hexdigest(), p)))


def from_meta(meta: dict[str, str]) -> TieBreak:
    """The tie rule a `.pb` file states in its META; pabutools' default when it states none."""
    return TieBreak.parse(meta.get("tie_breaking", ""), meta.get("tie_order", ""))


def _comma_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())
