"""The audit trail of one case's whole life, taken through the web pages as its users would, against a snapshot.

alice creates a case and sends it to the board; carol creates a meeting (its agenda takes the case),
records the attendance, opens meeting mode and signs the decision there with a plan and an action,
then corrects it; alice ticks her action off, records the treatment start and the 30-day follow-up,
and closes the case. Each page is followed where the browser would go, so the trail holds the views
too. An entry dropped, added, reordered or written for another object or actor changes the snapshot.

Ids are numbered by first appearance per object type (``assessments.case#1``), in the targets and in
the details that name other objects, so the snapshot is the same on SQLite and PostgreSQL.

Update after a deliberate change: ``pytest tests/test_audit_golden.py --snapshot-update``, then read
the diff.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts import roles
from assessments.models import BoardDecision, Case, CaseStatus
from audit.models import AuditEntry
from board.models import Action, Meeting
from tests.conftest import PASSWORD, make_user
from tests.factories import form_post
from tests.test_page_snapshots import restart_sequences

NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)
RECOMMENDED = "separation_surgery_sbrt"
# Details that hold the id of another object, and that object's type (as ``target_type`` names it).
DETAIL_IDS = {
    "decision": "assessments.boarddecision",
    "supersedes": "assessments.boarddecision",
    "handover": "assessments.casehandover",
    "team": "assessments.careteam",
    "previous_team": "assessments.careteam",
    "to_user": "auth.user",
    "from_user": "auth.user",
    "meeting": "meetings.meeting",
    "to": "meetings.meeting",
    "action": "meetings.action",
}


def signed_in(username: str) -> Client:
    """A browser that signed in through the login page."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"{username} could not sign in"
    return client


def ok(response) -> None:
    """The last page of a followed post answered 200 (a refused form would answer 4xx)."""
    assert response.status_code == 200, getattr(response, "redirect_chain", response)


def decision_post(meeting: Meeting | None, *, pathway: str, reason: str = "", **extra: str) -> dict[str, str]:
    return {
        "pathway_code": pathway,
        "other_pathway_text": "",
        "reason": reason,
        "attendees": "Sam Spine (spine surgery)\nRita Rays (radiation oncology)\nMax Meds (medical oncology)",
        "meeting_date": "2026-12-02",
        "meeting": str(meeting.pk) if meeting else "",
        "plan": "Separation surgery, then SBRT 24 Gy in 2 fractions.",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "3",
        **extra,
    }


def trail() -> list[str]:
    """Each entry as ``action by actor on target {details}``, oldest first, ids numbered per type."""
    numbers: dict[tuple[str, str], str] = {}

    def name(kind: str, pk: object) -> str:
        key = (kind, str(pk))
        if key not in numbers:
            numbers[key] = f"{kind}#{sum(1 for k, _ in numbers if k == kind) + 1}"
        return numbers[key]

    def plain(value: object, key: str = "") -> object:
        if key == "records" and isinstance(value, dict):  # keyed row digests (audit.tamper): which rows, which deleted
            return {
                label: sorted(name(label, pk) + ("" if digest else " deleted") for pk, digest in rows.items())
                for label, rows in sorted(value.items())
            }
        if isinstance(value, dict):
            if "model" in value and "id" in value:  # a record's content digest (audit.services.content_details)
                value = {**value, "id": name(value["model"], value["id"])}
            return {k: plain(v, k) for k, v in sorted(value.items())}
        if key in DETAIL_IDS and value is not None:
            return name(DETAIL_IDS[key], value)
        # verify_audit checks the digests themselves; the snapshot only that they are there.
        return "DIGEST" if key == "sha256" else value

    lines = []
    for entry in AuditEntry.objects.order_by("seq"):
        target = name(entry.target_type, entry.target_id) if entry.target_type else "-"
        details = f" {plain(entry.details)}" if entry.details else ""
        lines.append(f"{entry.action} by {entry.actor_username or '-'} on {target}{details}")
    return lines


