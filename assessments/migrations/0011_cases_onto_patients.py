"""Issue 13a: today's cases become episodes of one patient per hospital number.

Cases with the same MRN (as stored, spaces trimmed) become one patient's episodes. The
patient record takes the newest case's name, date of birth and sex (the latest the
hospital told us); every other value seen for that MRN, on another case or on an earlier
version of a case, is kept as a ``PatientRecordConflict`` row and printed, never merged
silently (names that differ only in case, accents or apostrophes are the same name). Cases, their stored results (with their rule set) and their versions are not
touched: only ``Case.patient`` is set (an UPDATE of the case table; the append-only
history table is not written). See docs/decisions/0008-patients-teams-handover.md.
"""

from collections import defaultdict

from django.db import migrations

from assessments.search import normalise, search_text

# The MRN too: an earlier version of a case may have carried another one (a typo corrected since).
COMPARED = ("mrn", "patient_name", "date_of_birth", "sex")
PATIENT_FIELD = {"mrn": "mrn", "patient_name": "name", "date_of_birth": "date_of_birth", "sex": "sex"}


def _same(name, value, kept):
    # Names differing only in case, accents or apostrophes are one name (as when a new case is saved).
    if name == "mrn":
        return value.strip() == kept.strip()
    return normalise(value) == normalise(kept) if name == "patient_name" else value == kept


def _text(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def cases_onto_patients(apps, schema_editor):
    Case = apps.get_model("assessments", "Case")
    HistoricalCase = apps.get_model("assessments", "HistoricalCase")
    Patient = apps.get_model("assessments", "Patient")
    Conflict = apps.get_model("assessments", "PatientRecordConflict")
    by_mrn = defaultdict(list)
    fields = ("pk", "mrn", "patient_name", "date_of_birth", "sex", "updated_at")
    for case in Case.objects.only(*fields).order_by("-updated_at", "-pk").iterator():
        by_mrn[case.mrn.strip()].append(case)  # newest first
    reported = 0
    for mrn, cases in by_mrn.items():
        newest = cases[0]
        patient = Patient.objects.create(
            mrn=mrn,
            name=newest.patient_name,
            date_of_birth=newest.date_of_birth,
            sex=newest.sex,
            search_text=search_text(patient_name=newest.patient_name, mrn=mrn),
        )
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(patient=patient)
        kept = {**{name: _text(getattr(newest, name)) for name in COMPARED}, "mrn": mrn}
        seen = set()
        for case in cases:
            seen |= {(case.pk, name, _text(getattr(case, name)), False) for name in COMPARED}
        versions = HistoricalCase.objects.filter(id__in=[c.pk for c in cases]).values_list("id", *COMPARED)
        for case_id, *values in versions.iterator():
            for name, value in zip(COMPARED, values, strict=True):
                if (case_id, name, _text(value), False) not in seen:
                    seen.add((case_id, name, _text(value), True))
        rows = [
            Conflict(patient=patient, case_id=case_id, field=PATIENT_FIELD[name], kept=kept[name], found=value,
                     from_version=from_version)
            for case_id, name, value, from_version in sorted(seen, key=lambda s: (s[1], s[0], s[3], s[2]))
            if not _same(name, value, kept[name])
        ]  # fmt: skip
        Conflict.objects.bulk_create(rows)
        if rows:
            reported += 1
            # Ids and field names only: a migration's output ends up in deployment logs.
            fields_text = ", ".join(sorted({row.field for row in rows}))
            cases_text = ", ".join(str(i) for i in sorted({row.case_id for row in rows}))
            print(
                f"\n  Patient {patient.pk}: {fields_text} differ between cases ({cases_text}); kept the newest case's."
            )
    if reported:
        print(f"\n  {reported} patient record(s) with conflicting details; see them on each patient's page.")


def patients_back_onto_cases(apps, schema_editor):
    # Reverse of the move: the identifiers are written back onto each case by 0012's reverse.
    Case = apps.get_model("assessments", "Case")
    Case.objects.update(patient=None)
    apps.get_model("assessments", "PatientRecordConflict").objects.all().delete()
    apps.get_model("assessments", "Patient").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_patients_care_teams_handover"),
    ]

    operations = [
        migrations.RunPython(cases_onto_patients, patients_back_onto_cases),
    ]
