"""Record the keyed digest of every existing row of the clinical record, so verify_audit holds each one to it.

Rows written from now on get their digest in the audit entry of the write
(``audit.services``); rows already in the database get it here, in ``audit.seal``
entries of at most 1,000 rows each. A new database has no rows: nothing is written.
"""

from django.db import migrations


def seal_existing_rows(apps, schema_editor):
    # The live models and write path, not the migration state: the digest must be exactly
    # the one verify_audit computes, and the entries must join the keyed chain.
    from audit.services import records_seal_all

    records_seal_all()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_seal_and_plan_audit_actions"),
        # After every migration that rewrites rows of the record (0016 recomputes the search text in bulk).
        ("assessments", "0017_patient_search_trigram"),
        ("meetings", "0002_plan_actions_ticks_append_only"),
    ]

    operations = [migrations.RunPython(seal_existing_rows, migrations.RunPython.noop)]
