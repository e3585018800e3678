"""Tumor board: submit, queue, discussion, decisions, meeting pack, CSV and the quality dashboard."""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import rules
from assessments.cases import services
from assessments.models import BoardDecision, Case, CaseComment, CaseStatus, ImmutableDecisionError
from audit.models import AuditEntry
from audit.services import audit_record
from board import services as board_services
from board.summary import summary_rebuild
from tests.conftest import make_user
from tests.factories import make_case

ROOT = Path(__file__).resolve().parents[1]
RECOMMENDED = "separation_surgery_sbrt"  # the factory case: melanoma, grade 3, operable -> P8


def submit(case: Case, *, question: str = "Surgery or SBRT alone?", meeting_date=None) -> Case:
    return board_services.case_submit_to_board(case=case, user=case.owner, question=question, meeting_date=meeting_date)


def submitted_case(owner, **kwargs) -> Case:
    meeting_date = kwargs.pop("meeting_date", None)
    question = kwargs.pop("question", "Surgery or SBRT alone?")
    return submit(make_case(owner, **kwargs), question=question, meeting_date=meeting_date)


def decide(case: Case, by, *, pathway_code: str = RECOMMENDED, reason: str = "", supersedes=None, **kwargs):
    return board_services.board_decision_record(
        case=case,
        signed_by=by,
        meeting_date=kwargs.pop("meeting_date", datetime.date(2026, 11, 20)),
        pathway_code=pathway_code,
        other_pathway_text=kwargs.pop("other_pathway_text", ""),
        reason=reason,
        attendees=kwargs.pop("attendees", "Carol (oncology), Sam (spine surgery)"),
        supersedes=supersedes,
        correction_reason=kwargs.pop("correction_reason", "Wrong pathway recorded" if supersedes else ""),
    )


def decision_post(**overrides) -> dict[str, str]:
    data = {
        "pathway_code": RECOMMENDED,
        "other_pathway_text": "",
        "reason": "",
        "attendees": "Carol (oncology)\nSam (spine surgery)",
        "meeting_date": "2026-11-20",
    }
    data.update(overrides)
    return data


@pytest.fixture
def alice_tab(alice):
    """Alice in her own browser, beside carol_client (the client fixtures share one session)."""
    from django.test import Client

    tab = Client()
    tab.force_login(alice)
    return tab


def body(response) -> str:
    return response.content.decode()


# --- Submitting to the board ------------------------------------------------------------------


def test_owner_submits_draft_with_question_and_it_becomes_read_only(alice_client, alice):
    case = make_case(alice)
    page = body(alice_client.get(case.get_absolute_url()))
    assert reverse("assessments:case_submit", args=[case.pk]) in page

    response = alice_client.post(
        reverse("assessments:case_submit", args=[case.pk]),
        {"question": "Is separation surgery worth it?", "meeting_date": "2026-12-01"},
    )
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.board_question == "Is separation surgery worth it?"
    assert case.meeting_date == datetime.date(2026, 12, 1)
    assert case.submitted_at is not None
    assert AuditEntry.objects.filter(action="case.submit", target_id=str(case.pk)).count() == 1

    page = body(alice_client.get(case.get_absolute_url()))
    assert 'id="board-read-only"' in page
    assert "Is separation surgery worth it?" in page
    assert reverse("assessments:case_edit", args=[case.pk]) not in page
    assert reverse("assessments:case_submit", args=[case.pk]) not in page
    assert alice_client.get(reverse("assessments:case_edit", args=[case.pk])).status_code == 403


def test_submit_needs_a_question(alice_client, alice):
    case = make_case(alice)
    response = alice_client.post(reverse("assessments:case_submit", args=[case.pk]), {"question": "  "})
    assert response.status_code == 422
    assert "Question for the board: this is required." in body(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_submitting_a_case_already_with_the_board_is_403(alice_client, alice):
    case = submitted_case(alice)
    response = alice_client.post(reverse("assessments:case_submit", args=[case.pk]), {"question": "Again?"})
    assert response.status_code == 403
    assert "already with the tumor board" in body(response)


def test_submit_service_refuses_someone_elses_case(alice, bob):
    from django.core.exceptions import PermissionDenied

    case = make_case(alice)
    with pytest.raises(PermissionDenied):
        board_services.case_submit_to_board(case=case, user=bob, question="?", meeting_date=None)


# --- Who may reach what ------------------------------------------------------------------------

BOARD_PAGES = ["board_queue", "board_queue_csv", "board_dashboard"]
BOARD_CASE_ACTIONS = ["case_comment", "case_return", "board_decide"]


@pytest.mark.parametrize("name", BOARD_PAGES)
def test_board_pages_are_404_for_clinicians_and_admins(client, alice, dave, name):
    for user in (alice, dave):
        client.force_login(user)
        assert client.get(reverse(f"assessments:{name}")).status_code == 404


def test_pack_is_404_for_a_clinician_even_for_her_own_case(alice_client, alice):
    case = submitted_case(alice)
    response = alice_client.get(reverse("assessments:board_pack"), {"case": case.pk})
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="case.print").exists()


@pytest.mark.parametrize("name", BOARD_PAGES)
def test_board_pages_open_for_board_members(carol_client, name):
    assert carol_client.get(reverse(f"assessments:{name}")).status_code == 200


