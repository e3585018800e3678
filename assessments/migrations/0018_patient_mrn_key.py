"""Hospital numbers are compared trimmed and case-folded: each patient gets its MRN key, and records that
would now be one are reported, never merged.

Two records whose MRNs differ only in case or surrounding spaces ("NC-1001" and "nc-1001") may be
one person or two (a typing slip, or two numbering schemes). Merging them is a clinical decision,
so this migration does not: the oldest gets the key (new cases typed in any other spelling join
it), the others keep their exact MRN and no key (found by that exact MRN, as before), and each
group is printed by patient id for someone to review. No MRN or name is printed: a migration's
output ends up in deployment logs. The patient rows are not changed.
"""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

from assessments.search import mrn_key

BATCH = 2000


def add_keys(apps, schema_editor):
    Patient = apps.get_model("assessments", "Patient")
    PatientMrnKey = apps.get_model("assessments", "PatientMrnKey")
    groups = defaultdict(list)
    for pk, mrn in Patient.objects.order_by("pk").values_list("pk", "mrn").iterator(chunk_size=BATCH):
        groups[mrn_key(mrn)].append(pk)
    PatientMrnKey.objects.bulk_create(
        (PatientMrnKey(patient_id=pks[0], key=key) for key, pks in groups.items()), batch_size=BATCH
    )
    shared = [pks for pks in groups.values() if len(pks) > 1]
    for pks in shared:
        others = ", ".join(str(pk) for pk in pks[1:])
        print(
            f"\n  Patient {pks[0]} and patient(s) {others}: hospital numbers equal after trimming and case-folding."
            f" Not merged; new cases join patient {pks[0]} unless they name another's exact MRN."
        )
    if shared:
        print(f"\n  {len(shared)} group(s) of patient records to review (docs/security.md, 'One patient, one MRN').")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0017_patient_search_trigram"),
    ]

    operations = [
        migrations.CreateModel(
            name="PatientMrnKey",
            fields=[
                (
                    "patient",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="mrn_key",
                        serialize=False,
                        to="assessments.patient",
                    ),
                ),
                ("key", models.CharField(max_length=60, unique=True)),
            ],
        ),
        migrations.RunPython(add_keys, migrations.RunPython.noop),
    ]
