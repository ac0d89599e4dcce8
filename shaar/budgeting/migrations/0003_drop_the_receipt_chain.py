"""The receipt chain's tables and the pool's chain head, now that 0002 moved the ballots."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("budgeting", "0002_separate_voters_from_ballots"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='chainedballot',
            name='one_ballot_per_voter',
        ),
        migrations.RemoveConstraint(
            model_name='chainedballot',
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
            name='ChainedBallot',
        ),
    ]
