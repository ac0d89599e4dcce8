"""Read and write Pabulib `.pb` files (https://pabulib.org/format).

A file has three sections, META, PROJECTS and VOTES, each a `;`-separated table whose first row
is a header. Fields may be quoted (project names contain `;` and quotes), so rows go through the
`csv` module, which also keeps reading fast: a 130,000-voter file parses in well under a second.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from fractions import Fraction
from itertools import repeat
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


def _first_duplicate(voter_ids: tuple[str, ...]) -> tuple[int, str]:
    seen: set[str] = set()
    for at, voter_id in enumerate(voter_ids):
        if voter_id in seen:
            return at, f"duplicate voter id {voter_id!r}"
        seen.add(voter_id)
    raise AssertionError("no duplicate")


def read_pabulib(path: str | Path) -> Instance:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return parse_pabulib(handle.read())


def parse_pabulib(text: str) -> Instance:
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0  # where the next line starts: csv pulls lines one row at a time
        self.reader = csv.reader(self.lines(), delimiter=";")
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

    def lines(self) -> Iterator[str]:
        """The text's lines as io.StringIO gives them, without its copy of the text at four
        bytes a character (80 MB for a million voters)."""
        text = self.text
        while self.offset < len(text):
            start = self.offset
            self.offset = text.find("\n", start) + 1 or len(text)
            yield text[start:self.offset]

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
        header_line = self.line
        # Rows are checked and split into columns in bulk (C-level map/zip/set), not one
        # Python step per voter: reading is most of a count's time. A problem is found by
        # its row index; only then is the file re-read to name that row's line.
        width = len(header)
        problems: list[tuple[int, str]] = []
        columns: Sequence[Sequence[str]] | None = self.plain_columns(width)
        if columns is None:
            columns = self.csv_columns(width, rows, problems)
        voter_ids = tuple(map(str.strip, columns[header.index("voter_id")]))
        if len(set(voter_ids)) != len(voter_ids):
            problems.append(_first_duplicate(voter_ids))
        raw_votes = columns[header.index("vote")]
        ballot_of = self.ballots(set(raw_votes))
        unknown = set().union(*ballot_of.values()).difference(self.projects)
        if unknown:
            at = next(i for i, raw in enumerate(raw_votes) if unknown.intersection(ballot_of[raw]))
            project_id = next(p for p in ballot_of[raw_votes[at]] if p in unknown)
            problems.append((at, f"vote for unknown project {project_id!r}"))
        ballots = tuple(map(ballot_of.__getitem__, raw_votes))
        points = None
        if "points" in header:
            points, points_problem = self.all_points(columns[header.index("points")], ballots)
            if points_problem:
                problems.append(points_problem)
        if problems:
            at, problem = min(problems)
            raise self.fail(problem, line=self.vote_row_line(header_line, at))
        extra_at = [i for i, c in enumerate(header) if c not in ("voter_id", "vote", "points")]
        self.votes = Votes(
            voter_ids=voter_ids,
            ballots=ballots,
            points=points,
            extra=tuple((header[at], tuple(map(str.strip, columns[at]))) for at in extra_at),
        )

    def plain_columns(self, width: int) -> list[list[str]] | None:
        """The rest of the file as `width` columns when it is plain, as real files are: no
        quotes, one kind of line end (LF or CRLF), every line `width` fields, nothing after
        VOTES. Then splitting on ";" is what csv does, in a few C-level passes. None
        otherwise: the rows are then read by `csv_columns`."""
        rest = self.text[self.offset:]
        crlf = rest.count("\r\n")
        end = "\r\n" if crlf else "\n"
        lines = rest.split(end)
        if lines[-1] == "":
            lines.pop()
        if ('"' in rest or rest.count("\r") != crlf or (crlf and rest.count("\n") != crlf)
                or set(map(str.count, lines, repeat(";"))) != {width - 1}):
            return None
        self.offset = len(self.text)
        fields = ";".join(lines).split(";")
        return [fields[at::width] for at in range(width)]

    def csv_columns(self, width: int, rows: Iterator[list[str]],
                    problems: list[tuple[int, str]]) -> list[tuple[str, ...]]:
        """The section's rows read by csv, as columns; a row longer than the header is a
        problem, and the rows from it on are dropped."""
        body = list(self.section_rows(rows))
        if body and max(map(len, body)) > width:
            at = next(i for i, row in enumerate(body) if len(row) > width)
            problems.append((at, f"vote row has {len(body[at])} fields, header has {width}"))
            body = body[:at]
        if body and min(map(len, body)) < width:
            body = [row + [""] * (width - len(row)) for row in body]
        return list(zip(*body, strict=True)) if body else [()] * width

    @staticmethod
    def ballots(raw_votes: set[str]) -> dict[str, tuple[str, ...]]:
        """Each distinct vote string as its tuple of project ids (spaces and empty parts
        dropped). Real files have no spaces, so that case is checked once for all of them."""
        joined = "\x00".join(raw_votes)
        # One C-level pass each: no whitespace anywhere (str.split() splits on exactly what
        # str.strip() strips) and no empty part.
        empty_part = "" in raw_votes or any(mark in joined for mark in (",,", ",\x00", "\x00,"))
        if (len(joined.split()) == 1 and not empty_part and not joined.startswith(",")
                and not joined.endswith(",")):
            return dict(zip(raw_votes, map(tuple, map(str.split, raw_votes, repeat(","))),
                            strict=True))
        return {raw: tuple(part.strip() for part in raw.split(",") if part.strip())
                for raw in raw_votes}

    def all_points(self, column: Sequence[str], ballots: tuple[tuple[str, ...], ...]
                   ) -> tuple[tuple[tuple[Money, ...], ...], tuple[int, str] | None]:
        points = []
        for at, (raw, ballot) in enumerate(zip(column, ballots, strict=True)):
            try:
                points.append(self.points(raw, len(ballot)))
            except ValueError as problem:
                return (), (at, str(problem))
        return tuple(points), None

    def vote_row_line(self, header_line: int, at: int) -> int:
        """The line of the `at`-th vote row after the VOTES header at `header_line`."""
        again = _Parser(self.text)
        for _ in again.rows():
            if again.line > header_line:
                if at == 0:
                    return again.line
                at -= 1
        return header_line

    @staticmethod
    def points(raw: str, length: int) -> tuple[Money, ...]:
        try:
            values = tuple(parse_money(part) for part in raw.split(",") if part.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"points {raw!r} are not numbers") from None
        if len(values) != length:
            raise ValueError(f"{len(values)} points for {length} projects")
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
