"""Who voted and what was voted, kept apart (ARCHITECTURE.md, "Identity and ballots").

The receipt chain stored each ballot's contents with its voter key, its place in the casting
order and its time. This migration moves each counted ballot into two unrelated rows: a
`VoterMark` (pool, voter key, the account when one holds that key, channel, district) and a
`Ballot` (a random id, the contents, and the hash of the receipt the voter already holds, so
an old receipt can still be checked). Replaced online ballots, which were not counted, are
not moved. Where the old tables let one person in twice (a phone key and a PIN key for one
account, or one key in several district pools: issue 19), the extra mark keeps its ballot
but not the account or the district-pool slot, so the new constraints hold; such pools are
listed in the migration's output.

Irreversible by design: going back would need the link between voter keys and ballots that
this migration removes.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import hashlib
import hmac
import uuid
from django.conf import settings
from django.db import migrations, models



def receipt_hash(code):
    return hashlib.sha256(f"receipt:{code.strip().upper()}".encode()).hexdigest()


def accounts_by_voter_key(apps):
    """Voter keys of verified accounts: PIN keys as stored, phone keys recomputed."""
    Verification = apps.get_model("accounts", "Verification")
    keys = {}
    secret = settings.VOTER_KEY_SECRET.encode()
    rows = Verification.objects.values_list("voter_key", "method", "user_id", "user__phone",
                                            "user__phone_verified")
    for key, method, user_id, phone, phone_verified in rows.iterator():
        if key:
            keys[key] = user_id
        elif method == "phone" and phone and phone_verified:
            phone_key = hmac.new(secret, f"phone:{phone}".encode(), hashlib.sha256).hexdigest()
            keys[phone_key] = user_id
    return keys


def separate(apps, schema_editor):
    ChainedBallot = apps.get_model("budgeting", "Ballot")
    Ballot = apps.get_model("budgeting", "NewBallot")
    VoterMark = apps.get_model("budgeting", "VoterMark")
    accounts = accounts_by_voter_key(apps)
    seen_accounts, seen_district_keys, seen_district_accounts = set(), set(), set()
    marks, ballots, clashes = [], [], set()
    rows = (ChainedBallot.objects.filter(is_current=True).order_by("pool_id", "seq")
            .values_list("pool_id", "pool__cycle_id", "pool__district_id", "voter_key",
                         "projects", "channel", "district_id", "receipt", "cast_at"))
    for pool_id, cycle_id, pool_district, key, projects, channel, district, receipt, cast_at \
            in rows.iterator():
        account = accounts.get(key)
        if account is not None and (pool_id, account) in seen_accounts:
            account = None
            clashes.add(pool_id)
        district_cycle = cycle_id if pool_district else None
        if district_cycle and ((cycle_id, key) in seen_district_keys
                               or (account and (cycle_id, account) in seen_district_accounts)):
            district_cycle = None
            clashes.add(pool_id)
        seen_accounts.add((pool_id, account))
        if district_cycle:
            seen_district_keys.add((cycle_id, key))
            seen_district_accounts.add((cycle_id, account))
        paper_office = (district or pool_district) if channel == "paper" else None
        marks.append(VoterMark(pool_id=pool_id, district_cycle_id=district_cycle, voter_key=key,
                               account_id=account, channel=channel, district_id=district,
                               office_id=paper_office, voted_on=cast_at.date()))
        ballots.append(Ballot(id=uuid.uuid4(), pool_id=pool_id, projects=projects,
                              channel=channel, office_id=paper_office,
                              receipt_hash=receipt_hash(receipt) if channel == "web" else None))
    # Marks and ballots are written in unrelated orders: ballots by their random id.
    VoterMark.objects.bulk_create(marks, batch_size=1000)
    ballots.sort(key=lambda b: b.id)
    Ballot.objects.bulk_create(ballots, batch_size=1000)
    if clashes:
        print(f"\n  budgeting: pools where one person had voted twice: {sorted(clashes)}")


class Migration(migrations.Migration):

    dependencies = [
        ("budgeting", "0001_initial"),
        ("accounts", "0003_role_district_office"),
        ("city", "0003_currency_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Named NewBallot until 0003 drops the old table: SQLite keeps index names across a
        # table rename, so the old and the new table cannot both be "ballot" here.
        migrations.CreateModel(
            name='NewBallot',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('projects', models.JSONField(default=list)),
                ('channel', models.CharField(choices=[('web', 'online'), ('paper', 'paper, at a district office')], max_length=10)),
                ('receipt_hash', models.CharField(blank=True, max_length=64, null=True, unique=True)),
                ('change_hash', models.CharField(blank=True, max_length=64, null=True, unique=True)),
            ],
            options={
                'verbose_name': 'ballot',
                'verbose_name_plural': 'ballots',
                'ordering': ['pool', 'id'],
            },
        ),
        migrations.CreateModel(
            name='PaperEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sheet', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='sheet number')),
                ('first_projects', models.JSONField(default=list)),
                ('second_projects', models.JSONField(blank=True, null=True)),
                ('status', models.CharField(choices=[('first', 'waiting for the second entry'), ('mismatch', 'the two entries differ'), ('agreed', 'agreed')], default='first', max_length=10)),
                ('spoiled', models.BooleanField(default=False)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'paper ballot entry',
                'verbose_name_plural': 'paper ballot entries',
                'ordering': ['pool', 'office', 'sheet'],
            },
        ),
        migrations.CreateModel(
            name='VoterMark',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('voter_key', models.CharField(max_length=64)),
                ('channel', models.CharField(choices=[('web', 'online'), ('paper', 'paper, at a district office')], max_length=10)),
                ('voted_on', models.DateField(default=django.utils.timezone.localdate)),
            ],
            options={
                'verbose_name': 'voter mark',
                'verbose_name_plural': 'voter marks',
            },
        ),
        migrations.AddField(
            model_name='pool',
            name='commitment',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='pool',
            name='minimum_percent',
            field=models.PositiveSmallIntegerField(default=0, help_text="If set, a project also needs this share of the pool's ballots.", validators=[django.core.validators.MaxValueValidator(100)], verbose_name='minimum share of ballots to win (%)'),
        ),
        migrations.AddField(
            model_name='pool',
            name='minimum_votes',
            field=models.PositiveIntegerField(default=1, help_text='A project with fewer votes is not funded, whatever money is left.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='minimum votes to win'),
        ),
        migrations.AddField(
            model_name='pool',
            name='sealed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='pool',
            name='tie_breaking',
            field=models.CharField(choices=[('votes,cost,order', 'more votes, then lower cost, then a public draw'), ('cost,order', 'lower cost, then a public draw'), ('order', 'a public draw')], default='votes,cost,order', max_length=30, verbose_name='tie rule'),
        ),
        migrations.AddField(
            model_name='newballot',
            name='office',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='city.district'),
        ),
        migrations.AddField(
            model_name='newballot',
            name='pool',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='budgeting.pool'),
        ),
        migrations.AddField(
            model_name='paperentry',
            name='first_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='paperentry',
            name='office',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='city.district'),
        ),
        migrations.AddField(
            model_name='paperentry',
            name='pool',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='paper_entries', to='budgeting.pool'),
        ),
        migrations.AddField(
            model_name='paperentry',
            name='resolved_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='paperentry',
            name='second_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='votermark',
            name='account',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='votermark',
            name='checked_in_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='votermark',
            name='district',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='city.district'),
        ),
        migrations.AddField(
            model_name='votermark',
            name='district_cycle',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='budgeting.cycle'),
        ),
        migrations.AddField(
            model_name='votermark',
            name='office',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='city.district'),
        ),
        migrations.AddField(
            model_name='votermark',
            name='pool',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='voter_marks', to='budgeting.pool'),
        ),
        migrations.AddConstraint(
            model_name='paperentry',
            constraint=models.UniqueConstraint(fields=('pool', 'office', 'sheet'), name='one_entry_per_sheet'),
        ),
        migrations.AddConstraint(
            model_name='votermark',
            constraint=models.UniqueConstraint(fields=('pool', 'voter_key'), name='one_mark_per_voter_key'),
        ),
        migrations.AddConstraint(
            model_name='votermark',
            constraint=models.UniqueConstraint(condition=models.Q(('account__isnull', False)), fields=('pool', 'account'), name='one_mark_per_account'),
        ),
        migrations.AddConstraint(
            model_name='votermark',
            constraint=models.UniqueConstraint(condition=models.Q(('district_cycle__isnull', False)), fields=('district_cycle', 'voter_key'), name='one_district_pool_per_voter_key'),
        ),
        migrations.AddConstraint(
            model_name='votermark',
            constraint=models.UniqueConstraint(condition=models.Q(('account__isnull', False), ('district_cycle__isnull', False)), fields=('district_cycle', 'account'), name='one_district_pool_per_account'),
        ),
        migrations.RunPython(separate, reverse_code=None, elidable=False),
    ]
