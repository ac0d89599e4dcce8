"""Reading and writing Pabulib files: errors name the line, writing then reading is lossless."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from shaar.counting import (
    PabulibError,
    format_pabulib,
    parse_pabulib,
    read_pabulib,
    write_pabulib,
)
from shaar.counting.pabulib import format_money, parse_money

GOOD = '''META
key;value
description;Test
budget;100
vote_type;approval
PROJECTS
project_id;cost;name;category
1;60;"Park; with ""quotes""";green
2;50.5;School;education
VOTES
voter_id;vote;age
a;1,2;30
b;2;
'''


def test_it_reads_sections_quotes_and_exact_costs() -> None:
    instance = parse_pabulib(GOOD)
    assert instance.budget == 100
    assert [p.id for p in instance.projects] == ["1", "2"]
    assert instance.projects[0].name == 'Park; with "quotes"'
    assert instance.projects[0].category == "green"
    assert instance.projects[1].cost == Fraction(101, 2)
    assert instance.votes.ballots == (("1", "2"), ("2",))
    assert dict(instance.votes.extra) == {"age": ("30", "")}
    assert instance.meta_value("description") == "Test"


def test_it_reads_cumulative_points() -> None:
    text = GOOD.replace("vote_type;approval", "vote_type;cumulative").replace(
        "voter_id;vote;age\na;1,2;30\nb;2;", "voter_id;vote;points\na;1,2;3,1.5\nb;2;4")
    instance = parse_pabulib(text)
    assert instance.votes.points == ((3, Fraction(3, 2)), (4,))


@pytest.mark.parametrize(
    ("change", "line", "problem"),
    [
        (("VOTES\nvoter_id;vote;age\na;1,2;30\nb;2;\n", ""), 0, "missing section VOTES"),
        (("META\n", "METADATA\n"), 1, "expected META, PROJECTS or VOTES"),
        (("PROJECTS", "PROJECTZ"), 7, "META row has more than two fields"),
        (("a;1,2;30", "a;1,7;30"), 12, "unknown project '7'"),
        (("2;50.5;School", "2;fifty;School"), 9, "cost 'fifty' of project '2' is not a number"),
        (("b;2;", "a;2;"), 13, "duplicate voter id 'a'"),
        (("budget;100\n", ""), 0, "budget missing"),
        (("budget;100", "budget;lots"), 0, "budget 'lots' is not a number"),
        (("2;50.5;School", "1;50.5;School"), 9, "duplicate project id '1'"),
        (("project_id;cost;", "project_id;price;"), 7, "no cost column"),
        (("voter_id;vote;age", "voter;vote;age"), 11, "no voter_id column"),
        (("vote_type;approval", "vote_type;magic"), 0, "unknown vote_type 'magic'"),
        (("b;2;", "b;2;;;"), 13, "vote row has 5 fields"),
    ],
)
def test_it_names_the_line_and_problem_of_a_malformed_file(
    change: tuple[str, str], line: int, problem: str
) -> None:
    with pytest.raises(PabulibError) as caught:
        parse_pabulib(GOOD.replace(*change))
    assert caught.value.line == line
    assert problem in caught.value.problem


def test_it_refuses_votes_before_projects() -> None:
    meta, rest = GOOD.split("PROJECTS\n")
    projects, votes = rest.split("VOTES\n")
    with pytest.raises(PabulibError, match="before the PROJECTS"):
        parse_pabulib(meta + "VOTES\n" + votes + "PROJECTS\n" + projects)


def test_it_round_trips_a_written_file() -> None:
    instance = parse_pabulib(GOOD)
    assert parse_pabulib(format_pabulib(instance)) == instance


@pytest.mark.parametrize("text", ["0", "12", "12.5", "0.125", "-3.75", "1,5"])
def test_it_writes_money_as_it_reads_it(text: str) -> None:
    value = parse_money(text)
    assert parse_money(format_money(value)) == value
    assert isinstance(value, int | Fraction)


def test_it_refuses_to_write_a_non_decimal_amount() -> None:
    with pytest.raises(ValueError):
        format_money(Fraction(1, 3))


# Every vote type, quoted names, CRLF files, and the largest choose-1 file.
ROUND_TRIP = [
    "France_Toulouse_2019.pb",
    "Poland_Wroclaw_2015_150_-_500.pb",
    "Netherlands_Assen_2024.pb",
    "Poland_Wieliczka_2023_Green_Budget.pb",
    "US_Stanford_Dataset_PB_Chicago_35th_Ward_2021_vote_rankings.pb",
    "Worldwide_Mechanical_Turk_Knapsack_3.pb",
    "Switzerland_Zurich_D5.pb",
]


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_it_round_trips_shared_files(shared_dir: Path, name: str, tmp_path: Path) -> None:
    path = shared_dir / name
    if not path.exists():
        pytest.skip(f"{name} is not in {shared_dir}")
    instance = read_pabulib(path)
    assert instance.num_voters > 0
    written = tmp_path / name
    write_pabulib(instance, written)
    assert read_pabulib(written) == instance


def test_it_reads_every_vote_type_in_the_shared_folder(shared_dir: Path) -> None:
    seen = {"approval"}
    types: set[str] = set()
    for path in shared_dir.glob("*.pb"):
        with path.open(encoding="utf-8-sig") as handle:
            head = handle.read(4000)
        for vote_type in ("cumulative", "ordinal", "choose-1"):
            if f"vote_type;{vote_type}" in head and vote_type not in types:
                types.add(vote_type)
                seen.add(read_pabulib(path).vote_type)
    assert {"approval", "cumulative", "ordinal", "choose-1"} <= seen


@pytest.mark.parametrize("variant", [
    lambda text: text.replace("\n", "\r\n"),  # CRLF: still plain
    lambda text: text.replace("b;2;", 'b;"2";'),  # quotes: read by csv
    lambda text: text.replace("a;1,2;30", "a;1,2;30\r"),  # mixed line ends: read by csv
    lambda text: text + "\n\n",  # blank lines: read by csv
    lambda text: text.replace("b;2;", "b;2"),  # a short row: read by csv
])
def test_it_reads_plain_and_csv_votes_alike(variant: Any) -> None:
    assert parse_pabulib(variant(GOOD)) == parse_pabulib(GOOD)


def test_it_reads_a_section_after_the_votes() -> None:
    meta, rest = GOOD.split("PROJECTS\n")
    assert parse_pabulib("PROJECTS\n" + rest + meta) == parse_pabulib(GOOD)
