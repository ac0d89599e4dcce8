"""Read and write Pabulib `.pb` files (https://pabulib.org/format).

A file has three sections, META, PROJECTS and VOTES, each a `;`-separated table whose first row
is a header. Fields may be quoted (project names contain `;` and quotes), so rows go through the
`csv` module, which also keeps reading fast: a 130,000-voter file parses in well under a second.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

from .model import APPROVAL_LIKE, VOTE_TYPES, Instance, Money, Project, Votes

SECTIONS = ("meta", "projects", "votes")
# Project columns that have their own field on `Project`.
PROJECT_FIELDS = ("name", "category", "district")
# META keys that have their own field on `Instance`.
INSTANCE_META = ("budget", "vote_type")


class PabulibError(ValueError):
    """A malformed Pabulib file. `line` is 1-based, or 0 when the problem is the whole file."""

    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        self.problem = problem
        super().__init__(f"line {line}: {problem}" if line else problem)


def parse_money(text: str) -> Money:
    """Parse a cost, budget or point value exactly ("1 500,50" style commas become a point)."""
    value = Fraction(text.strip().replace(",", "."))
    return value.numerator if value.denominator == 1 else value


def format_money(value: Money) -> str:
    """Write an exact amount as Pabulib does: a plain integer or a terminating decimal."""
    if isinstance(value, int) or value.denominator == 1:
        return str(int(value))
    # Pabulib amounts are decimals, so the denominator has only the prime factors 2 and 5.
    digits, rest = 0, value.denominator
    while rest % 10 == 0 or rest % 5 == 0 or rest % 2 == 0:
        rest //= 10 if rest % 10 == 0 else (5 if rest % 5 == 0 else 2)
        digits += 1
    if rest != 1:
        raise ValueError(f"{value} has no finite decimal form")
    scaled = value.numerator * 10**digits // value.denominator
    sign = "-" if scaled < 0 else ""
    whole, fraction = divmod(abs(scaled), 10**digits)
    return f"{sign}{whole}.{fraction:0{digits}d}"


def read_pabulib(path: str | Path) -> Instance:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return parse_pabulib(handle.read())


def parse_pabulib(text: str) -> Instance:
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.reader = csv.reader(io.StringIO(text), delimiter=";")
        self.meta: list[tuple[str, str]] = []
        self.projects: dict[str, Project] = {}
        self.project_columns: tuple[str, ...] = ()
        self.votes = Votes()
        self.seen: set[str] = set()

    @property
    def line(self) -> int:
        return self.reader.line_num

    def fail(self, problem: str, line: int | None = None) -> PabulibError:
        return PabulibError(self.line if line is None else line, problem)

    def rows(self) -> Iterator[list[str]]:
        for row in self.reader:
            if row and (len(row) > 1 or row[0].strip()):
                yield row

    def parse(self) -> Instance:
        rows = self.rows()
        section = ""
        for row in rows:
            name = row[0].strip().lower()
            if len(row) == 1 and name in SECTIONS:
                section = name
                self.read_section(section, rows)
            else:
                raise self.fail(f"expected META, PROJECTS or VOTES, got {row[0]!r}")
        return self.instance()

    def read_section(self, section: str, rows: Iterator[list[str]]) -> None:
        if section in self.seen:
            raise self.fail(f"section {section.upper()} appears twice")
        self.seen.add(section)
        header = [column.strip() for column in next(rows, [])]
        if not header:
            raise self.fail(f"section {section.upper()} has no header row")
        if section == "meta":
            self.read_meta(rows)
        elif section == "projects":
            self.read_projects(header, rows)
        else:
            self.read_votes(header, rows)

    def section_rows(self, rows: Iterator[list[str]]) -> Iterator[list[str]]:
        """Rows up to the next section name; that section is then read in turn."""
        for row in rows:
            if len(row) == 1 and row[0].strip().lower() in SECTIONS:
                self.read_section(row[0].strip().lower(), rows)
                return
            yield row

    def read_meta(self, rows: Iterator[list[str]]) -> None:
        for row in self.section_rows(rows):
            if len(row) > 2:
                raise self.fail("a META row has more than two fields (key;value)")
            key, value = row[0].strip(), (row[1].strip() if len(row) > 1 else "")
            self.meta.append((key, value))

    def read_projects(self, header: list[str], rows: Iterator[list[str]]) -> None:
        for required in ("project_id", "cost"):
            if required not in header:
                raise self.fail(f"PROJECTS header has no {required} column")
        self.project_columns = tuple(c for c in header if c not in ("project_id", "cost"))
        for row in self.section_rows(rows):
            if len(row) > len(header):
                raise self.fail(f"project row has {len(row)} fields, header has {len(header)}")
            values = dict(zip(header, (value.strip() for value in row), strict=False))
            project_id = values["project_id"]
            if not project_id:
                raise self.fail("project with an empty project_id")
            if project_id in self.projects:
                raise self.fail(f"duplicate project id {project_id!r}")
            self.projects[project_id] = self.project(values)

    def project(self, values: dict[str, str]) -> Project:
        try:
            cost = parse_money(values["cost"])
        except (ValueError, ZeroDivisionError):
            raise self.fail(f"cost {values['cost']!r} of project {values['project_id']!r} "
                            "is not a number") from None
        if cost < 0:
            raise self.fail(f"project {values['project_id']!r} has a negative cost")
        extra = tuple(
            (column, values.get(column, ""))
            for column in self.project_columns
            if column not in PROJECT_FIELDS
        )
        return Project(
            id=values["project_id"],
            cost=cost,
            name=values.get("name", ""),
            category=values.get("category", ""),
            district=values.get("district", ""),
            extra=extra,
        )

    def read_votes(self, header: list[str], rows: Iterator[list[str]]) -> None:
        if "projects" not in self.seen:
            raise self.fail("VOTES section before the PROJECTS section")
        for required in ("voter_id", "vote"):
            if required not in header:
                raise self.fail(f"VOTES header has no {required} column")
        id_at, vote_at = header.index("voter_id"), header.index("vote")
        points_at = header.index("points") if "points" in header else None
        extra_at = [i for i, c in enumerate(header) if c not in ("voter_id", "vote", "points")]
        voter_ids: list[str] = []
        ballots: list[tuple[str, ...]] = []
        points: list[tuple[Money, ...]] = []
        extra: list[list[str]] = [[] for _ in extra_at]
        seen_ids: set[str] = set()
        # Many voters cast the same ballot: check each distinct vote string only once.
        checked: dict[str, tuple[str, ...]] = {}
        width = len(header)
        for row in self.section_rows(rows):
            if len(row) != width:
                if len(row) > width:
                    raise self.fail(f"vote row has {len(row)} fields, header has {width}")
                row = row + [""] * (width - len(row))
            voter_id = row[id_at].strip()
            if voter_id in seen_ids:
                raise self.fail(f"duplicate voter id {voter_id!r}")
            seen_ids.add(voter_id)
            voter_ids.append(voter_id)
            raw = row[vote_at]
            ballot = checked.get(raw)
            if ballot is None:
                ballot = checked[raw] = self.ballot(raw)
            ballots.append(ballot)
            if points_at is not None:
                points.append(self.points(row[points_at], len(ballot)))
            for column, at in zip(extra, extra_at, strict=True):
                column.append(row[at].strip())
        self.votes = Votes(
            voter_ids=tuple(voter_ids),
            ballots=tuple(ballots),
            points=tuple(points) if points_at is not None else None,
            extra=tuple((header[at], tuple(c)) for at, c in zip(extra_at, extra, strict=True)),
        )

    def ballot(self, raw: str) -> tuple[str, ...]:
        ballot = tuple(part.strip() for part in raw.split(",") if part.strip())
        for project_id in ballot:
            if project_id not in self.projects:
                raise self.fail(f"vote for unknown project {project_id!r}")
        return ballot

    def points(self, raw: str, length: int) -> tuple[Money, ...]:
        try:
            values = tuple(parse_money(part) for part in raw.split(",") if part.strip())
        except (ValueError, ZeroDivisionError):
            raise self.fail(f"points {raw!r} are not numbers") from None
        if len(values) != length:
            raise self.fail(f"{len(values)} points for {length} projects")
        return values

    def instance(self) -> Instance:
        for section in SECTIONS:
            if section not in self.seen:
                raise self.fail(f"missing section {section.upper()}", line=0)
        meta = dict(self.meta)
        if not meta.get("budget"):
            raise self.fail("budget missing from META", line=0)
        try:
            budget = parse_money(meta["budget"])
        except (ValueError, ZeroDivisionError):
            raise self.fail(f"budget {meta['budget']!r} is not a number", line=0) from None
        vote_type = meta.get("vote_type", "approval")
        if vote_type not in VOTE_TYPES:
            raise self.fail(f"unknown vote_type {vote_type!r}", line=0)
        if vote_type in APPROVAL_LIKE and self.votes.points is not None:
            raise self.fail(f"{vote_type} ballots cannot have points", line=0)
        return Instance(
            budget=budget,
            projects=tuple(self.projects.values()),
            votes=self.votes,
            vote_type=vote_type,
            meta=tuple(item for item in self.meta if item[0] not in INSTANCE_META),
            project_columns=self.project_columns,
        )


def write_pabulib(instance: Instance, path: str | Path) -> None:
    Path(path).write_text(format_pabulib(instance), encoding="utf-8")


def format_pabulib(instance: Instance) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(instance.meta)
    writer.writerow(["budget", format_money(instance.budget)])
    writer.writerow(["vote_type", instance.vote_type])
    writer.writerow(["PROJECTS"])
    writer.writerow(["project_id", "cost", *instance.project_columns])
    for project in instance.projects:
        writer.writerow([project.id, format_money(project.cost),
                         *(_project_value(project, c) for c in instance.project_columns)])
    _write_votes(writer, instance.votes)
    return out.getvalue()


def _project_value(project: Project, column: str) -> str:
    if column in PROJECT_FIELDS:
        return str(getattr(project, column))
    return project.get(column)


def _write_votes(writer: Any, votes: Votes) -> None:
    writer.writerow(["VOTES"])
    points = ["points"] if votes.points is not None else []
    writer.writerow(["voter_id", "vote", *points, *(name for name, _ in votes.extra)])
    columns: list[tuple[str, ...]] = [votes.voter_ids, tuple(",".join(b) for b in votes.ballots)]
    if votes.points is not None:
        columns.append(tuple(",".join(map(format_money, p)) for p in votes.points))
    columns.extend(values for _, values in votes.extra)
    writer.writerows(zip(*columns, strict=True))
