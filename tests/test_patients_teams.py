"""The patient record (one per MRN, cases as episodes), care teams and handover."""

from __future__ import annotations

import datetime
import os
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.cases import services
from assessments.models import CareTeam, Case, CaseHandover, HandoverStatus, Patient, PatientMrnKey
from assessments.patients import services as patient_services
from audit.models import AuditEntry
from board import services as board_services
from board.models import Notification, NotificationKind
from tests.conftest import make_user
from tests.factories import PATIENT, form_post, make_case


def entries(action: str, **filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, **filters).order_by("seq"))


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def frank(db):
    return make_user("frank", "Clinician")


@pytest.fixture
def team(alice, db) -> CareTeam:
    """Spinal oncology, with erin and alice; bob is in no team."""
    spinal = CareTeam.objects.create(name="Spinal oncology")
    spinal.members.add(alice, make_user("erin", "Clinician"))
    return spinal


# --- The patient record ------------------------------------------------------------------------------


def test_cases_with_one_mrn_are_episodes_of_one_patient(alice):
    first = make_case(alice)
    second = make_case(alice, spinal_level="L2")
    other = make_case(alice, patient={"mrn": "H7654321", "patient_name": "Ben Other"})
    assert first.patient_id == second.patient_id != other.patient_id
    assert Patient.objects.get(pk=first.patient_id).mrn == PATIENT["mrn"]
    assert list(first.patient.episodes.order_by("pk")) == [first, second]


