"""Participatory-budgeting counting engine: pure Python, exact arithmetic, no Django.

    instance = read_pabulib("Poland_Wieliczka_2023_Green_Budget.pb")
    result = count(instance, "mes-add1-to-limit")
    result.selected, result.to_json()
"""

from __future__ import annotations

from .model import Instance, Project, UnsupportedBallots, Votes
from .pabulib import PabulibError, format_pabulib, parse_pabulib, read_pabulib, write_pabulib
from .result import ProjectExplanation, Result
from .rules import RULE_VERSIONS, RULES, count
from .tiebreak import TieBreak

__all__ = [
    "RULES",
    "RULE_VERSIONS",
    "Instance",
    "PabulibError",
    "Project",
    "ProjectExplanation",
    "Result",
    "TieBreak",
    "UnsupportedBallots",
    "Votes",
    "count",
    "format_pabulib",
    "parse_pabulib",
    "read_pabulib",
    "write_pabulib",
]
