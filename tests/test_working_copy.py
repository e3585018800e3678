"""The working copy: unsaved entries kept on the server as the user types, put back, discarded on save."""

from __future__ import annotations

import io
import json
import re
import uuid

import pytest
from django.urls import reverse

from assessments.models import Case, WorkingCopy
from audit.models import AuditEntry
from audit.tamper import Protection, declaration
from board import services as board_services
from tests.factories import ASSESSMENT, form_post, make_case

HX = {"HX-Request": "true"}
NEW = reverse("assessments:working_copy_new")


def _half_typed(**overrides):
    """A new form half filled: the patient's name and some findings, no ESCC grade yet."""
    return form_post(**{"patient_name": "Half Typed", "escc_grade": None, **overrides})


def test_typing_keeps_a_working_copy_on_the_server_and_audits_it(alice_client, alice):
    response = alice_client.post(NEW, _half_typed(), headers=HX)
    assert response.status_code == 200
    assert "Unsaved entries kept on the server at" in response.content.decode()
    copy = WorkingCopy.objects.get(user=alice, case=None)
    assert copy.entries["patient_name"] == ["Half Typed"]
    assert "csrfmiddlewaretoken" not in copy.entries
    assert Case.objects.count() == 0, "a working copy is not a case nor a version"
    entry = AuditEntry.objects.filter(action="working_copy.save").get()
    assert entry.actor == alice and entry.target_id == str(copy.pk)
    # Typing on replaces the one copy; each write is audited.
    alice_client.post(NEW, _half_typed(patient_name="Half Typed Two"), headers=HX)
    assert WorkingCopy.objects.get(user=alice).entries["patient_name"] == ["Half Typed Two"]
    assert AuditEntry.objects.filter(action="working_copy.save").count() == 2


def test_coming_back_restores_the_entries_with_a_banner_including_radios(alice_client):
    alice_client.post(NEW, _half_typed(sins_pain="pain_free"), headers=HX)
    body = alice_client.get(reverse("assessments:case_create")).content.decode()
    assert 'id="working-copy-restored"' in body
    assert "We restored your unsaved entries from" in body
    assert 'value="Half Typed"' in body
    assert re.search(r'<input[^>]*name="lesions-0-sins_pain" value="pain_free"[^>]*checked', body)
    assert 'data-unsaved="restored"' in body


def test_the_working_copy_is_the_users_own(alice_client, client, bob):
    alice_client.post(NEW, _half_typed(), headers=HX)
    client.force_login(bob)
    body = client.get(reverse("assessments:case_create")).content.decode()
    assert "Half Typed" not in body and "working-copy-restored" not in body


def test_another_clinicians_case_has_no_working_copy_for_them(client, alice, bob):
    case = make_case(alice)
    client.force_login(bob)
    response = client.post(reverse("assessments:working_copy", args=[case.pk]), form_post(), headers=HX)
    assert response.status_code == 404
    assert not WorkingCopy.objects.exists()


def test_saving_the_case_discards_the_working_copy(alice_client, alice):
    alice_client.post(NEW, _half_typed(), headers=HX)
    response = alice_client.post(reverse("assessments:case_create"), form_post(patient_name="Half Typed"))
    assert response.status_code == 302
    assert not WorkingCopy.objects.filter(user=alice).exists()
    assert AuditEntry.objects.filter(action="working_copy.discard").count() == 1
    assert "working-copy-restored" not in alice_client.get(reverse("assessments:case_create")).content.decode()


def test_a_late_copy_of_a_saved_form_is_not_kept(alice_client, alice):
    token = str(uuid.uuid4())
    alice_client.post(reverse("assessments:case_create"), form_post(save_token=token))
    response = alice_client.post(NEW, form_post(save_token=token), headers=HX)
    assert response.status_code == 200
    assert not WorkingCopy.objects.filter(user=alice).exists()


def test_discard_button_throws_the_entries_away(alice_client, alice):
    alice_client.post(NEW, _half_typed(), headers=HX)
    response = alice_client.post(reverse("assessments:working_copy_new_discard"), follow=True)
    body = response.content.decode()
    assert "Unsaved entries discarded." in body
    assert "Half Typed" not in body
    assert not WorkingCopy.objects.filter(user=alice).exists()


def test_an_edit_keeps_its_own_copy_and_saving_a_version_discards_it(alice_client, alice):
    case = make_case(alice)
    url = reverse("assessments:working_copy", args=[case.pk])
    alice_client.post(url, form_post(version=str(case.version), clinical_notes="Typed, not saved"), headers=HX)
    body = alice_client.get(reverse("assessments:case_edit", args=[case.pk])).content.decode()
    assert "We restored your unsaved entries from" in body and "Typed, not saved" in body
    case.refresh_from_db()
    assert case.version == 1 and case.clinical_notes != "Typed, not saved", "not a version"
    alice_client.post(
        reverse("assessments:case_edit", args=[case.pk]), form_post(version="1", clinical_notes="Now saved")
    )
    assert not WorkingCopy.objects.filter(case=case).exists()


def test_no_copy_is_kept_of_a_case_with_the_board(alice_client, alice):
    case = make_case(alice)
    board_services.case_submit_to_board(case=case, user=alice, question="?", meeting_date=None)
    response = alice_client.post(reverse("assessments:working_copy", args=[case.pk]), form_post(), headers=HX)
    assert "not kept on the server: this case is with the tumor board" in response.content.decode()
    assert not WorkingCopy.objects.exists()


@pytest.mark.parametrize("name", ["case_create", "case_edit"])
def test_the_form_is_never_stored_by_the_browser(alice_client, alice, name):
    args = [make_case(alice).pk] if name == "case_edit" else []
    response = alice_client.get(reverse(f"assessments:{name}", args=args))
    assert "no-store" in response["Cache-Control"]
    assert 'autocomplete="off"' in response.content.decode()


def test_working_copy_is_declared_a_draft_not_the_record():
    assert declaration(WorkingCopy).protection is Protection.NOT_RECORD


def test_an_imported_case_keeps_its_entries_as_a_new_case(alice_client):
    upload = io.BytesIO(json.dumps(ASSESSMENT).encode())
    upload.name = "case.json"
    page = alice_client.post(reverse("assessments:case_import"), {"file": upload}).content.decode()
    assert f'hx-post="{NEW}"' in page


def test_an_entry_that_cannot_be_stored_is_refused_by_name_and_nothing_kept(alice_client, alice):
    from assessments.models import WorkingCopy

    response = alice_client.post(
        reverse("assessments:working_copy_new"), {"clinical_notes": "before\x00after"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert "Not kept: clinical_notes holds a character that cannot be stored." in response.content.decode()
    assert not WorkingCopy.objects.filter(user=alice).exists()
