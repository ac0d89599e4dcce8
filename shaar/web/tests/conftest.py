"""Fixtures of the web tests' browser checks."""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.fixture(scope="session")
def demo_snapshot(tmp_path_factory) -> Path:
    """Where the seeded demo database is kept, once the first browser test has seeded it."""
    return tmp_path_factory.getbasetemp() / "demo-snapshot.sqlite3"


@pytest.fixture
def demo(demo_snapshot):
    """The demo data, seeded once per session (20-35 s) and copied back in before every
    later browser test, the journeys and the page-by-page check (each transactional test
    empties the database when it ends)."""
    if connection.vendor != "sqlite":
        call_command("seed_demo", stdout=io.StringIO())
        return
    connection.ensure_connection()
    if demo_snapshot.exists():
        with closing(sqlite3.connect(demo_snapshot)) as snapshot:
            snapshot.backup(connection.connection)
        return
    call_command("seed_demo", stdout=io.StringIO())
    with closing(sqlite3.connect(demo_snapshot)) as snapshot:
        connection.connection.backup(snapshot)
