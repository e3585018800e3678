"""Notifications name the case as clinicians know it: by patient in the app (audited), without identifiers by e-mail."""

from __future__ import annotations

from django.urls import reverse

from audit.models import AuditEntry
from board import services
from board.models import EmailDelivery, Notification
from board.tasks import email_text
from tests.factories import make_case


def _returned(alice, carol):
    alice.email = "alice@example.org"
    alice.save()
    case = make_case(alice, patient={"patient_name": "Nina Notified", "mrn": "NN-1001"}, spinal_level="T6")
    case = services.case_submit_to_board(case=case, user=alice, question="?", meeting_date=None)
    services.case_return_to_clinician(case=case, user=carol, comment="More please")
    return case


def test_the_app_names_the_patient_and_records_the_read(client, alice, carol):
    case = _returned(alice, carol)
    client.force_login(alice)
    page = client.get(reverse("meetings:notification_list")).content.decode()
    assert "Case returned by the board: Nina Notified, MRN NN-1001 (T6)" in page
    assert f": case {case.pk}<" not in page
    assert AuditEntry.objects.filter(action="case.view", actor=alice, target_id=str(case.pk)).exists()


def test_the_email_names_whose_case_level_and_date_but_no_patient(alice, carol):
    case = _returned(alice, carol)
    subject, body = email_text(EmailDelivery.objects.get(notification__case=case))
    assert subject.startswith("ESCC: Case returned by the board: Alice's T6 case of ")
    assert f"(case {case.pk})" in subject
    for identifier in ("Nina", "Notified", "NN-1001", case.patient.date_of_birth.isoformat()):
        assert identifier not in subject + body


def test_a_user_who_cannot_open_the_case_sees_it_without_the_patient(client, alice, bob, carol):
    case = _returned(alice, carol)
    Notification.objects.create(recipient=bob, case=case, kind="action")  # an action on alice's case
    client.force_login(bob)
    page = client.get(reverse("meetings:notification_list")).content.decode()
    assert "Action assigned to you: Alice&#x27;s T6 case of" in page
    assert "Nina Notified" not in page and "NN-1001" not in page
    assert not AuditEntry.objects.filter(action="case.view", actor=bob).exists()
