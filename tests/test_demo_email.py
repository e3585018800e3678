"""``make run`` shows e-mail: demo users have addresses, tasks run at once, e-mail is printed; a missing address is said."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from assessments.management.commands.seed_demo import DEMO_USERS
from board.models import DeliveryStatus, EmailDelivery
from tests.test_foundation import run_manage
from tests.test_meetings import decision_post, submitted

# What `make run` does, in a throwaway database; then carol signs a decision through the real views.
SIGN_AS_CAROL = """
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from assessments.models import Case
from board import services
from tests.factories import make_case

alice, carol = User.objects.get(username="alice"), User.objects.get(username="carol")
case = services.case_submit_to_board(case=make_case(alice), user=alice, question="Operate?", meeting_date=None)
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(carol)
data = {"pathway_code": case.pathway_code, "other_pathway_text": "", "reason": "", "attendees": "Carol",
        "meeting_date": "2026-12-01", "meeting": "", "plan": ""}
response = client.post(reverse("assessments:board_decide", args=[case.pk]), data)
print("STATUS", response.status_code, Case.objects.get(pk=case.pk).status)
"""


def test_seed_demo_gives_every_demo_user_an_email_address(db, settings, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setenv("DEBUG", "true")
    call_command("seed_demo")
    addresses = dict(User.objects.values_list("username", "email"))
    assert all(addresses[username].endswith("@example.org") for username, *_ in DEMO_USERS), addresses


def test_in_the_make_run_configuration_a_decision_prints_its_email_at_once(tmp_path):
    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path}/run.sqlite3", "SITE_URL": "http://127.0.0.1:8000"}
    for step in (("migrate", "--noinput"), ("seed_demo",)):
        done = run_manage(*step, **env)
        assert done.returncode == 0, done.stdout + done.stderr
    assert "printed in this terminal" in done.stdout
    result = run_manage("shell", "-c", SIGN_AS_CAROL, **env)
    assert result.returncode == 0, result.stderr
    assert "STATUS 302 decided" in result.stdout
    # The console backend's message, written by the task that ran at once (no worker running).
    assert "Subject: ESCC: Board decision signed: Alice Clinician's" in result.stdout
    assert "To: alice@example.org" in result.stdout
    assert "http://127.0.0.1:8000/cases/" in result.stdout


def test_a_decision_says_which_recipient_got_no_email(client, alice, carol, django_capture_on_commit_callbacks):
    assert not alice.email
    case = submitted(alice)
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:board_decide", args=[case.pk]), decision_post(), follow=True)
    page = response.content.decode()
    assert "No e-mail sent to Alice: no e-mail address. They see it in the app." in page
    assert EmailDelivery.objects.get().status == DeliveryStatus.NO_ADDRESS
    client.force_login(alice)
    listed = client.get(reverse("meetings:notification_list")).content.decode()
    assert "no e-mail sent: your account has no e-mail address" in listed
