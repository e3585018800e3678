"""The chain head row, and a database guard that refuses to change or delete audit entries.

PostgreSQL: a trigger refuses UPDATE and DELETE of audit rows (TRUNCATE is left
to database privileges: the app's role should not have it; see docs/security.md).
SQLite (development only): a trigger refuses UPDATE; DELETE stays possible
because the test runner empties tables with DELETE between transactional tests.
Someone with the database owner's rights can still drop the triggers: that is
what the hash chain and verify_audit are for.
"""

from django.db import migrations

GUARD = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP;
        END;
        $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER audit_entry_append_only
        BEFORE UPDATE OR DELETE ON audit_auditentry
        FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()""",
    ],
    "sqlite": [
        """CREATE TRIGGER audit_entry_append_only BEFORE UPDATE ON audit_auditentry
        BEGIN
            SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused');
        END""",
    ],
}
UNGUARD = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry",
        "DROP FUNCTION IF EXISTS audit_entry_append_only()",
    ],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_entry_append_only"],
}


def create_head(apps, schema_editor):
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(pk=1)


def add_guard(apps, schema_editor):
    for statement in GUARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def remove_guard(apps, schema_editor):
    for statement in UNGUARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(add_guard, remove_guard),
    ]