@pytest.mark.parametrize("name", [*BOARD_PAGES, "board_pack"])
def test_board_pages_need_login(client, db, name):
    response = client.get(reverse(f"assessments:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", BOARD_CASE_ACTIONS)
def test_board_actions_are_404_for_the_owner_and_other_clinicians(client, alice, bob, dave, name):
    case = submitted_case(alice)
    url = reverse(f"assessments:{name}", args=[case.pk])
    for user in (alice, bob, dave):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "x", **decision_post()}).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert not case.comments.exists() and not case.decisions.exists()


@pytest.mark.parametrize("name", BOARD_CASE_ACTIONS)
def test_board_actions_on_a_draft_are_404_for_the_board(carol_client, alice, name):
    case = make_case(alice)
    assert carol_client.get(reverse(f"assessments:{name}", args=[case.pk])).status_code == 404


@pytest.mark.parametrize("name", BOARD_CASE_ACTIONS)
def test_board_actions_open_for_board_members(carol_client, alice, name):
    case = submitted_case(alice)
    assert carol_client.get(reverse(f"assessments:{name}", args=[case.pk])).status_code == 200


def test_correcting_a_decision_is_404_for_anyone_but_the_board(client, alice, bob, carol, dave):
    case = submitted_case(alice)
    decision = decide(case, carol)
    url = reverse("assessments:board_decision_correct", args=[decision.pk])
    for user in (alice, bob, dave):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(carol)
    assert client.get(url).status_code == 200
    assert client.get(reverse("assessments:board_decision_correct", args=[decision.pk + 99])).status_code == 404


@pytest.mark.parametrize("name", ["case_submit", "case_treatment_start", "case_edit"])
def test_owner_urls_are_404_for_the_board_and_other_clinicians(client, alice, bob, carol, name):
    case = submitted_case(alice)
    url = reverse(f"assessments:{name}", args=[case.pk])
    for user in (bob, carol):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"question": "x"}).status_code == 404


def test_board_member_sees_submitted_case_but_cannot_edit_it(carol_client, alice):
    case = submitted_case(alice)
    page = body(carol_client.get(case.get_absolute_url()))
    assert "Result as saved" in page
    assert reverse("assessments:case_edit", args=[case.pk]) not in page
    assert reverse("assessments:board_decide", args=[case.pk]) in page
    assert carol_client.get(reverse("assessments:case_edit", args=[case.pk])).status_code == 404


def test_board_review_is_the_case_page(alice):
    assert reverse("assessments:board_review", args=[7]) == reverse("assessments:case_detail", args=[7])


def test_navigation_by_role(client, alice, carol):
    client.force_login(carol)
    carol_home = body(client.get(reverse("home")))
    assert "Board queue" in carol_home and "Quality dashboard" in carol_home
    assert reverse("assessments:board_queue") in carol_home
    client.force_login(alice)
    alice_home = body(client.get(reverse("home")))
    assert reverse("assessments:board_queue") not in alice_home
    assert reverse("assessments:board_dashboard") not in alice_home


def test_admin_keeps_the_audit_trail_item(dave_client):
    home = body(dave_client.get(reverse("home")))
    assert reverse("audit:report") in home
    assert reverse("assessments:board_queue") not in home


# --- The queue -----------------------------------------------------------------------------------


def _set_times(case: Case, **values) -> None:
    Case.objects.filter(pk=case.pk).update(**values)


def test_queue_is_emergency_first_then_longest_waiting(carol_client, alice):
    now = timezone.now()
    routine = submitted_case(alice, patient={"patient_name": "Routine Old"}, escc_grade="1a", neurologic_deficit=False)
    urgent = submitted_case(alice, patient={"patient_name": "Urgent Case"}, escc_grade="1a")
    emergency_new = submitted_case(alice, patient={"patient_name": "Emergency New"})
    emergency_old = submitted_case(alice, patient={"patient_name": "Emergency Old"})
    _set_times(routine, submitted_at=now - datetime.timedelta(days=3))
    _set_times(urgent, submitted_at=now - datetime.timedelta(hours=5))
    _set_times(emergency_new, submitted_at=now - datetime.timedelta(hours=1))
    _set_times(emergency_old, submitted_at=now - datetime.timedelta(hours=2))
    make_case(alice, patient={"patient_name": "Still Draft"})
    decide(submitted_case(alice, patient={"patient_name": "Already Decided"}), make_user("erin", "Tumor board"))

    page = body(carol_client.get(reverse("assessments:board_queue")))
    order = re.findall(r'<a href="/cases/\d+/">([^<]+)</a>', page)
    assert order == ["Emergency Old", "Emergency New", "Urgent Case", "Routine Old"]
    assert "4 cases waiting" in page


def test_queue_flags_time_since_mri_past_24_hours(carol_client, alice):
    now = timezone.now()
    late = submitted_case(alice, patient={"patient_name": "Late Mri"})
    recent = submitted_case(alice, patient={"patient_name": "Recent Mri"})
    unknown = submitted_case(alice, patient={"patient_name": "No Mri"})
    _set_times(late, mri_at=now - datetime.timedelta(hours=30))
    _set_times(recent, mri_at=now - datetime.timedelta(hours=2))
    page = body(carol_client.get(reverse("assessments:board_queue")))

    def cell(case):
        row = re.search(rf'<tr data-case="{case.pk}">(.*?)</tr>', page, re.S).group(1)
        return re.search(r'<td class="([^"]*)" data-mri-overdue="(\w+)">(.*?)</td>', row, re.S).groups()

    assert cell(late)[:2] == ("mri-overdue", "true")
    assert "30 h" in cell(late)[2] and "over 24 h" in cell(late)[2]
    assert cell(recent)[:2] == ("", "false")
    assert "2 h" in cell(recent)[2] and "over 24 h" not in cell(recent)[2]
    assert cell(unknown)[1] == "false" and "not recorded" in cell(unknown)[2]


