"""The data migration that separates voters from ballots (0002), run on a database that
holds ballots of the receipt chain: every counted ballot moves, a replaced one does not, old
receipts still check, and a person the old tables let in twice keeps one account slot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from django.conf import settings

SCRIPT = r"""
import datetime, hashlib, hmac, json
import django
django.setup()
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

executor = MigrationExecutor(connection)
before = [("budgeting", "0001_initial"), ("accounts", "0003_role_district_office")]
executor.migrate(before)
old = executor.loader.project_state(before).apps
District = old.get_model("city", "District")
User = old.get_model("accounts", "User")
Verification = old.get_model("accounts", "Verification")
Cycle, Pool = old.get_model("budgeting", "Cycle"), old.get_model("budgeting", "Pool")
Ballot = old.get_model("budgeting", "Ballot")
now = datetime.datetime(2026, 5, 1, tzinfo=datetime.timezone.utc)
district = District.objects.create(code="d1", name_ky="d", name_ru="d", name_en="d")
cycle = Cycle.objects.create(slug="c", name_ky="c", name_ru="c", name_en="c", phase="voting")
names = {"name_ky": "p", "name_ru": "p", "name_en": "p"}
city = Pool.objects.create(cycle=cycle, budget=100, **names)
local = Pool.objects.create(cycle=cycle, district=district, budget=100, **names)
user = User.objects.create(username="u", phone="+996700000001", phone_verified=True)
Verification.objects.create(user=user, method="register", voter_key="k-pin", district=district,
                            verified_at=now)
secret = settings.VOTER_KEY_SECRET.encode()
phone_key = hmac.new(secret, b"phone:+996700000001", hashlib.sha256).hexdigest()
rows = [  # pool, key, projects, channel, current, receipt
    (city, "k-pin", [1], "web", True, "a" * 64),
    (city, "k-other", [2], "web", False, "b" * 64),  # replaced: not counted
    (city, "k-other", [1, 2], "web", True, "c" * 64),
    (local, "k-pin", [3], "paper", True, "d" * 64),
    (city, phone_key, [2], "web", True, "e" * 64),   # the same account, by phone (issue 19)
]
for seq, (pool, key, projects, channel, current, receipt) in enumerate(rows, start=1):
    Ballot.objects.create(pool=pool, voter_key=key, projects=projects, channel=channel,
                          district=district, seq=seq, salt="s", previous_receipt="",
                          receipt=receipt, public_id=f"p{seq}", is_current=current,
                          cast_at=now)
executor = MigrationExecutor(connection)
executor.migrate(executor.loader.graph.leaf_nodes())
from shaar.budgeting import commitment
from shaar.budgeting.models import Ballot, VoterMark
print("RESULT " + json.dumps({
    "marks": sorted([m.pool_id, m.voter_key, m.account_id, m.channel, m.office_id,
                     m.district_cycle_id is not None, str(m.voted_on)]
                    for m in VoterMark.objects.all()),
    "ballots": sorted([b.pool_id, b.projects, b.channel, b.office_id, b.receipt_hash]
                      for b in Ballot.objects.all()),
    "hashes": {r: commitment.receipt_hash(r) for r in ("a" * 64, "c" * 64, "e" * 64)},
    "ids": [city.pk, local.pk, user.pk, district.pk, phone_key],
}))
"""


def test_it_moves_counted_ballots_into_unlinked_marks_and_contents() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/migrate.sqlite3",
               "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "shaar.settings"}
        done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=settings.BASE_DIR,
                              capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    out = json.loads(line[len("RESULT "):])
    city, local, user, district, phone_key = out["ids"]
    hashes = out["hashes"]
    assert out["marks"] == sorted([
        [city, "k-pin", user, "web", None, False, "2026-05-01"],
        [city, "k-other", None, "web", None, False, "2026-05-01"],
        [local, "k-pin", user, "paper", district, True, "2026-05-01"],
        # The second ballot of one account keeps its ballot, not the account slot.
        [city, phone_key, None, "web", None, False, "2026-05-01"],
    ])
    assert out["ballots"] == sorted([
        [city, [1], "web", None, hashes["a" * 64]],
        [city, [1, 2], "web", None, hashes["c" * 64]],
        [local, [3], "paper", district, None],
        [city, [2], "web", None, hashes["e" * 64]],
    ])