@pytest.mark.django_db
def test_a_case_from_creation_to_closing_leaves_this_audit_trail(snapshot):
    restart_sequences()  # ids a future detail names without a DETAIL_IDS entry still match on both databases
    # Each visit signs in anew, as a user would after the idle timeout between them.
    with time_machine.travel(NOW, tick=False) as clock:
        make_user("alice", roles.CLINICIAN)
        chair = make_user("carol", roles.TUMOR_BOARD)
        alice = signed_in("alice")
        ok(alice.get(reverse("assessments:case_create")))
        ok(alice.post(reverse("assessments:case_create"), form_post(), follow=True))
        case = Case.objects.get()
        ok(alice.get(reverse("assessments:case_submit", args=[case.pk])))
        submit = {"question": "Separation surgery first?", "meeting_date": "2026-12-02"}
        ok(alice.post(reverse("assessments:case_submit", args=[case.pk]), submit, follow=True))

        clock.shift(datetime.timedelta(hours=1))
        carol = signed_in("carol")
        ok(carol.get(reverse("assessments:board_queue")))
        meeting_form = {"date": "2026-12-02", "time": "10:00", "chair": str(chair.pk)}
        ok(carol.post(reverse("meetings:meeting_list"), meeting_form, follow=True))
        meeting = Meeting.objects.get()
        assert meeting.agenda.filter(case=case).exists(), "the new meeting's agenda takes the waiting case"
        for name, specialty in (("Sam Spine", "spine_surgery"), ("Rita Rays", "radiation_oncology"),
                                ("Max Meds", "medical_oncology")):  # fmt: skip
            attendee = {"name": name, "specialty": specialty}
            ok(carol.post(reverse("meetings:meeting_attendee_add", args=[meeting.pk]), attendee, follow=True))
        ok(carol.get(reverse("meetings:meeting_mode", args=[meeting.pk])))
        decide = reverse("assessments:board_decide", args=[case.pk]) + f"?meeting={meeting.pk}"
        ok(carol.get(decide))
        action = {"actions-0-text": "Book theatre", "actions-0-owner": str(case.owner.pk),
                  "actions-0-due_at": "2026-12-03T09:00"}  # fmt: skip
        ok(carol.post(decide, decision_post(meeting, pathway=RECOMMENDED, **action), follow=True))
        decision = BoardDecision.objects.get()

        clock.shift(datetime.timedelta(hours=3))
        carol = signed_in("carol")
        correct = reverse("assessments:board_decision_correct", args=[decision.pk])
        ok(carol.get(correct))
        correction = decision_post(
            None, pathway="cebrt", reason="Declined surgery after the meeting.",
            correction_reason="The patient declined surgery.",
        )  # fmt: skip
        ok(carol.post(correct, correction, follow=True))

        clock.shift(datetime.timedelta(hours=1))
        alice = signed_in("alice")
        ok(alice.get(reverse("home")))
        done = reverse("meetings:action_done", args=[Action.objects.get().pk])
        ok(alice.post(done, {"next": case.get_absolute_url()}, follow=True))
        start = reverse("assessments:case_treatment_start", args=[case.pk])
        ok(alice.get(start))
        ok(alice.post(start, {"treatment_start_at": "2026-12-02T13:00"}, follow=True))

        clock.shift(datetime.timedelta(days=30))
        alice = signed_in("alice")
        follow_up = reverse("meetings:follow_up", args=[case.pk, 30])
        ok(alice.get(follow_up))
        outcome = {"alive": "True", "date_of_death": "", "ambulatory": "with_aid", "bladder": "continent",
                   "fracture": "", "wound_problem": "", "other_complication": "", "local_recurrence": ""}  # fmt: skip
        ok(alice.post(follow_up, outcome, follow=True))
        close = reverse("assessments:case_close", args=[case.pk])
        ok(alice.get(close))
        ok(alice.post(close, {"reason": ""}, follow=True))

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert BoardDecision.objects.count() == 2
    assert trail() == snapshot
