"""A handover offer tells the clinician offered the case, and the answer tells the one who offered it:
in the app and by e-mail through the task queue, as the board's notifications do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.cases import services
from board.models import EmailDelivery, Notification
from tests.factories import make_case
from tests.test_notifications import run_worker, smtp_server, smtp_settings  # noqa: F401 (fixtures)


def _with_email(*users) -> None:
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save()


def test_an_offer_reaches_the_clinician_offered_the_case_in_the_app_and_by_e_mail(
    transactional_db,
    smtp_server,  # noqa: F811
    smtp_settings,  # noqa: F811
    alice,
    bob,
    django_capture_on_commit_callbacks,
):
    _with_email(alice, bob)
    case = make_case(alice, patient={"patient_name": "Secret Name"})
    with django_capture_on_commit_callbacks(execute=True):
        services.case_handover_propose(case=case, user=alice, to_user=bob, note="Night shift: over to you")
    notification = Notification.objects.get()
    assert (notification.recipient, notification.case_id, notification.kind) == (bob, case.pk, "handover_offered")
    assert smtp_server.messages == []  # only the queue sends
    run_worker()
    [(_, recipients, content)] = smtp_server.messages
    assert recipients == ["bob@example.org"]
    assert "Case handover offered to you" in content and f"case {case.pk}" in content
    assert "Secret Name" not in content and "Night shift" not in content  # nothing of the patient by e-mail


def test_accepting_tells_the_clinician_who_offered(alice, bob, django_capture_on_commit_callbacks):
    _with_email(alice, bob)
    case = make_case(alice)
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="Yours")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.case_handover_answer(case=case, user=bob, accept=True)
    answer = Notification.objects.get(recipient=alice)
    assert answer.kind == "handover_accepted"
    assert EmailDelivery.objects.get(notification=answer).to == "alice@example.org"
    assert len(queued) == 1  # the e-mail goes to the queue once the answer is saved


def test_declining_tells_the_clinician_who_offered(alice, bob):
    case = make_case(alice)
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="Yours")
    services.case_handover_answer(case=case, user=bob, accept=False, response_note="On leave tomorrow")
    assert list(Notification.objects.filter(recipient=alice).values_list("kind", flat=True)) == ["handover_declined"]
    assert list(Notification.objects.filter(recipient=bob).values_list("kind", flat=True)) == ["handover_offered"]


def test_a_refused_offer_notifies_nobody(alice, bob, carol):
    case = make_case(alice)
    with pytest.raises(services.HandoverError):
        services.case_handover_propose(case=case, user=alice, to_user=carol, note="Board member")
    assert not Notification.objects.exists()


def test_the_offer_made_on_the_page_shows_in_the_recipients_notifications(alice, bob, client):
    case = make_case(alice)
    client.force_login(alice)
    client.post(
        reverse("assessments:case_handover_propose", args=[case.pk]), {"to_user": str(bob.pk), "note": "Over to you"}
    )
    client.force_login(bob)
    page = client.get(reverse("meetings:notification_list")).content.decode()
    assert 'data-kind="handover_offered"' in page and "Case handover offered to you" in page
