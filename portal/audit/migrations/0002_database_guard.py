"""On PostgreSQL, the database itself refuses to change or remove audit rows (docs/rules.md, "Audit").

Also writes the head of the hash chain. One UPDATE per row passes, the sealing (portal.audit.chain): an
empty `chain_hash` given a value, every other column unchanged; any other UPDATE is refused. DELETE only
for rows older than five years (the register's legal minimum), so the retention job can still drop the
oldest rows; TRUNCATE unless the session declared database maintenance
(`SET portal.audit_maintenance = 'on'`: emptying a test database, never the application). The trigger guards against the application's own mistakes; against a person with
the table owner's rights, the portal's database role should not own the tables (README, "Audit"), and the
hash chain (`manage.py verify_audit`) detects what got through. Other engines rely on the chain alone.
"""

from django.db import migrations

GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_record_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('portal.audit_maintenance', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.chain_hash = '' AND NEW.chain_hash <> ''
            AND to_jsonb(NEW) - 'chain_hash' = to_jsonb(OLD) - 'chain_hash' THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.at < now() - interval '5 years' THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
GUARD = GUARD_FUNCTION + """
CREATE TRIGGER audit_record_no_update BEFORE UPDATE OR DELETE ON audit_auditrecord
    FOR EACH ROW EXECUTE FUNCTION audit_record_guard();
CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_auditrecord
    FOR EACH STATEMENT EXECUTE FUNCTION audit_record_guard();
"""
UNGUARD = """
DROP TRIGGER IF EXISTS audit_record_no_truncate ON audit_auditrecord;
DROP TRIGGER IF EXISTS audit_record_no_update ON audit_auditrecord;
DROP FUNCTION IF EXISTS audit_record_guard();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: RAISE uses %

    return run


def _chain_head(apps, schema_editor):
    """The chain starts here: the sealing job locks this row (portal.audit.chain)."""
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(
        pk=1, defaults={"last_hash": "0" * 64, "anchor_hash": "0" * 64}
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(_on_postgresql(GUARD), _on_postgresql(UNGUARD), elidable=False),
        migrations.RunPython(_chain_head, migrations.RunPython.noop, elidable=False),
    ]
