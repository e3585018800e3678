"""Issue 13: a case holds every involved level (``Case.lesions``); existing cases get their one flat lesion.

Versions (``HistoricalCase``) are filled too, so every stored version holds its whole assessment. The
version table is append-only in PostgreSQL (a trigger); this one-off back-fill runs with that trigger
ignored, inside the migration's transaction, and changes no other column.
"""

import pgtrigger
from django.db import migrations, models

LESION_FIELDS = (
    "spinal_level",
    "escc_grade",
    "sins_pain",
    "sins_bone_lesion",
    "sins_alignment",
    "sins_collapse",
    "sins_posterolateral",
    "stability_assessment",
    "retropulsion",
    "prior_radiation_in_field",
)


def _lesions(row):
    return [{**{name: getattr(row, name) for name in LESION_FIELDS}, "index": True}]


def fill_lesions(apps, schema_editor):
    Case = apps.get_model("assessments", "Case")
    HistoricalCase = apps.get_model("assessments", "HistoricalCase")
    for case in Case.objects.only("pk", "lesions", *LESION_FIELDS).iterator():
        if not case.lesions:
            Case.objects.filter(pk=case.pk).update(lesions=_lesions(case), lesion_count=1)
    with pgtrigger.ignore("assessments.HistoricalCase:history_append_only"):
        for row in HistoricalCase.objects.only("pk", "lesions", *LESION_FIELDS).iterator():
            if not row.lesions:
                HistoricalCase.objects.filter(pk=row.pk).update(lesions=_lesions(row), lesion_count=1)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0012_case_identifiers_on_patient"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="lesions",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="case",
            name="lesion_count",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="lesions",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="lesion_count",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.RunPython(fill_lesions, migrations.RunPython.noop),
    ]