def test_queue_filters(carol_client, alice):
    submitted_case(alice, patient={"patient_name": "Melanoma Emergency"}, meeting_date=datetime.date(2026, 12, 1))
    submitted_case(alice, patient={"patient_name": "Prostate Routine"}, histology="prostate", neurologic_deficit=False)
    submitted_case(alice, patient={"patient_name": "Melanoma Urgent"}, escc_grade="1a")
    url = reverse("assessments:board_queue")

    def names(**params):
        return set(re.findall(r'<a href="/cases/\d+/">([^<]+)</a>', body(carol_client.get(url, params))))

    assert names(urgency="emergency") == {"Melanoma Emergency"}
    assert names(histology="prostate") == {"Prostate Routine"}
    assert names(pathway="sbrt") == {"Melanoma Urgent"}
    assert names(meeting_date="2026-12-01") == {"Melanoma Emergency"}
    assert names(urgency="nonsense") == {"Melanoma Emergency", "Prostate Routine", "Melanoma Urgent"}
    assert "No case is waiting with these filters" in body(carol_client.get(url, {"histology": "sarcoma"}))
    page = body(carol_client.get(url, {"histology": "prostate", "page": "1"}))
    assert 'href="/board/queue.csv?histology=prostate"' in page, "the CSV link keeps the filters"


def test_queue_paginates_and_keeps_filters(carol_client, alice):
    for n in range(27):
        submitted_case(alice, patient={"mrn": f"Q{n:04d}"})
    first = body(carol_client.get(reverse("assessments:board_queue"), {"urgency": "emergency"}))
    assert "Page 1 of 2" in first
    assert "urgency=emergency&amp;page=2" in first
    second = body(carol_client.get(reverse("assessments:board_queue"), {"urgency": "emergency", "page": 2}))
    assert second.count("<tr data-case=") == 2


# --- Review page: assessment, history, discussion ---------------------------------------------


def test_review_page_shows_the_assessment_as_saved_history_and_thread(carol_client, alice, carol):
    case = submitted_case(alice)
    board_services.case_comment_add(case=case, author=carol, text="Check the MRI of the whole spine.")
    page = body(carol_client.get(case.get_absolute_url()))
    assert f"rule set {rules.RULE_SET}" in page
    assert f'data-pathway="{RECOMMENDED}"' in page
    assert 'data-topic="pathway"' in page  # rationale with sources
    assert "Source:" in page
    assert 'id="history"' in page and "Submitted to tumor board" in page
    assert "Check the MRI of the whole spine." in page
    assert "Carol" in page
    assert 'id="comment-form"' in page


def test_comment_is_added_with_author_and_time(carol_client, alice, carol):
    case = submitted_case(alice)
    response = carol_client.post(reverse("assessments:case_comment", args=[case.pk]), {"text": "Discuss first."})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/cases/{case.pk}/#discussion")
    comment = CaseComment.objects.get(case=case)
    assert comment.author == carol and comment.text == "Discuss first."
    page = body(carol_client.get(case.get_absolute_url()))
    thread = re.search(rf'<li [^>]*data-comment="{comment.pk}">(.*?)</li>', page, re.S).group(1)
    assert "Carol" in thread and "Discuss first." in thread
    assert timezone.localtime(comment.created_at).strftime("%-d %b %Y %H:%M") in thread
    assert AuditEntry.objects.filter(action="case.comment", target_id=str(case.pk)).exists()


def test_empty_comment_is_refused(carol_client, alice):
    case = submitted_case(alice)
    response = carol_client.post(reverse("assessments:case_comment", args=[case.pk]), {"text": ""})
    assert response.status_code == 422
    assert not CaseComment.objects.exists()


def test_script_in_comment_question_and_reason_shows_as_text(carol_client, alice, carol):
    script = '<script>alert("x")</script>'
    case = submitted_case(alice, question=f"Question {script}")
    carol_client.post(reverse("assessments:case_comment", args=[case.pk]), {"text": f"Note {script}"})
    carol_client.post(
        reverse("assessments:board_decide", args=[case.pk]),
        decision_post(pathway_code="cebrt", reason=f"Reason {script}", attendees=f"Attendee {script}"),
    )
    for client_page in (
        body(carol_client.get(case.get_absolute_url())),
        body(carol_client.get(reverse("assessments:board_pack"), {"case": case.pk})),
        body(carol_client.get(reverse("assessments:board_dashboard"))),
    ):
        assert "<script>alert" not in client_page
    page = body(carol_client.get(case.get_absolute_url()))
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    for text in ("Note ", "Question ", "Reason ", "Attendee "):
        assert text + escaped in page


# --- Returning a case ---------------------------------------------------------------------------


