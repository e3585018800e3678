"""Notifications: in the app (list, unread count over HTMX) and by e-mail through the task queue to a real SMTP server."""

from __future__ import annotations

import datetime
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse

from board import services as board_services
from board import tasks
from board.models import DeliveryStatus, EmailDelivery, Notification
from tests.factories import make_case


def _free_port() -> int:
    """A port nothing listens on now, so two test runs on one machine never share a mail server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SMTP_PORT = _free_port()
CLOSED_PORT = _free_port()  # nothing listens here: a mail server that is down


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode()))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = SMTP_PORT
    settings.EMAIL_TIMEOUT = 2
    settings.SITE_URL = "https://escc.example.org"
    return settings


def run_worker() -> None:
    """Run the real worker until the queue is empty. Tests that call it use ``transactional_db``: the
    worker closes connections that are inside a transaction, as a test transaction would be."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def returned_case(alice, carol, django_capture_on_commit_callbacks):
    alice.email = "alice@example.org"
    alice.save()
    case = make_case(alice, patient={"patient_name": "Secret Name"})
    case = board_services.case_submit_to_board(case=case, user=alice, question="?", meeting_date=None)
    with django_capture_on_commit_callbacks(execute=True):
        board_services.case_return_to_clinician(case=case, user=carol, comment="Need the MRI report")
    return case


def test_returned_case_email_arrives_at_the_smtp_server(
    transactional_db, smtp_server, smtp_settings, alice, carol, django_capture_on_commit_callbacks
):
    case = returned_case(alice, carol, django_capture_on_commit_callbacks)
    assert smtp_server.messages == []  # nothing is sent from the request: only the queue sends
    run_worker()
    assert len(smtp_server.messages) == 1
    sender, recipients, content = smtp_server.messages[0]
    assert (sender, recipients) == ("escc@localhost", ["alice@example.org"])
    assert f"case {case.pk}" in content and "Case returned by the board" in content
    assert f"https://escc.example.org/cases/{case.pk}/" in content
    assert "Secret Name" not in content and "H1234567" not in content  # no patient identifiers by e-mail
    assert EmailDelivery.objects.get().status == DeliveryStatus.SENT


def test_a_mail_server_that_is_down_never_breaks_the_save_and_failures_reach_admins(
    transactional_db, settings, alice, carol, dave, client, django_capture_on_commit_callbacks, monkeypatch
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", CLOSED_PORT, 1
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", CLOSED_PORT)) != 0, "the closed port must be closed"
    case = returned_case(alice, carol, django_capture_on_commit_callbacks)
    assert case.pk and Notification.objects.filter(kind="returned").exists()  # the return itself went through
    monkeypatch.setattr(tasks, "RETRY_DELAYS", (0, 0, 0))  # retry at once, so one batch run tries every time
    run_worker()
    delivery = EmailDelivery.objects.get()
    assert delivery.attempts == tasks.MAX_ATTEMPTS == 4
    assert delivery.status == DeliveryStatus.FAILED
    assert "ConnectionRefusedError" in delivery.last_error
    client.force_login(dave)
    page = client.get(reverse("meetings:delivery_failures")).content.decode()
    assert 'data-status="failed"' in page and "ConnectionRefusedError" in page
    client.force_login(alice)
    assert client.get(reverse("meetings:delivery_failures")).status_code == 404


def test_a_failed_send_is_retried_later(transactional_db, settings, alice, carol, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", CLOSED_PORT, 1
    returned_case(alice, carol, django_capture_on_commit_callbacks)
    run_worker()
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.RETRYING, 1)
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status="READY").get()
    assert waiting.run_after is not None and waiting.run_after > delivery.updated_at + datetime.timedelta(seconds=50)


def test_unread_count_is_in_the_page_refreshed_over_htmx_and_the_list_marks_read(client, alice, carol):
    case = make_case(alice)
    case = board_services.case_submit_to_board(case=case, user=alice, question="?", meeting_date=None)
    board_services.case_return_to_clinician(case=case, user=carol, comment="More please")
    client.force_login(alice)
    home = client.get(reverse("home")).content.decode()
    # Counted in the page: no second request through the whole stack as soon as the page shows.
    assert 'id="unread-count">1<' in home
    assert f'hx-get="{reverse("meetings:notification_count")}"' in home and 'hx-trigger="every 30s"' in home
    badge = client.get(reverse("meetings:notification_count"), headers={"HX-Request": "true"}).content.decode()
    assert 'id="unread-count">1<' in badge
    page = client.get(reverse("meetings:notification_list")).content.decode()
    assert "Case returned by the board: Ann Example, MRN" in page and 'data-unread="true"' in page
    client.post(reverse("meetings:notification_list"))
    badge = client.get(reverse("meetings:notification_count"), headers={"HX-Request": "true"}).content.decode()
    assert "unread-count" not in badge


def test_notifications_are_only_the_users_own(client, alice, bob, carol):
    case = board_services.case_submit_to_board(case=make_case(alice), user=alice, question="?", meeting_date=None)
    board_services.case_return_to_clinician(case=case, user=carol, comment="More please")
    client.force_login(bob)
    assert "Case returned" not in client.get(reverse("meetings:notification_list")).content.decode()
    badge = client.get(reverse("meetings:notification_count")).content.decode()
    assert "unread-count" not in badge
