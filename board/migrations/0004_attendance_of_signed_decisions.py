"""Give each decision signed before attendance snapshots existed the attendance its meeting holds now.

Those rows are marked ``taken_at_signing=False``: copied after signing, so the letter and the case page
say so. Only the people recorded as present are copied; no "nobody present" rows are invented, because
which specialties were missing at signing is known only as the quorum flag the decision already kept
(``DecisionRecord.quorate``). The new rows are then sealed like every other row of the record.
"""

from django.db import migrations


def copy_attendance(apps, schema_editor):
    DecisionRecord = apps.get_model("meetings", "DecisionRecord")
    DecisionAttendee = apps.get_model("meetings", "DecisionAttendee")
    Attendee = apps.get_model("meetings", "Attendee")
    rows = []
    for record in DecisionRecord.objects.filter(meeting__isnull=False).order_by("pk"):
        if DecisionAttendee.objects.filter(decision_id=record.decision_id).exists():
            continue
        for attendee in Attendee.objects.filter(meeting_id=record.meeting_id).order_by("specialty", "name", "pk"):
            rows.append(
                DecisionAttendee(
                    decision_id=record.decision_id,
                    name=attendee.name,
                    specialty=attendee.specialty,
                    present=True,
                    taken_at_signing=False,
                )
            )
    if not rows:
        return
    DecisionAttendee.objects.bulk_create(rows)
    # The live write path, as audit/migrations/0007 does: the digests verify_audit will check.
    from audit.services import records_seal_all

    records_seal_all()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_decision_attendance"),
        ("audit", "0007_seal_clinical_records"),
    ]

    operations = [migrations.RunPython(copy_attendance, migrations.RunPython.noop)]
