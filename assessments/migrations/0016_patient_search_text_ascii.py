"""Recompute every patient's search text with the current normalisation (each letter spelled in ASCII).

Only ``search_text`` is written, with ``bulk_update`` on the migration's model: no ``save``, so
no history row (the column is not in the history anyway) and ``updated_at`` keeps its value.
"""

import unicodedata

from django.db import migrations

from assessments.search import search_text

BATCH = 2000


def _decomposed(text):
    # The normalisation before anyascii, kept so the migration can be reversed.
    chars = unicodedata.normalize("NFKD", text.casefold())
    kept = (
        c if c.isalnum() else " "
        for c in chars
        if c not in "'\u2019\u2018\u02bc`\u00b4" and not unicodedata.combining(c)
    )
    return " ".join("".join(kept).split())


def _recompute(apps, text_of):
    Patient = apps.get_model("assessments", "Patient")
    changed = []
    for patient in Patient.objects.only("pk", "name", "mrn", "search_text").order_by("pk").iterator(chunk_size=BATCH):
        text = text_of(patient)
        if text != patient.search_text:
            patient.search_text = text
            changed.append(patient)
        if len(changed) >= BATCH:
            Patient.objects.bulk_update(changed, ["search_text"])
            changed = []
    Patient.objects.bulk_update(changed, ["search_text"])


def to_ascii(apps, schema_editor):
    _recompute(apps, lambda p: search_text(patient_name=p.name, mrn=p.mrn))


def to_decomposed(apps, schema_editor):
    _recompute(apps, lambda p: f"{_decomposed(p.name)} {_decomposed(p.mrn)}".strip())


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0015_comment_append_only"),
    ]

    operations = [
        migrations.RunPython(to_ascii, to_decomposed),
    ]
