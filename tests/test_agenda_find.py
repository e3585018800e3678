"""A case goes on an agenda by finding its patient by name or MRN among the cases with the board."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from board import services
from tests.factories import make_case
from tests.test_meetings import new_meeting, submitted


def _find(client, meeting, text: str):
    return client.get(reverse("meetings:meeting_detail", args=[meeting.pk]), {"find": text})


def test_a_case_is_found_by_patient_name_and_added_with_its_button(carol_client, alice, carol):
    meeting = new_meeting(carol)
    late = submitted(alice, "Lou Latecomer")
    submitted(alice, "Other Person")
    draft = make_case(alice, patient={"patient_name": "Lou Drafty"})
    page = _find(carol_client, meeting, "lou").content.decode()
    found = page[page.index('id="agenda-candidates"') : page.index("</ul>", page.index('id="agenda-candidates"'))]
    assert "Lou Latecomer" in found and f'data-case="{late.pk}"' in found
    assert "Other Person" not in found and "Lou Drafty" not in found and f'data-case="{draft.pk}"' not in found
    assert f'<input type="hidden" name="case" value="{late.pk}">' in found
    response = carol_client.post(reverse("meetings:meeting_agenda_add", args=[meeting.pk]), {"case": late.pk})
    assert response.status_code == 302
    assert list(meeting.agenda.values_list("case_id", flat=True)) == [late.pk]
    again = _find(carol_client, meeting, "Latecomer").content.decode()
    assert "On this agenda" in again


def test_a_case_is_found_by_mrn_ignoring_case(carol_client, alice, carol):
    meeting = new_meeting(carol)
    case = make_case(alice, patient={"patient_name": "Mia Number", "mrn": "NC-7001"})
    services.case_submit_to_board(case=case, user=alice, question="?", meeting_date=None)
    page = _find(carol_client, meeting, "nc-7001").content.decode()
    assert "Mia Number" in page[page.index('id="agenda-candidates"') :]


def test_the_search_records_the_read_of_each_case_it_shows(carol_client, alice, carol):
    meeting = new_meeting(carol)
    late = submitted(alice, "Lou Latecomer")
    submitted(alice, "Other Person")
    before = AuditEntry.objects.count()
    _find(carol_client, meeting, "Latecomer")
    views = AuditEntry.objects.order_by("seq")[before:]
    assert {(e.action, e.target_id) for e in views if e.action == "case.view"} == {("case.view", str(late.pk))}


def test_an_empty_search_names_the_field_and_no_match_says_so(carol_client, alice, carol):
    meeting = new_meeting(carol)
    empty = _find(carol_client, meeting, "   ")
    assert empty.status_code == 422
    assert "Find a case: type part of the patient" in empty.content.decode()
    none = _find(carol_client, meeting, "Nobody Here").content.decode()
    assert 'id="agenda-no-candidates"' in none


def test_a_clinician_cannot_search_the_board(alice_client, alice):
    meeting = services.meeting_create(created_by=alice, chair=alice, starts_at=timezone.now())
    assert _find(alice_client, meeting, "lou").status_code == 404