def test_board_returns_case_with_a_required_comment(carol_client, alice_tab, alice):
    case = submitted_case(alice)
    url = reverse("assessments:case_return", args=[case.pk])
    assert carol_client.post(url, {"text": ""}).status_code == 422
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED

    response = carol_client.post(url, {"text": "Please add the CT of the thoracic spine."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT and case.submitted_at is None
    page = body(alice_tab.get(case.get_absolute_url()))
    assert "Please add the CT of the thoracic spine." in page
    assert "Returned to clinician for more information" in page
    assert alice_tab.get(reverse("assessments:case_edit", args=[case.pk])).status_code == 200
    assert carol_client.get(case.get_absolute_url()).status_code == 404, "a draft is the clinician's again"
    assert carol_client.post(url, {"text": "again"}).status_code == 404


# --- Decisions ----------------------------------------------------------------------------------


def test_decision_that_follows_needs_no_reason_and_is_signed(carol_client, alice, carol):
    case = submitted_case(alice)
    response = carol_client.post(reverse("assessments:board_decide", args=[case.pk]), decision_post())
    assert response.status_code == 302
    decision = BoardDecision.objects.get(case=case)
    assert decision.follows_recommendation is True
    assert decision.signed_by == carol and decision.signed_at is not None
    assert decision.recommended_pathway_code == RECOMMENDED and decision.recommended_rule == "P8"
    assert decision.attendees == "Carol (oncology)\nSam (spine surgery)"
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED and case.decided_at == decision.signed_at


def test_decide_page_shows_the_recommendation(carol_client, alice):
    case = submitted_case(alice)
    page = body(carol_client.get(reverse("assessments:board_decide", args=[case.pk])))
    assert "Separation surgery, then SBRT (recommended)" in page
    assert f'data-recommended="{RECOMMENDED}"' in page
    assert 'value="other"' in page


def test_departing_from_the_recommendation_needs_a_reason(carol_client, alice_tab, alice):
    case = submitted_case(alice)
    url = reverse("assessments:board_decide", args=[case.pk])
    response = carol_client.post(url, decision_post(pathway_code="cebrt"))
    assert response.status_code == 422
    assert "give the reason" in body(response)
    assert not BoardDecision.objects.exists()

    carol_client.post(url, decision_post(pathway_code="cebrt", reason="Patient declines surgery at the meeting."))
    decision = BoardDecision.objects.get()
    assert decision.follows_recommendation is False
    page = body(alice_tab.get(case.get_absolute_url()))
    assert 'data-testid="decision-pathway">cEBRT<' in page
    assert 'data-follows="false"' in page and "Departs from the recommendation" in page
    assert "Patient declines surgery at the meeting." in page


def test_other_pathway_needs_its_text(carol_client, alice):
    case = submitted_case(alice)
    url = reverse("assessments:board_decide", args=[case.pk])
    response = carol_client.post(url, decision_post(pathway_code="other", reason="Trial"))
    assert response.status_code == 422
    assert "Describe the pathway" in body(response)
    carol_client.post(url, decision_post(pathway_code="other", other_pathway_text="Clinical trial XY", reason="Trial"))
    assert "Other: Clinical trial XY" in body(carol_client.get(case.get_absolute_url()))


def test_attendees_and_meeting_date_are_required(carol_client, alice):
    case = submitted_case(alice)
    response = carol_client.post(
        reverse("assessments:board_decide", args=[case.pk]), decision_post(attendees="", meeting_date="")
    )
    assert response.status_code == 422
    assert not BoardDecision.objects.exists()


def test_unknown_pathway_is_refused(carol_client, alice):
    case = submitted_case(alice)
    response = carol_client.post(reverse("assessments:board_decide", args=[case.pk]), decision_post(pathway_code="x"))
    assert response.status_code == 422


def test_deciding_twice_is_403_correct_instead(carol_client, alice, carol):
    case = submitted_case(alice)
    decide(case, carol)
    response = carol_client.post(reverse("assessments:board_decide", args=[case.pk]), decision_post())
    assert response.status_code == 403
    assert "correct the signed decision" in body(response)
    assert BoardDecision.objects.count() == 1


def test_signed_decision_cannot_be_changed_or_deleted(alice, carol):
    decision = decide(submitted_case(alice), carol)
    decision.reason = "rewritten"
    with pytest.raises(ImmutableDecisionError):
        decision.save()
    with pytest.raises(ImmutableDecisionError):
        decision.delete()
    decision.refresh_from_db()
    assert decision.reason == ""


def test_service_refuses_a_departure_without_reason(alice, carol):
    case = submitted_case(alice)
    with pytest.raises(board_services.DecisionInputError):
        decide(case, carol, pathway_code="cebrt", reason=" ")
    with pytest.raises(board_services.DecisionInputError):
        decide(case, carol, attendees=" ")
    assert not BoardDecision.objects.exists()


def test_correction_is_a_new_linked_decision_and_the_old_one_is_kept(carol_client, alice_tab, alice, carol):
    case = submitted_case(alice)
    original = decide(case, carol)
    original_values = BoardDecision.objects.filter(pk=original.pk).values().get()
    first_decided_at = Case.objects.get(pk=case.pk).decided_at
    url = reverse("assessments:board_decision_correct", args=[original.pk])

    assert carol_client.post(url, decision_post(pathway_code="cebrt", reason="Declines")).status_code == 422
    response = carol_client.post(
        url, decision_post(pathway_code="cebrt", reason="Declines surgery", correction_reason="Recorded wrongly")
    )
    assert response.status_code == 302
    correction = BoardDecision.objects.get(supersedes=original)
    assert correction.follows_recommendation is False and correction.correction_reason == "Recorded wrongly"
    assert BoardDecision.objects.filter(pk=original.pk).values().get() == original_values
    assert list(BoardDecision.objects.current()) == [correction]
    assert Case.objects.get(pk=case.pk).decided_at == first_decided_at, "a correction does not move decided_at"

    page = body(alice_tab.get(case.get_absolute_url()))
    assert f'data-decision="{correction.pk}" data-current="true"' in page
    assert f'data-decision="{original.pk}" data-current="false"' in page
    assert "Corrects decision #1:" in page  # numbered within the case, not by database id

    # Only the current decision can be corrected; a chain, never a fork.
    assert carol_client.get(url).status_code == 403
    assert carol_client.post(url, decision_post(correction_reason="again")).status_code == 403
    second = reverse("assessments:board_decision_correct", args=[correction.pk])
    assert carol_client.post(second, decision_post(correction_reason="Back to the plan")).status_code == 302
    assert BoardDecision.objects.current().get().supersedes == correction


def test_service_refuses_to_fork_the_correction_chain(alice, carol):
    case = submitted_case(alice)
    original = decide(case, carol)
    decide(case, carol, supersedes=original)
    with pytest.raises(services.CaseStateError):
        decide(case, carol, supersedes=original)


def test_case_carries_its_current_decision_and_the_migration_backfills_it(alice, carol):
    import importlib

    from django.apps import apps

    case = submitted_case(alice)
    first = decide(case, carol)
    decide(case, carol, supersedes=first, pathway_code="cebrt", reason="Declines surgery")
    case.refresh_from_db()
    assert (case.board_pathway_code, case.board_follows) == ("cebrt", False)

    Case.objects.filter(pk=case.pk).update(board_pathway_code="", board_follows=None)
    migration = importlib.import_module("assessments.migrations.0003_tumor_board")
    migration.copy_current_decisions(apps, None)
    case.refresh_from_db()
    assert (case.board_pathway_code, case.board_follows) == ("cebrt", False)


def test_clinician_records_treatment_start_after_the_decision(alice_client, alice, carol):
    case = submitted_case(alice)
    url = reverse("assessments:case_treatment_start", args=[case.pk])
    assert alice_client.get(url).status_code == 403, "not before the board has decided"
    decide(case, carol)
    assert reverse("assessments:case_treatment_start", args=[case.pk]) in body(
        alice_client.get(case.get_absolute_url())
    )
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert alice_client.post(url, {"treatment_start_at": future}).status_code == 422
    before_decision = (timezone.localtime() - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    assert alice_client.post(url, {"treatment_start_at": before_decision}).status_code == 422
    started = timezone.localtime().replace(second=0, microsecond=0)
    response = alice_client.post(url, {"treatment_start_at": started.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.treatment_start_at == started
    assert case.status == CaseStatus.DECIDED


# --- Meeting pack ------------------------------------------------------------------------------


def test_pack_for_chosen_cases_one_page_each_and_audited(carol_client, alice):
    first = submitted_case(alice, patient={"patient_name": "First Patient"}, question="Operate?")
    second = submitted_case(alice, patient={"patient_name": "Second Patient"}, histology="prostate")
    draft = make_case(alice, patient={"patient_name": "Draft Patient"})
    response = carol_client.get(reverse("assessments:board_pack"), {"case": [first.pk, second.pk, draft.pk]})
    page = body(response)
    assert response.status_code == 200
    assert page.count('class="pack-page"') == 2
    assert "First Patient" in page and "Second Patient" in page and "Draft Patient" not in page
    assert "1 chosen case is no longer with the board" in page
    assert "Operate?" in page
    for heading in ("NOMS summary", "Neurologic", "Oncologic", "Mechanical", "Systemic", "SINS 3/18", "Basis"):
        assert heading in page
    assert f'data-pathway="{RECOMMENDED}"' in page
    assert "css/board.css" in page
    printed = AuditEntry.objects.filter(action="case.print").values_list("target_id", flat=True)
    assert sorted(printed) == sorted([str(first.pk), str(second.pk)])


def test_pack_for_a_meeting_date(carol_client, alice):
    submitted_case(alice, patient={"patient_name": "On The Day"}, meeting_date=datetime.date(2026, 12, 3))
    submitted_case(alice, patient={"patient_name": "Another Day"}, meeting_date=datetime.date(2026, 12, 10))
    page = body(carol_client.get(reverse("assessments:board_pack"), {"meeting_date": "2026-12-03"}))
    assert "On The Day" in page and "Another Day" not in page
    assert "Meeting pack for 3 Dec 2026" in page


def test_pack_without_cases_or_date_is_422(carol_client):
    response = carol_client.get(reverse("assessments:board_pack"))
    assert response.status_code == 422
    assert "Choose cases in the queue, or a meeting date" in body(response)
    assert carol_client.get(reverse("assessments:board_pack"), {"case": "abc"}).status_code == 422


def test_print_css_puts_one_case_per_page():
    css = (ROOT / "static/css/board.css").read_text()
    print_rules = css[css.index("@media print") :]
    assert re.search(r"\.pack-page \{[^}]*break-after: page", print_rules)


# --- CSV export ------------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_has_header_utf8_and_the_filtered_queue_audited(carol_client, alice):
    zoe = submitted_case(alice, patient={"patient_name": "Zoë Étoile", "mrn": "Z1"})
    submitted_case(alice, patient={"patient_name": "Prostate Patient"}, histology="prostate")
    response = carol_client.get(reverse("assessments:board_queue_csv"), {"histology": "melanoma"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="board-queue-')
    assert response.content.startswith("\ufeff".encode())
    rows = _csv(response)
    assert rows[0][:5] == ["Case", "MRN", "Patient name", "Date of birth", "Urgency"]
    assert all("_" not in header for header in rows[0]), "headers are words, not codes"
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Patient name"] == "Zoë Étoile"
    assert record["Case"] == str(zoe.pk)
    assert record["Recommended pathway"] == "Separation surgery, then SBRT" and record["Rule"] == "P8"
    assert record["Pathway code"] == RECOMMENDED, "the code stays beside the label"
    assert record["Histology"] == "Melanoma" and record["Histology code"] == "melanoma"
    assert record["Question for the board"] == "Surgery or SBRT alone?"
    exported = AuditEntry.objects.filter(action="case.export").values_list("target_id", flat=True)
    assert list(exported) == [str(zoe.pk)]


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_csv_neutralises_formulas(carol_client, alice, dangerous):
    submitted_case(alice, patient={"patient_name": dangerous, "mrn": "=cmd|' /C calc'!A0"}, question=dangerous)
    rows = _csv(carol_client.get(reverse("assessments:board_queue_csv")))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Patient name"] == "'" + dangerous
    assert record["Question for the board"] == "'" + dangerous
    assert record["MRN"] == "'=cmd|' /C calc'!A0"


def test_csv_marks_time_since_mri(carol_client, alice):
    case = submitted_case(alice)
    _set_times(case, mri_at=timezone.now() - datetime.timedelta(hours=30))
    rows = _csv(carol_client.get(reverse("assessments:board_queue_csv")))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Hours since MRI"] == "30.0"
    assert record["Over 24 h since MRI"] == "yes"


# --- Quality dashboard -------------------------------------------------------------------------


@pytest.fixture
def known_decisions(alice, carol):
    """Three cases decided in the window (two followed, one corrected), one decided 14 months ago.

    MRI to decision: 10 h, 20 h, 30 h -> median 20.0 h, 2 of 3 within 24 h (66.7%).
    Decision to treatment: 4 h, 30 h, and one started before the decision -> median 17.0 h, 1 of 2 (50.0%).
    """
    decided = timezone.now() - datetime.timedelta(hours=1)
    h = datetime.timedelta(hours=1)
    a = submitted_case(alice, patient={"patient_name": "Case A"})
    first = decide(a, carol, pathway_code="cebrt", reason="Recorded wrongly")  # superseded below
    decide(a, carol, supersedes=first)  # follows
    b = submitted_case(alice, patient={"patient_name": "Case B"}, escc_grade="1a")
    decide(b, carol, pathway_code="sbrt")  # follows (P7 sbrt)
    c = submitted_case(alice, patient={"patient_name": "Case C"})
    decide(c, carol, pathway_code="palliative_radiation", reason="Frail; prefers short course.")
    old = submitted_case(alice, patient={"patient_name": "Old Case"})
    decide(old, carol, pathway_code="cebrt", reason="Old reason")
    _set_times(a, decided_at=decided, mri_at=decided - 10 * h, treatment_start_at=decided + 4 * h)
    _set_times(b, decided_at=decided, mri_at=decided - 20 * h, treatment_start_at=decided + 30 * h)
    _set_times(c, decided_at=decided, mri_at=decided - 30 * h, treatment_start_at=decided - 2 * h)
    _set_times(old, decided_at=decided - datetime.timedelta(days=430), mri_at=decided - datetime.timedelta(days=431))
    # The times were set behind the services' back: rebuild the dashboard's monthly rows.
    summary_rebuild()
    return {"a": a, "b": b, "c": c, "old": old}


def metric(page: str, name: str) -> str:
    return re.search(rf'data-metric="{name}">([^<]*)<', page).group(1)


def test_dashboard_numbers_on_a_known_set(carol_client, known_decisions):
    page = body(carol_client.get(reverse("assessments:board_dashboard")))
    assert metric(page, "decisions") == "3"
    assert metric(page, "concordance") == "66.7%"
    assert metric(page, "mri-median") == "20.0 h"
    assert metric(page, "mri-within") == "66.7%"
    assert metric(page, "treatment-median") == "17.0 h"
    assert metric(page, "treatment-within") == "50.0%"
    treatment_row = re.search(r'<tr data-interval="decision_to_treatment">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r'<td class="text-end">([^<]*)</td>', treatment_row)
    assert cells == ["2", "17.0 h", "50.0%", "1", "0", "1"]  # measured, median, share, over, missing, out of order
    pathways = dict(
        re.findall(
            r'<tr data-pathway="([a-z_]+)"><th scope="row" class="fw-normal">[^<]*</th><td class="text-end">(\d+)<',
            page,
        )
    )
    assert pathways == {RECOMMENDED: "1", "sbrt": "1", "palliative_radiation": "1"}
    assert "Frail; prefers short course." in page
    assert "Recorded wrongly" not in page, "the superseded decision is not counted"
    assert "Old reason" not in page, "outside the 12-month window"
    month = timezone.localtime(timezone.now() - datetime.timedelta(hours=1)).strftime("%b %Y")
    assert re.search(
        rf'<th scope="row" class="fw-normal">{month}</th><td class="text-end">3</td><td class="text-end">2</td><td class="text-end">66.7%</td>',
        page,
    )
    assert page.count('<svg class="chart"') == 3
    assert "<table" in page and 'aria-describedby="months-table"' in page


def test_dashboard_window_is_selectable(carol_client, known_decisions):
    page = body(carol_client.get(reverse("assessments:board_dashboard"), {"months": 24}))
    assert metric(page, "decisions") == "4"
    assert metric(page, "concordance") == "50.0%"
    assert "Old reason" in page
    assert '<option value="24" selected>' in page
    page = body(carol_client.get(reverse("assessments:board_dashboard"), {"months": "999"}))
    assert metric(page, "decisions") == "3", "an unknown window falls back to 12 months"
    assert '<option value="12" selected>' in page


def test_dashboard_with_no_decisions(carol_client):
    page = body(carol_client.get(reverse("assessments:board_dashboard")))
    assert metric(page, "decisions") == "0"
    assert metric(page, "concordance") == "—"
    assert metric(page, "mri-median") == "—"


# --- Query counts: pages must not grow with the data -----------------------------------------------


def _warm_up(client) -> None:
    # The first request after log-in also writes the session; measure a steady-state request.
    client.get(reverse("home"))


def _audit_cost(user, target) -> int:
    with CaptureQueriesContext(connection) as captured:
        audit_record(action="case.view", actor=user, target=target)
    return len(captured.captured_queries)


@pytest.mark.parametrize("count", [3, 12])
def test_queue_queries_do_not_grow(carol_client, alice, django_assert_max_num_queries, count):
    for n in range(count):
        case = submitted_case(alice, patient={"mrn": f"N{n}"})
        _set_times(case, mri_at=timezone.now() - datetime.timedelta(hours=n))
    _warm_up(carol_client)
    # + the case.view entries of the cases shown: head lock, one INSERT, head update (in a transaction)
    # + the overdue board actions shown above the queue
    # + the navigation's unread-notifications count, in the page rather than a second request
    with django_assert_max_num_queries(6 + 4 + 1 + 1):
        response = carol_client.get(reverse("assessments:board_queue"))
    assert body(response).count("<tr data-case=") == count


def test_review_page_queries_do_not_grow(carol_client, alice, carol, django_assert_max_num_queries):
    case = submitted_case(alice)
    for n in range(6):
        board_services.case_comment_add(case=case, author=make_user(f"member{n}", "Tumor board"), text=f"Comment {n}")
    decision = decide(case, carol)
    for _ in range(3):
        decision = decide(case, carol, supersedes=decision)
    view_cost = _audit_cost(carol, case)
    _warm_up(carol_client)
    # + 4: decision records and actions of the case (once per page), follow-ups, clock.
    # + 2: the case's handovers, and its patient's episodes seen and not seen (one query).
    with django_assert_max_num_queries(8 + 4 + 2 + view_cost):
        response = carol_client.get(case.get_absolute_url())
    assert body(response).count("data-comment=") == 6
    assert body(response).count("data-decision=") == 4


@pytest.mark.parametrize("count", [2, 6])
def test_pack_reads_do_not_grow(carol_client, alice, carol, django_assert_max_num_queries, count):
    cases = [submitted_case(alice, patient={"mrn": f"P{n}"}) for n in range(count)]
    per_case = _audit_cost(carol, cases[0])
    _warm_up(carol_client)
    # Reads stay constant; only the audit trail's one entry per printed case grows with the pack.
    # (7 reads, plus up to 4 for the discussion and decisions the pack prints, prefetched for all cases.)
    with django_assert_max_num_queries(11 + per_case * count):
        response = carol_client.get(reverse("assessments:board_pack"), {"case": [c.pk for c in cases]})
    assert body(response).count('class="pack-page"') == count


@pytest.mark.parametrize("count", [2, 6])
def test_csv_reads_do_not_grow(carol_client, alice, carol, django_assert_max_num_queries, count):
    cases = [submitted_case(alice, patient={"mrn": f"C{n}"}) for n in range(count)]
    per_case = _audit_cost(carol, cases[0])
    _warm_up(carol_client)
    with django_assert_max_num_queries(7 + per_case * count):
        response = carol_client.get(reverse("assessments:board_queue_csv"))
    assert len(_csv(response)) == count + 1


@pytest.mark.parametrize("count", [2, 9])
def test_dashboard_queries_do_not_grow(carol_client, alice, carol, django_assert_max_num_queries, count):
    for n in range(count):
        case = submitted_case(alice, patient={"mrn": f"D{n}"})
        decide(case, carol, pathway_code="cebrt" if n % 2 else RECOMMENDED, reason="r")
        _set_times(case, mri_at=timezone.now() - datetime.timedelta(hours=n + 2))
    summary_rebuild()  # times set behind the services' back
    _warm_up(carol_client)
    with django_assert_max_num_queries(12):
        response = carol_client.get(reverse("assessments:board_dashboard"))
    assert metric(body(response), "decisions") == str(count)


# --- Strict CSP ------------------------------------------------------------------------------------


def test_board_pages_have_no_inline_styles_or_scripts(carol_client, alice, carol):
    case = submitted_case(alice)
    decided = submitted_case(alice)
    decision = decide(decided, carol)
    pages = [
        reverse("assessments:board_queue"),
        reverse("assessments:board_dashboard"),
        reverse("assessments:board_decide", args=[case.pk]),
        reverse("assessments:case_return", args=[case.pk]),
        reverse("assessments:board_decision_correct", args=[decision.pk]),
        case.get_absolute_url(),
        reverse("assessments:board_pack") + f"?case={case.pk}",
    ]
    for url in pages:
        page = body(carol_client.get(url))
        assert " style=" not in page and "<style" not in page, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url


# --- The clinician sees the board's outcome ----------------------------------------


def test_returned_case_shows_returned_by_the_board_with_comment(alice_client, alice, carol):
    case = submitted_case(alice, patient={"patient_name": "Back From Board"})
    board_services.case_return_to_clinician(case=case, user=carol, comment="Need the MRI of the whole spine.")
    listing = body(alice_client.get(reverse("assessments:case_list")))
    row = listing.split("Back From Board")[1].split("</tr>")[0]
    assert "Returned by the board" in row and "Need the MRI of the whole spine." in row
    page = body(alice_client.get(case.get_absolute_url()))
    returned = page.split('id="returned-by-board"')[1].split("</div>")[0]
    assert "Returned by the board" in returned and "Need the MRI of the whole spine." in returned


def test_decided_case_shows_the_boards_decision_beside_the_recommendation(alice_client, alice, carol):
    case = submitted_case(alice, patient={"patient_name": "Decided Patient"})
    decide(case, carol, pathway_code="cebrt", reason="Not fit for surgery this week.")
    listing = body(alice_client.get(reverse("assessments:case_list")))
    row = listing.split("Decided Patient")[1].split("</tr>")[0]
    assert "Board: " in row and "departs from the recommendation" in row
    page = body(alice_client.get(case.get_absolute_url()))
    outcome = page.split('id="board-outcome"')[1].split('id="sins')[0]
    assert "Departs from the recommendation" in outcome or "departs" in outcome.lower()
    assert "The rules recommended" in outcome and "rule P8" in outcome


# --- Lifecycle -----------------------------------------------------------------


def test_decision_numbers_count_within_the_case(alice_client, alice, carol):
    other = submitted_case(alice)
    decide(other, carol)  # another case's decision takes a global id first
    case = submitted_case(alice)
    first = decide(case, carol)
    second = decide(case, carol, pathway_code="cebrt", reason="Not fit", supersedes=first)
    assert (first.number, second.number) == (1, 2)
    assert second.pk >= 3  # its global id is not its number
    page = body(alice_client.get(case.get_absolute_url()))
    assert "Corrects decision #1:" in page and "#2</span>" in page
    assert f"#{second.pk}</span>" not in page


def test_decided_case_closes_after_treatment_start_or_with_a_reason(alice_client, alice, carol):
    case = submitted_case(alice)
    decide(case, carol)
    url = reverse("assessments:case_close", args=[case.pk])
    assert reverse("assessments:case_close", args=[case.pk]) in body(alice_client.get(case.get_absolute_url()))
    refused = alice_client.post(url, {"reason": ""})
    assert refused.status_code == 422 and "no treatment start is recorded" in body(refused)
    assert alice_client.post(url, {"reason": "Patient chose palliative care at home."}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    assert case.close_reason == "Patient chose palliative care at home."
    assert AuditEntry.objects.filter(action="case.close", target_id=str(case.pk)).count() == 1
    assert "Patient chose palliative care" in body(alice_client.get(case.get_absolute_url()))


def test_case_with_treatment_started_closes_without_a_reason(alice, carol):
    case = submitted_case(alice)
    decide(case, carol)
    board_services.case_treatment_start_record(case=case, user=alice, started_at=timezone.now())
    assert board_services.case_close(case=case, user=alice).status == CaseStatus.CLOSED


def test_draft_is_discarded_hidden_audited_and_restored_by_its_owner(alice_client, alice, bob):
    from django.test import Client

    case = make_case(alice, patient={"patient_name": "Discard Me"})
    assert alice_client.post(reverse("assessments:case_discard", args=[case.pk])).status_code == 302
    case.refresh_from_db()
    assert case.discarded_at is not None and Case.objects.filter(pk=case.pk).exists()
    assert "Discard Me" not in body(alice_client.get(reverse("assessments:case_list")))
    assert "Discard Me" in body(alice_client.get(reverse("assessments:case_list"), {"discarded": "1"}))
    assert alice_client.get(reverse("assessments:case_edit", args=[case.pk])).status_code == 403
    bob_client = Client()
    bob_client.force_login(bob)
    assert bob_client.post(reverse("assessments:case_restore", args=[case.pk])).status_code == 404
    assert alice_client.post(reverse("assessments:case_restore", args=[case.pk])).status_code == 302
    case.refresh_from_db()
    assert case.discarded_at is None
    assert "Discard Me" in body(alice_client.get(reverse("assessments:case_list")))
    actions = list(AuditEntry.objects.filter(target_id=str(case.pk)).values_list("action", flat=True))
    assert "case.discard" in actions and "case.restore" in actions


def test_submitted_case_cannot_be_discarded(alice_client, alice):
    case = submitted_case(alice)
    assert alice_client.post(reverse("assessments:case_discard", args=[case.pk])).status_code == 403


def test_pack_and_case_page_count_hours_without_walking_to_the_meeting(carol_client, alice):
    case = submitted_case(alice, motor_status="nonambulatory", hours_nonambulatory=40)
    assert "time_critical" in str(case.result["alerts"])
    # Ten hours later, still waiting for the board:
    Case.objects.filter(pk=case.pk).update(ambulation_lost_at=case.ambulation_lost_at - datetime.timedelta(hours=10))
    pack = body(carol_client.get(reverse("assessments:board_pack"), {"case": [case.pk]}))
    assert "Not walking for more than 48 h" in pack  # the pack prints alert titles (one line, to fit A4)
    review = body(carol_client.get(case.get_absolute_url()))
    assert 'data-alert="nonambulatory_over_48h"' in review