def test_patient_page_lists_the_episodes_newest_first_and_is_audited(alice):
    first = make_case(alice)
    second = make_case(alice, spinal_level="L2")
    client = login(alice)
    response = client.get(reverse("assessments:patient_detail", args=[first.patient_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(f'data-episode="{second.pk}"') < body.index(f'data-episode="{first.pk}"')
    assert PATIENT["patient_name"] in body and "L2" in body
    (view,) = entries("patient.view", actor=alice)
    assert view.target_type == "assessments.patient" and view.target_id == str(first.patient_id)
    assert {e.target_id for e in entries("case.view", actor=alice)} == {str(first.pk), str(second.pk)}


@pytest.mark.parametrize("viewer", ["bob", "carol", "dave"])
def test_patient_page_is_404_to_users_who_see_none_of_its_episodes(alice, bob, carol, dave, viewer):
    case = make_case(alice)  # a draft: not the board's, not bob's
    client = login({"bob": bob, "carol": carol, "dave": dave}[viewer])
    assert client.get(reverse("assessments:patient_detail", args=[case.patient_id])).status_code == 404
    assert client.get(reverse("assessments:patient_detail", args=[case.patient_id + 999])).status_code == 404
    assert not entries("patient.view")


def test_board_member_sees_the_patient_through_a_case_with_the_board(alice, carol):
    draft = make_case(alice)
    submitted = board_services.case_submit_to_board(case=make_case(alice), user=alice, question="?", meeting_date=None)
    response = login(carol).get(reverse("assessments:patient_detail", args=[draft.patient_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-episode="{submitted.pk}"' in body and f'data-episode="{draft.pk}"' not in body
    assert 'id="hidden-episodes"' in body  # the draft exists, and who holds it, nothing more


def test_new_case_for_a_known_mrn_is_attached_and_says_so(alice_client, alice):
    first = make_case(alice)
    response = alice_client.post(reverse("assessments:case_create"), form_post())
    assert response.status_code == 302
    second = Case.objects.exclude(pk=first.pk).get()
    assert second.patient_id == first.patient_id
    assert any("Attached to the existing patient record" in text for text in texts(response))
    page = alice_client.get(response["Location"])
    assert "1 other episode" in page.content.decode() or "Attached to the existing" in page.content.decode()


def test_first_case_of_a_patient_creates_the_record_quietly(alice_client):
    response = alice_client.post(reverse("assessments:case_create"), form_post())
    assert response.status_code == 302
    assert not any("Attached" in text for text in texts(response))
    assert Patient.objects.get().name == PATIENT["patient_name"]
    assert entries("patient.create")


def test_differing_details_for_a_known_mrn_are_refused_with_the_entries_kept(alice_client, alice):
    make_case(alice)
    data = form_post(patient_name="Anne Exemple", date_of_birth="1961-05-17", clinical_notes="Typed notes")
    response = alice_client.post(reverse("assessments:case_create"), data)
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="Anne Exemple"' in body and "Typed notes" in body  # nothing lost
    assert "already registered with other details" in body
    # alice may see the patient: the stored details are shown to her.
    assert "Patient name: the patient record for this MRN has Ann Example." in body and "17/05/1960" in body
    assert Case.objects.count() == 1
    patient = Patient.objects.get()
    assert (patient.name, patient.date_of_birth) == ("Ann Example", datetime.date(1960, 5, 17))  # not overwritten
    # Showing her the stored details is a read of the patient record.
    assert AuditEntry.objects.filter(action="patient.view", actor=alice, target_id=str(patient.pk)).count() == 1


def _marked_invalid(body: str) -> list[str]:
    """The names of the inputs a page marks invalid, in page order."""
    return re.findall(
        r'<(?:input|select|textarea)[^>]*class="[^"]*is-invalid[^"]*"[^>]*name="([^"]+)"', body
    ) + re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"[^>]*class="[^"]*is-invalid', body)


def _errors_shown(body: str) -> list[str]:
    """Every error text the page shows: the summary and each field's feedback, tags stripped."""
    found = re.findall(
        r'class="[^"]*(?:invalid-feedback|alert alert-danger)[^"]*"[^>]*>(.*?)</(?:div|span|p)>', body, re.S
    )
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in found]


@pytest.mark.parametrize(
    "guess",
    [{"patient_name": "Someone Else"}, {"date_of_birth": "1961-05-17"}, {"sex": "male"}],
    ids=["name", "birth date", "sex"],
)
def test_a_user_who_may_not_see_the_patient_is_not_told_which_detail_differs(alice, bob, guess):
    """Whichever detail is wrong, the refusal reads the same: trying values one at a time learns nothing."""
    make_case(alice)
    client = login(bob)
    baseline = client.post(reverse("assessments:case_create"), form_post(patient_name="Nobody Atall", sex="male"))
    response = client.post(reverse("assessments:case_create"), form_post(clinical_notes="Bob's notes", **guess))
    assert response.status_code == baseline.status_code == 422
    body = response.content.decode()
    assert _errors_shown(body) == _errors_shown(baseline.content.decode())
    assert sorted(set(_marked_invalid(body))) == ["mrn"]
    assert "name, date of birth or sex differ" in body and "against the hospital record" in body
    assert "Differs from the patient record" not in body
    assert not any("Ann Example" in error or "1960" in error or "Female" in error for error in _errors_shown(body))
    assert "Bob&#x27;s notes" in body and all(str(value) in body for value in guess.values())  # nothing lost
    assert Case.objects.count() == 1
    assert not AuditEntry.objects.filter(action="patient.view", actor=bob).exists()


def test_every_refusal_is_audited_naming_the_user_and_patient_never_the_values_tried(alice, bob):
    first = make_case(alice)
    login(bob).post(
        reverse("assessments:case_create"), form_post(patient_name="Guessed Name", date_of_birth="1944-02-03")
    )
    login(alice).post(reverse("assessments:case_create"), form_post(patient_name="Ann Exampel"))
    refused = entries("patient.details_refused")
    assert [(e.actor_id, e.target_type, e.target_id, e.details) for e in refused] == [
        (bob.pk, "assessments.patient", str(first.patient_id), {"shown": False, "limited": False}),
        (alice.pk, "assessments.patient", str(first.patient_id), {"shown": True, "limited": False}),
    ]
    for entry in refused:
        recorded = f"{entry.details} {entry.target_repr}"
        assert "Guessed" not in recorded and "1944" not in recorded and "Exampel" not in recorded


def test_an_edit_that_moves_an_episode_onto_a_hidden_patient_is_refused_and_audited_alike(alice, bob):
    make_case(alice)
    own = make_case(bob, patient={"mrn": "B1", "patient_name": "Bob's Patient"})
    response = login(bob).post(
        reverse("assessments:case_edit", args=[own.pk]),
        form_post(version="1", mrn=PATIENT["mrn"], patient_name="Bob's Patient"),
    )
    assert response.status_code == 422
    assert sorted(set(_marked_invalid(response.content.decode()))) == ["mrn"]
    (refusal,) = entries("patient.details_refused", actor=bob)
    assert refusal.details == {"shown": False, "limited": False}


def test_refused_checks_against_hidden_patients_are_limited_per_user_for_a_window(alice, bob, frank):
    make_case(alice)
    bob_client = login(bob)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for year in range(1950, 1950 + patient_services.REFUSALS_ALLOWED):
            bob_client.post(reverse("assessments:case_create"), form_post(date_of_birth=f"{year}-01-01"))
        # The right details now: not even compared, so a match tells nothing either.
        limited = bob_client.post(reverse("assessments:case_create"), form_post(clinical_notes="Right at last"))
        assert limited.status_code == 422
        body = limited.content.decode()
        retry = timezone.localtime(start + patient_services.REFUSALS_WINDOW).strftime("%H:%M")
        assert "too many saves" in body and f"Try at {retry}" in body and "Right at last" in body
        assert Case.objects.count() == 1
        assert entries("patient.details_refused", actor=bob)[-1].details == {"shown": False, "limited": True}
        # Another clinician is not held back by bob's refusals.
        assert login(frank).post(reverse("assessments:case_create"), form_post()).status_code == 302
    with time_machine.travel(start + patient_services.REFUSALS_WINDOW + datetime.timedelta(minutes=1), tick=False):
        assert bob_client.post(reverse("assessments:case_create"), form_post()).status_code == 302


def test_refusals_a_user_may_see_are_not_limited(alice_client, alice):
    make_case(alice)
    for year in range(1950, 1950 + patient_services.REFUSALS_ALLOWED + 1):
        refused = alice_client.post(reverse("assessments:case_create"), form_post(date_of_birth=f"{year}-01-01"))
        assert "Date of birth: the patient record for this MRN has 17/05/1960." in refused.content.decode()
    assert alice_client.post(reverse("assessments:case_create"), form_post()).status_code == 302


@pytest.mark.parametrize("typed", ["nc-1001", " NC-1001 ", "Nc-1001"])
def test_an_mrn_typed_in_another_case_or_with_spaces_is_the_same_patient(alice_client, alice, typed):
    first = make_case(alice, patient={"mrn": "NC-1001"})
    response = alice_client.post(reverse("assessments:case_create"), form_post(mrn=typed))
    assert response.status_code == 302
    assert Case.objects.exclude(pk=first.pk).get().patient_id == first.patient_id
    assert list(Patient.objects.values_list("mrn", "mrn_key__key")) == [("NC-1001", "nc-1001")]  # as first typed


def test_one_record_per_mrn_as_compared_is_held_by_the_database(alice):
    from django.db import IntegrityError, transaction

    make_case(alice, patient={"mrn": "NC-1001"})
    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.create(mrn="nc-1001", name="Other", date_of_birth=datetime.date(1970, 1, 1), sex="male")


def test_a_record_left_without_a_key_is_found_by_its_exact_mrn_and_others_by_the_key(alice):
    keyed = make_case(alice, patient={"mrn": "NC-1001"}).patient
    # As migration 0018 leaves a second record whose MRN differed only in case.
    legacy = Patient.objects.create(
        mrn="TEMP-1", name="Ann Example", date_of_birth=PATIENT["date_of_birth"], sex="female"
    )
    Patient.objects.filter(pk=legacy.pk).update(mrn="nc-1001")
    PatientMrnKey.objects.filter(patient=legacy).delete()
    assert patient_services.patient_by_mrn(mrn="nc-1001") == legacy
    assert patient_services.patient_by_mrn(mrn="NC-1001 ") == keyed
    assert patient_services.patient_by_mrn(mrn="nC-1001") == keyed
    legacy.refresh_from_db()
    legacy.name = "Ann Example-Smith"
    legacy.save()  # a correction keeps it without a key, so it does not collide with the keyed record
    assert not PatientMrnKey.objects.filter(patient=legacy).exists()


def test_names_differing_only_in_case_and_accents_are_the_same_patient(alice_client, alice):
    first = make_case(alice, patient={"patient_name": "José Núñez", "mrn": "J1"})
    response = alice_client.post(reverse("assessments:case_create"), form_post(mrn="J1", patient_name="JOSE NUNEZ"))
    assert response.status_code == 302
    assert Case.objects.exclude(pk=first.pk).get().patient_id == first.patient_id
    assert Patient.objects.get(mrn="J1").name == "José Núñez"  # the record is not rewritten


def test_earlier_episodes_not_shared_are_named_with_who_can_share_them_and_audited(alice, bob, team):
    hidden = make_case(alice, patient={"clinical_notes": "Secret history"}, spinal_level="L4")
    services.case_share_with_team(case=hidden, user=alice, team=team)
    client = login(bob)
    response = client.post(reverse("assessments:case_create"), form_post(), follow=True)
    body = response.content.decode()
    assert "1 of them is not shared with you" in body
    assert "Alice" in body and "Spinal oncology" in body
    assert "Secret history" not in body and f"/cases/{hidden.pk}/" not in body
    (disclosed,) = entries("patient.episodes_disclosed", actor=bob)
    assert disclosed.details == {"episodes": [hidden.pk]}
    assert not entries("case.view", actor=bob, target_id=str(hidden.pk))


def test_editing_an_episode_corrects_the_patient_record_versioned_and_audited(alice_client, alice):
    case = make_case(alice)
    response = alice_client.post(
        reverse("assessments:case_edit", args=[case.pk]), form_post(version="1", patient_name="Ann Example-Smith")
    )
    assert response.status_code == 302
    patient = Patient.objects.get()
    assert patient.name == "Ann Example-Smith"
    assert [h.name for h in patient.history.order_by("history_id")] == ["Ann Example", "Ann Example-Smith"]
    (update,) = entries("patient.update")
    assert {k: v for k, v in update.details.items() if k != "records"} == {"fields": ["patient_name"]}


def test_search_finds_cases_by_the_patients_name(alice_client, alice):
    make_case(alice, patient={"patient_name": "Aminata N'Diaye", "mrn": "A1"})
    make_case(alice, patient={"patient_name": "Other Person", "mrn": "O1"})
    alice_client.post(reverse("assessments:case_list"), {"q": "ndiaye"})
    body = alice_client.get(reverse("assessments:case_list")).content.decode()
    assert "Aminata N&#x27;Diaye" in body and "Other Person" not in body


# --- Care teams ---------------------------------------------------------------------------------------


def test_team_member_sees_and_edits_the_teams_case_with_the_version_check(alice, team):
    erin = team.members.get(username="erin")
    case = make_case(alice)
    client = login(erin)
    assert client.get(case.get_absolute_url()).status_code == 404
    services.case_share_with_team(case=case, user=alice, team=team)
    assert client.get(case.get_absolute_url()).status_code == 200
    edit = reverse("assessments:case_edit", args=[case.pk])
    assert client.post(edit, form_post(version="1", clinical_notes="Erin's note")).status_code == 302
    case.refresh_from_db()
    assert (case.version, case.clinical_notes, case.owner_id) == (2, "Erin's note", alice.pk)
    # A save based on the version before erin's is refused, as for the owner.
    stale = login(alice).post(edit, form_post(version="1", clinical_notes="Alice's older tab"))
    assert stale.status_code == 409
    case.refresh_from_db()
    assert case.clinical_notes == "Erin's note"


def test_non_members_still_get_404_on_a_team_case(alice, bob, team):
    case = services.case_share_with_team(case=make_case(alice), user=alice, team=team)
    client = login(bob)
    for url in (case.get_absolute_url(), reverse("assessments:case_edit", args=[case.pk])):
        assert client.get(url).status_code == 404
    assert client.get(reverse("assessments:patient_detail", args=[case.patient_id])).status_code == 404


def test_only_the_owner_shares_a_case_and_sharing_is_audited(alice, team):
    erin = team.members.get(username="erin")
    case = services.case_share_with_team(case=make_case(alice), user=alice, team=team)
    # A team member may edit, not re-share or un-share (share is the owner's decision).
    assert login(erin).post(reverse("assessments:case_share", args=[case.pk]), {"team": ""}).status_code == 404
    response = login(alice).post(reverse("assessments:case_share", args=[case.pk]), {"team": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.team_id is None
    shares = entries("case.share", actor=alice)
    assert [e.details["team"] for e in shares] == [team.pk, None]


def test_my_teams_cases_lists_the_teams_cases_only(alice, bob, team):
    erin = team.members.get(username="erin")
    shared = services.case_share_with_team(
        case=make_case(alice, patient={"patient_name": "Shared Patient"}), user=alice, team=team
    )
    make_case(alice, patient={"patient_name": "Private Patient"})
    make_case(bob, patient={"patient_name": "Bobs Patient"})
    response = login(erin).get(reverse("assessments:team_case_list"))
    body = response.content.decode()
    assert "Shared Patient" in body and "Private Patient" not in body and "Bobs Patient" not in body
    assert "Spinal oncology" in body
    assert entries("case.view", actor=erin)[0].target_id == str(shared.pk)
    assert "You are in no care team" in login(bob).get(reverse("assessments:team_case_list")).content.decode()


def test_team_changes_in_the_admin_are_audited(dave, bob):
    from django.contrib.auth.models import User

    root = User.objects.create_superuser("root2", password="x-Very-Long-Passw0rd")
    client = login(root)
    response = client.post(
        reverse("admin:assessments_careteam_add"),
        {"name": "On-call oncology", "description": "Nights and weekends", "memberships-TOTAL_FORMS": "1",
         "memberships-INITIAL_FORMS": "0", "memberships-0-user": str(bob.pk)},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    team = CareTeam.objects.get(name="On-call oncology")
    assert list(team.members.all()) == [bob]
    changes = entries("team.change")
    assert {"change": "created"} in [e.details for e in changes]
    assert {"added": bob.pk} in [e.details for e in changes]
    assert all(e.actor_id == root.pk for e in changes)


def test_clinicians_cannot_reach_the_team_admin(alice_client):
    assert alice_client.get(reverse("admin:assessments_careteam_changelist")).status_code == 302


# --- Handover -----------------------------------------------------------------------------------------


def _propose(client, case, to_user, note="Plan: MRI at 8, surgeon aware."):
    return client.post(
        reverse("assessments:case_handover_propose", args=[case.pk]), {"to_user": str(to_user.pk), "note": note}
    )


def test_handover_proposed_and_accepted_moves_the_case_and_shows_the_note(alice, bob):
    case = make_case(alice)
    assert _propose(login(alice), case, bob).status_code == 302
    case.refresh_from_db()
    assert case.owner_id == alice.pk  # until bob accepts
    bob_client = login(bob)
    page = bob_client.get(case.get_absolute_url())
    assert page.status_code == 200 and 'id="handover-offer"' in page.content.decode()
    assert "MRI at 8" in page.content.decode()
    assert bob_client.get(reverse("assessments:case_edit", args=[case.pk])).status_code == 404  # not his yet
    accepted = bob_client.post(reverse("assessments:case_handover_accept", args=[case.pk]), {"response_note": "Got it"})
    assert accepted.status_code == 302
    case.refresh_from_db()
    assert case.owner_id == bob.pk
    assert bob_client.get(reverse("assessments:case_edit", args=[case.pk])).status_code == 200
    assert "MRI at 8" in bob_client.get(case.get_absolute_url()).content.decode()  # the note stays on the case
    assert login(alice).get(case.get_absolute_url()).status_code == 404  # alice is in no team of the case
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="case.handover").order_by("seq")] == [
        "case.handover_propose",
        "case.handover_accept",
    ]
    assert CaseHandover.objects.get().status == HandoverStatus.ACCEPTED


def test_the_previous_owner_keeps_seeing_a_handed_over_case_through_the_team(alice, bob, team):
    team.members.add(bob)
    case = services.case_share_with_team(case=make_case(alice), user=alice, team=team)
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="Over to you")
    services.case_handover_answer(case=case, user=bob, accept=True)
    assert login(alice).get(case.get_absolute_url()).status_code == 200


def test_declined_handover_leaves_the_case_with_its_owner(alice, bob):
    case = make_case(alice)
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="Can you take this?")
    response = login(bob).post(reverse("assessments:case_handover_decline", args=[case.pk]), {"response_note": "Off"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.owner_id == alice.pk
    assert login(bob).get(case.get_absolute_url()).status_code == 404
    assert entries("case.handover_decline", actor=bob)


def test_handover_needs_a_note_and_a_clinician_and_keeps_what_was_typed(alice, bob, carol):
    case = make_case(alice)
    client = login(alice)
    no_note = _propose(client, case, bob, note="  ")
    assert no_note.status_code == 422 and not CaseHandover.objects.exists()
    to_board = _propose(client, case, carol, note="Please look")
    assert to_board.status_code == 422 and "Please look" in to_board.content.decode()
    assert not CaseHandover.objects.exists()


def test_only_one_handover_waits_at_a_time_and_the_owner_can_withdraw_it(alice, bob, team):
    erin = team.members.get(username="erin")
    case = make_case(alice)
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="First")
    second = _propose(login(alice), case, erin, note="Second")
    assert second.status_code == 422 and "already waiting" in second.content.decode()
    assert login(alice).post(reverse("assessments:case_handover_withdraw", args=[case.pk])).status_code == 302
    assert login(bob).post(reverse("assessments:case_handover_accept", args=[case.pk])).status_code == 404
    case.refresh_from_db()
    assert case.owner_id == alice.pk


def test_nobody_else_can_accept_or_propose_a_handover(alice, bob, team):
    erin = team.members.get(username="erin")
    case = services.case_share_with_team(case=make_case(alice), user=alice, team=team)
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="For bob")
    # erin (team member, sees the case) may not accept bob's offer nor hand alice's case over.
    assert login(erin).post(reverse("assessments:case_handover_accept", args=[case.pk])).status_code == 404
    assert _propose(login(erin), case, bob).status_code == 404
    case.refresh_from_db()
    assert case.owner_id == alice.pk


def test_handovers_waiting_are_listed_on_my_cases(alice, bob):
    case = make_case(alice, patient={"patient_name": "Offered Patient"})
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="Yours?")
    body = login(bob).get(reverse("assessments:case_list")).content.decode()
    assert 'id="handovers-offered"' in body and "Offered Patient" in body
    assert entries("case.view", actor=bob, target_id=str(case.pk))  # the name shown is audited


def test_board_returns_a_handed_over_case_to_its_new_owner(alice, bob, carol):
    case = make_case(alice)
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="Night shift")
    services.case_handover_answer(case=case, user=bob, accept=True)
    case = board_services.case_submit_to_board(case=case, user=bob, question="Operate?", meeting_date=None)
    board_services.case_return_to_clinician(case=case, user=carol, comment="Need the MRI report")
    (notification,) = Notification.objects.filter(case=case, kind=NotificationKind.RETURNED)
    assert notification.recipient_id == bob.pk
    # The former owner may no longer submit or close it.
    with pytest.raises(services.PermissionDenied):
        board_services.case_submit_to_board(case=case, user=alice, question="?", meeting_date=None)


def test_the_patient_records_first_version_names_who_created_it(alice):
    case = make_case(alice)
    (version,) = case.patient.history.all()
    assert version.history_user_id == alice.pk


def test_demo_data_has_two_care_teams(db, settings, monkeypatch):
    from django.core.management import call_command

    settings.DEMO_MODE = True
    monkeypatch.setenv("DEBUG", "true")
    call_command("seed_demo")
    teams = {team.name: sorted(team.members.values_list("username", flat=True)) for team in CareTeam.objects.all()}
    assert teams == {"Spinal oncology": ["alice", "bob"], "On-call oncology": ["bob"]}


def test_sharing_and_handover_are_not_listed_as_changed_findings(alice, bob, team):
    case = services.case_share_with_team(case=make_case(alice), user=alice, team=team)
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="Yours")
    services.case_handover_answer(case=case, user=bob, accept=True)
    body = login(bob).get(case.get_absolute_url()).content.decode()
    history = body.split('id="history"', 1)[1]
    assert "Team" not in history and "Patient:" not in history and "Owner" not in history


def test_the_edit_form_says_a_name_change_corrects_the_patient_record(alice_client, alice):
    case = make_case(alice)
    body = alice_client.get(reverse("assessments:case_edit", args=[case.pk])).content.decode()
    assert "corrects it for all the patient's episodes" in body
    assert 'value="Ann Example"' in body and 'value="H1234567"' in body


# --- A save racing a handover -------------------------------------------------------------------------


def _assessment_of(case):
    from assessments.cases.inputs import case_input

    return case_input(case)


def test_former_owners_save_after_the_handover_is_refused_and_changes_nothing(alice, bob):
    case = make_case(alice)
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="Night shift")
    services.case_handover_answer(case=case, user=bob, accept=True)
    with pytest.raises(services.NoLongerEditorError) as refused:
        services.case_update(
            case_id=case.pk,
            editor=alice,
            based_on_version=1,
            patient={"clinical_notes": "Alice's late edit"},
            assessment=_assessment_of(case),
        )
    assert refused.value.current.owner_id == bob.pk
    case.refresh_from_db()
    assert (case.version, case.clinical_notes, case.owner_id) == (1, "", bob.pk)
    assert not entries("case.update")


def test_a_handover_accepted_while_the_form_was_posted_answers_409_with_the_entries_kept(alice, bob, monkeypatch):
    """The page's access check passes, then the handover is accepted before the save takes the row lock."""
    case = make_case(alice)
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="Night shift")
    real_update = services.case_update

    def accepted_first(**kwargs):
        services.case_handover_answer(case=case, user=bob, accept=True)
        return real_update(**kwargs)

    monkeypatch.setattr(services, "case_update", accepted_first)
    response = login(alice).post(
        reverse("assessments:case_edit", args=[case.pk]),
        form_post(version="1", clinical_notes="Alice's typed notes", patient_name="Ann Example"),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="handed-over"' in body and "Not saved: this case was handed over" in body
    assert "Bob accepted the handover" in body
    assert "Alice&#x27;s typed notes" in body  # everything typed stays in the form
    case.refresh_from_db()
    assert (case.version, case.clinical_notes, case.owner_id) == (1, "", bob.pk)


def test_a_team_member_who_handed_the_case_over_may_still_save_it(alice, bob, team):
    team.members.add(bob)
    case = services.case_share_with_team(case=make_case(alice), user=alice, team=team)
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="Over to you")
    services.case_handover_answer(case=case, user=bob, accept=True)
    saved = services.case_update(
        case_id=case.pk,
        editor=alice,
        based_on_version=1,
        patient={"clinical_notes": "Still on the team"},
        assessment=_assessment_of(case),
    )
    assert (saved.version, saved.clinical_notes, saved.owner_id) == (2, "Still on the team", bob.pk)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite runs one write transaction at a time"
)
def test_a_save_waiting_on_an_accepting_handover_is_refused_once_it_commits(transactional_db, alice, bob):
    """PostgreSQL, two connections: bob's acceptance holds the row lock; alice's save waits, then is refused."""
    import threading

    from django.db import connection, transaction

    case = make_case(alice)
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="Night shift")
    stored = _assessment_of(case)
    holding, release, outcome = threading.Event(), threading.Event(), {}

    def accept_and_hold():
        try:
            with transaction.atomic():
                services.case_handover_answer(case=case, user=bob, accept=True)
                holding.set()
                release.wait(10)
        except Exception as error:  # reported below
            outcome["accept"] = error
        finally:
            connection.close()

    def save_as_alice():
        try:
            services.case_update(
                case_id=case.pk,
                editor=alice,
                based_on_version=1,
                patient={"clinical_notes": "Alice's late edit"},
                assessment=stored,
            )
            outcome["save"] = "saved"
        except Exception as error:
            outcome["save"] = error
        finally:
            connection.close()

    accepting = threading.Thread(target=accept_and_hold)
    accepting.start()
    assert holding.wait(10)
    saving = threading.Thread(target=save_as_alice)
    saving.start()
    saving.join(1)
    assert saving.is_alive(), "alice's save waits for the row lock the acceptance holds"
    release.set()
    accepting.join(10)
    saving.join(10)
    assert "accept" not in outcome
    assert isinstance(outcome["save"], services.NoLongerEditorError)
    case.refresh_from_db()
    assert (case.version, case.clinical_notes, case.owner_id) == (1, "", bob.pk)
