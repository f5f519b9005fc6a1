# The link between designations and accounts becomes an explicit model (PROTECT on both sides) on the
# same table and columns as the automatic one: only Django's state changes, the database does not.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("roster", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="DesignationAccount",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("account", models.ForeignKey(db_column="officialaccount_id", on_delete=django.db.models.deletion.PROTECT, related_name="+", to="roster.officialaccount")),
                        ("designation", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="roster.designation")),
                    ],
                    options={
                        "verbose_name": "compte de la désignation",
                        "verbose_name_plural": "comptes de la désignation",
                        "db_table": "roster_designation_accounts",
                        "unique_together": {("designation", "account")},
                    },
                ),
                migrations.AlterField(
                    model_name="designation",
                    name="accounts",
                    field=models.ManyToManyField(related_name="designations", through="roster.DesignationAccount", to="roster.officialaccount", verbose_name="comptes officiels"),
                ),
            ],
        ),
    ]
