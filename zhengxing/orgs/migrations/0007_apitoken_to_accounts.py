"""API tokens now belong to accounts (accounts 0001 takes over the table): only orgs' state
forgets the model; the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0006_org_public_ref"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiToken")],
            database_operations=[],
        ),
    ]
