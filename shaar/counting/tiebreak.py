"""How ties between projects are broken: every rule asks for a rank, lowest rank wins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .model import Project

TieBreakKind = Literal["id", "cost", "draw"]


@dataclass(frozen=True, slots=True)
class TieBreak:
    """`id` is pabutools' default (smallest project id compared as a string), so any result can
    be recounted with pabutools; `cost` favours the cheaper project (then the id); `draw` is a
    public draw: a published seed fixes a random order of the projects."""

    kind: TieBreakKind = "id"
    seed: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("id", "cost", "draw"):
            raise ValueError(f"unknown tie-break {self.kind!r}")
        if self.kind == "draw" and not self.seed:
            raise ValueError("a public draw needs a seed")

    def order(self, projects: tuple[Project, ...]) -> list[int]:
        """Indexes of `projects`, the one that wins every tie first."""
        indexes = range(len(projects))
        if self.kind == "id":
            return sorted(indexes, key=lambda i: projects[i].id)
        if self.kind == "cost":
            return sorted(indexes, key=lambda i: (projects[i].cost, projects[i].id))
        # The draw depends on the seed and each project's position in the published list,
        # not on its id: anyone can redo it with sha256 alone, and renaming changes nothing.
        return sorted(indexes, key=lambda i: (_draw_key(self.seed or "", i), i))

    def ranks(self, projects: tuple[Project, ...]) -> list[int]:
        ranks = [0] * len(projects)
        for rank, index in enumerate(self.order(projects)):
            ranks[index] = rank
        return ranks

    def describe(self, projects: tuple[Project, ...]) -> dict[str, Any]:
        described: dict[str, Any] = {"kind": self.kind}
        if self.kind == "draw":
            described["seed"] = self.seed
            described["draw"] = [projects[i].id for i in self.order(projects)]
        return described


def _draw_key(seed: str, position: int) -> str:
    import hashlib  # only here: most counts have no draw and do not pay for loading it

    return hashlib.sha256(f"{seed}:{position}".encode()).hexdigest()
