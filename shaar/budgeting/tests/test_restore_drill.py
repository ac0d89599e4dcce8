"""The restore drill of the voting period: cast ballots (online and paper), count, back up,
restore into a fresh database; ballot counts, the ballots' commitment and the published results
must be identical, and the live database untouched."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.test import TestCase, TransactionTestCase

from shaar.budgeting import actions, integrity
from shaar.budgeting.models import Cycle, Phase
from shaar.ops.backup import backup, restore, temporary_alias
from shaar.ops.tests.test_backup import fresh_database, skip_without_pg_tools
from shaar.testing import make_pin, make_resident

from .factories import make_office_staff, make_voting_cycle, paper_vote


class RestoreDrillTests(TransactionTestCase):
    """The backup is read from outside the test's connection: the rows must be committed."""

    def test_ballots_receipts_and_results_survive_a_restore(self) -> None:
        skip_without_pg_tools(self)
        tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))
        target = self.enterContext(fresh_database(tmp))
        _cycle, city, local, city_projects, local_projects = make_voting_cycle()
        for n in range(12):
            voter = actions.voter_for_user(make_resident(district=local.district), city)
            actions.ballot_cast(pool=city, voter=voter, project_ids=[city_projects[n % 3].pk])
        clerks = (make_office_staff(local.district), make_office_staff(local.district))
        for n in range(3):
            paper_vote(local, local.district, make_pin(), [local_projects[0].pk], sheet=n + 1,
                       staff=clerks)
        Cycle.objects.filter(pk=_cycle.pk).update(phase=Phase.COUNTING)
        _cycle.refresh_from_db()
        actions.cycle_count(cycle=_cycle)
        live: dict[str, Any] = {name: check("default") for name, check in (
            ("counts", integrity.ballot_counts), ("chain", integrity.ballot_commitments),
            ("results", integrity.published_results))}
        self.assertEqual(live["counts"], {str(city.pk): 12, str(local.pk): 3})
        self.assertTrue(all(chain["valid"] for chain in live["chain"].values()))
        self.assertEqual(set(live["results"]), {str(city.pk), str(local.pk)})

        result = backup(output_dir=tmp / "backups", include_media=False)
        manifest = json.loads((result.path / "manifest.json").read_text())
        self.assertEqual(manifest["integrity"]["budgeting.ballot_counts"], live["counts"])
        restore(path=result.path, target_db=target, media_root=None, include_media=False)

        with temporary_alias(target) as alias:
            self.assertEqual(integrity.ballot_counts(alias), live["counts"])
            self.assertEqual(integrity.ballot_commitments(alias), live["chain"])
            self.assertEqual(integrity.published_results(alias), live["results"])
        self.assertEqual(integrity.ballot_counts("default"), live["counts"])


class SealTests(TestCase):
    def test_a_ballot_altered_after_the_seal_is_reported(self) -> None:
        cycle, city, local, city_projects, _local_projects = make_voting_cycle()
        for n in range(3):
            voter = actions.voter_for_user(make_resident(district=local.district), city)
            actions.ballot_cast(pool=city, voter=voter, project_ids=[city_projects[n].pk])
        Cycle.objects.filter(pk=cycle.pk).update(phase=Phase.COUNTING)
        actions.pool_seal(pool=city)
        self.assertTrue(integrity.ballot_commitments("default")[str(city.pk)]["valid"])
        ballot = city.ballots.order_by("pk")[1]
        ballot.projects = [city_projects[2].pk if ballot.projects != [city_projects[2].pk]
                           else city_projects[0].pk]
        ballot.save(update_fields=["projects"])
        self.assertFalse(integrity.ballot_commitments("default")[str(city.pk)]["valid"])
