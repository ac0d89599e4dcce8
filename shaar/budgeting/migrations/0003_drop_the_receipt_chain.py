"""The receipt chain's tables and the pool's chain head, now that 0002 moved the ballots."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("budgeting", "0002_separate_voters_from_ballots"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='ballot',
            name='one_ballot_per_voter',
        ),
        migrations.RemoveConstraint(
            model_name='ballot',
            name='unique_ballot_seq',
        ),
        migrations.RemoveField(
            model_name='pool',
            name='ballot_seq',
        ),
        migrations.RemoveField(
            model_name='pool',
            name='last_receipt',
        ),
        migrations.DeleteModel(
            name='Ballot',
        ),
        migrations.RenameModel("NewBallot", "Ballot"),
        migrations.AlterField(
            model_name="ballot",
            name="pool",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="ballots", to="budgeting.pool"),
        ),
    ]
