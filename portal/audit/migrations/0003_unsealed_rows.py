"""Rows are written unsealed (empty `chain_hash`) and sealed later in id order (portal.audit.chain).

The chain follows ids, so `previous_hash` is no longer stored; ids now come from the sequence, moved past
the rows written before with explicit ids.
"""

from importlib import import_module

from django.db import migrations, models

RESTART_SEQUENCE = """
SELECT setval(pg_get_serial_sequence('audit_auditrecord', 'id'), COALESCE(MAX(id), 0) + 1, false)
FROM audit_auditrecord
"""


def _restart_sequence_and_guard(apps, schema_editor):
    """Databases that ran 0002 before it accepted the sealing get its current guard function too."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTART_SEQUENCE)
        guard = import_module("portal.audit.migrations.0002_database_guard")
        schema_editor.execute(guard.GUARD_FUNCTION, params=None)  # no placeholders: RAISE uses %


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_database_guard")]

    operations = [
        migrations.RemoveField(model_name="auditrecord", name="previous_hash"),
        migrations.AlterField(
            model_name="auditrecord",
            name="chain_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddConstraint(
            model_name="auditrecord",
            constraint=models.UniqueConstraint(
                condition=models.Q(("chain_hash", ""), _negated=True),
                fields=("chain_hash",),
                name="audit_chain_hash_unique",
            ),
        ),
        migrations.RunPython(_restart_sequence_and_guard, migrations.RunPython.noop, elidable=False),
    ]
