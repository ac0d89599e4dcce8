"""The restore drill of the voting period: cast ballots (online and paper), count, back up,
restore into a fresh database; ballot counts, the receipt chain and the published results
must be identical, and the live database untouched."""

from __future__ import annotations

import json

import pytest

from shaar.accounts.models import Role
from shaar.budgeting import actions, integrity
from shaar.lib.testing import make_pin, make_resident, make_staff
from shaar.ops.backup import backup, restore, temporary_alias
from shaar.ops.tests.test_backup import _skip_without_pg_tools, fresh_database  # noqa: F401

from .factories import make_voting_cycle

pytestmark = pytest.mark.django_db(transaction=True)


def test_ballots_receipts_and_results_survive_a_restore(tmp_path, fresh_database) -> None:  # noqa: F811
    _skip_without_pg_tools()
    _cycle, city, local, city_projects, local_projects = make_voting_cycle()
    for n in range(12):
        voter = actions.voter_for_user(make_resident(district=local.district), city)
        actions.ballot_cast(pool=city, voter=voter, project_ids=[city_projects[n % 3].pk])
    staff = make_staff(Role.CITY_ADMIN)
    for _n in range(3):
        actions.paper_ballot_enter(staff=staff, pool=local, pin=make_pin(),
                                   project_ids=[local_projects[0].pk])
    actions.pool_count(pool=city)
    actions.pool_count(pool=local)
    live = {name: check("default") for name, check in (
        ("counts", integrity.ballot_counts), ("chain", integrity.receipt_chain),
        ("results", integrity.published_results))}
    assert live["counts"] == {str(city.pk): 12, str(local.pk): 3}
    assert all(chain["valid"] for chain in live["chain"].values())
    assert set(live["results"]) == {str(city.pk), str(local.pk)}

    result = backup(output_dir=tmp_path / "backups", include_media=False)
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert manifest["integrity"]["budgeting.ballot_counts"] == live["counts"]
    restore(path=result.path, target_db=fresh_database, media_root=None, include_media=False)

    with temporary_alias(fresh_database) as alias:
        assert integrity.ballot_counts(alias) == live["counts"]
        assert integrity.receipt_chain(alias) == live["chain"]
        assert integrity.published_results(alias) == live["results"]
    assert integrity.ballot_counts("default") == live["counts"]


def test_a_tampered_chain_is_reported() -> None:
    _cycle, city, local, city_projects, _local_projects = make_voting_cycle()
    for n in range(3):
        voter = actions.voter_for_user(make_resident(district=local.district), city)
        actions.ballot_cast(pool=city, voter=voter, project_ids=[city_projects[n].pk])
    assert integrity.receipt_chain("default")[str(city.pk)]["valid"]
    ballot = city.ballots.order_by("seq")[1]
    ballot.projects = [city_projects[2].pk]
    ballot.save(update_fields=["projects"])
    assert not integrity.receipt_chain("default")[str(city.pk)]["valid"]
