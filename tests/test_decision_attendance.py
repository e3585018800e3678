"""The attendance a decision was signed with: kept with it, shown on the letter and the case page, sealed."""

from __future__ import annotations

import datetime
import importlib
import io

from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse

from assessments.models import BoardDecision
from audit import tamper
from board import services
from board.models import DecisionAttendee, DecisionRecord
from tests.test_meetings import RECOMMENDED, decision_post, new_meeting, submitted


def _sign_without_medical_oncology(carol_client, alice, carol):
    case = submitted(alice, "Letter Lee")
    meeting = new_meeting(carol)
    services.attendee_add(meeting=meeting, name="Sam Spine", specialty="spine_surgery", user=carol)
    services.attendee_add(meeting=meeting, name="Rita Rays", specialty="radiation_oncology", user=carol)
    carol_client.post(reverse("assessments:board_decide", args=[case.pk]), decision_post(meeting))
    decision = BoardDecision.objects.get(case=case)
    # The medical oncologist arrives after the decision and is added to the meeting's attendance.
    services.attendee_add(meeting=meeting, name="Max Meds", specialty="medical_oncology", user=carol)
    return case, decision


def test_letter_names_those_present_when_signed_not_those_added_later(carol_client, alice, carol):
    _, decision = _sign_without_medical_oncology(carol_client, alice, carol)
    page = carol_client.get(reverse("meetings:decision_letter", args=[decision.pk])).content.decode()
    attendees = page[page.index('id="letter-attendees"') :]
    assert "Sam Spine (Spine surgery)" in attendees and "Rita Rays (Radiation oncology)" in attendees
    assert "Max Meds" not in page
    assert "Not represented: Medical oncology." in page
    assert "Non-quorate meeting" in page
    assert "As recorded when the decision was signed." in page


def test_case_page_shows_the_attendance_as_signed(carol_client, alice, carol):
    case, _ = _sign_without_medical_oncology(carol_client, alice, carol)
    page = carol_client.get(case.get_absolute_url()).content.decode()
    shown = page[page.index('data-testid="decision-attendance"') :]
    shown = shown[: shown.index("</p>")]
    assert "Sam Spine (Spine surgery)" in shown and "Max Meds" not in shown
    assert "not represented:</strong> Medical oncology" in shown


def test_the_attendance_as_signed_is_append_only_and_digested():
    declared = tamper.declaration(DecisionAttendee)
    assert declared is not None and declared.protection is tamper.Protection.APPEND_ONLY


def test_decisions_signed_before_snapshots_get_the_meeting_attendance_marked_as_copied_after_signing(
    carol_client, alice, carol
):
    case = submitted(alice)
    meeting = new_meeting(carol)
    services.attendee_add(meeting=meeting, name="Sam Spine", specialty="spine_surgery", user=carol)
    decision = services.board_decision_record(
        case=case, signed_by=carol, meeting_date=datetime.date(2026, 12, 2), pathway_code=RECOMMENDED,
        other_pathway_text="", reason="", attendees="Sam Spine",
    )  # fmt: skip
    DecisionRecord.objects.create(decision=decision, meeting=meeting, quorate=False)  # as signed before snapshots
    services.attendee_add(meeting=meeting, name="Max Meds", specialty="medical_oncology", user=carol)

    importlib.import_module("board.migrations.0004_attendance_of_signed_decisions").copy_attendance(django_apps, None)

    rows = list(DecisionAttendee.objects.filter(decision=decision))
    assert {row.name for row in rows} == {"Sam Spine", "Max Meds"}
    assert all(row.present and not row.taken_at_signing for row in rows)
    assert DecisionRecord.objects.get(decision=decision).quorate is False  # the quorum stays as signed
    page = carol_client.get(reverse("meetings:decision_letter", args=[decision.pk])).content.decode()
    assert "Copied from the meeting's attendance after this decision was signed" in page
    call_command("verify_audit", stdout=io.StringIO())  # the copied rows are sealed: no alarm
