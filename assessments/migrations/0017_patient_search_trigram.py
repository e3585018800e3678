"""On PostgreSQL, a trigram index on ``Patient.search_text``, so ``LIKE '%word%'`` does not read every patient.

PostgreSQL only (SQLite has no GIN index and scans), so the index is made here rather than declared
on the model: the model's state, and so ``makemigrations``, is the same on both databases. Django's
``TrigramExtension`` is not used because its reverse runs on SQLite too and drops the extension,
which other indexes may need; going back removes only this index. ``pg_trgm`` is a trusted extension
(PostgreSQL 13 and later), so the database's owner may create it. Built ``CONCURRENTLY`` (hence
not atomic), so saving a case is not blocked while a large table is indexed.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX = GinIndex(fields=["search_text"], name="patient_search_trgm", opclasses=["gin_trgm_ops"])


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.add_index(apps.get_model("assessments", "Patient"), INDEX, concurrently=True)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("assessments", "Patient"), INDEX, concurrently=True)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("assessments", "0016_patient_search_text_ascii"),
    ]

    operations = [
        migrations.RunPython(add_index, remove_index),
    ]
