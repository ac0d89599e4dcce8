"""`python -m shaar.counting`: ids on stdout, JSON on request, errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from shaar.counting import format_pabulib

from .conftest import REPO_ROOT, make_instance


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "shaar.counting", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True)


def write_election(tmp_path: Path) -> Path:
    path = tmp_path / "small.pb"
    path.write_text(format_pabulib(make_instance([60, 50, 40], 100, [[0, 1], [0, 1], [0, 2]])))
    return path


def test_it_prints_selected_ids_one_per_line(tmp_path: Path) -> None:
    done = run_cli(str(write_election(tmp_path)), "--rule", "greedy")
    assert (done.returncode, done.stdout.split()) == (0, ["p0", "p2"])


def test_it_prints_json_with_explanations(tmp_path: Path) -> None:
    done = run_cli(str(write_election(tmp_path)), "--rule", "mes", "--json", "--explain")
    data = json.loads(done.stdout)
    assert data["rule"] == "mes"
    assert len(data["projects"]) == 3


def test_it_reports_a_malformed_file_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "bad.pb"
    path.write_text(write_election(tmp_path).read_text().replace("p0,p1", "p0,p9", 1))
    done = run_cli(str(path), "--rule", "greedy")
    assert done.returncode != 0 and done.stdout == ""
    assert "unknown project 'p9'" in done.stderr and "line" in done.stderr


def test_it_says_when_a_rule_cannot_use_the_ballots(tmp_path: Path) -> None:
    path = tmp_path / "ranked.pb"
    text = write_election(tmp_path).read_text().replace("vote_type;approval", "vote_type;ordinal")
    path.write_text(text)
    done = run_cli(str(path), "--rule", "phragmen")
    assert done.returncode != 0
    assert "ordinal" in done.stderr


def test_it_follows_the_tie_rule_the_file_states_unless_told_otherwise(tmp_path: Path) -> None:
    # a and b tie on votes; only one fits. By id a wins; the file says cost first: b.
    from dataclasses import replace

    instance = make_instance([60, 50], 60, [[0], [1]], ids=["a", "b"])
    path = tmp_path / "tie.pb"
    path.write_text(format_pabulib(replace(instance, meta=(("tie_breaking", "cost"),))))
    assert run_cli(str(path), "--rule", "greedy").stdout.split() == ["b"]
    told = run_cli(str(path), "--rule", "greedy", "--tie-breaking", "order", "--tie-order", "a,b")
    assert told.stdout.split() == ["a"]
    bad = run_cli(str(path), "--rule", "greedy", "--tie-breaking", "price")
    assert bad.returncode == 2 and "price" in bad.stderr
