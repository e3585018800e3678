"""The SQLite UPDATE guard of the audit table, shared by migrations that may rebuild the table.

Django's migration loader skips modules whose names start with an underscore.
"""

SQLITE_GUARD = """CREATE TRIGGER IF NOT EXISTS audit_entry_append_only BEFORE UPDATE ON audit_auditentry
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused');
END"""


def restore_sqlite_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_GUARD, params=None)
