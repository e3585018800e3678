"""The referral watch: a timer about to breach, and a breach, tell the coordinators and the MSCC lead, once each,
in the app and by e-mail; ``manage.py referral_watch`` outlives a database restart as the e-mail worker does."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
import time_machine
from django.core.management import call_command

from audit.models import AuditEntry
from board.models import EmailDelivery, Notification
from referrals import services
from referrals.evaluation import evaluate_version
from referrals.models import OnCall, ReferralStatus, TimerNotice
from referrals.watch import timer_notices_send, warning_window
from tests.conftest import make_user
from tests.referral_factories import make_referral
from tests.test_foundation import PRODUCTION_ENV, TEST_ONLY_ENV
from tests.test_notifications import run_worker, smtp_server, smtp_settings  # noqa: F401 (fixtures)
from tests.test_task_worker import ROOT, cluster, free_port, manage, wait_until  # noqa: F401 (fixture)

UTC = datetime.UTC
RECEIVED = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=UTC)  # the emergency department's call, at night
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def referral_page(settings):
    settings.REFERRAL_WARN_BEFORE_MINUTES = 30
    settings.REFERRAL_WARN_PERCENT = 25


@pytest.fixture
def erin(db):
    """The network's MSCC lead, on call all week."""
    erin = make_user("erin")
    OnCall.objects.create(
        role="mscc_lead", person=erin, phone="07700 900456",
        starts_at=RECEIVED - datetime.timedelta(days=1), ends_at=RECEIVED + datetime.timedelta(days=6),
    )  # fmt: skip
    return erin


@pytest.fixture
def night_referral(rita):
    """Received at 02:00: acknowledge by 02:30 (T2, local), whole-spine MRI by 02:00 the next day (QS56-3)."""
    with time_machine.travel(RECEIVED, tick=False):
        return make_referral(rita)


def watch_at(moment: datetime.datetime) -> list[tuple[str, str]]:
    with time_machine.travel(moment, tick=False):
        return [(notice.timer, notice.kind) for notice in timer_notices_send()]


def test_a_30_minute_timer_warns_in_its_last_quarter_and_a_day_long_one_in_its_last_half_hour(night_referral):
    result = evaluate_version(night_referral, night_referral.versions.get(), now=RECEIVED)
    windows = {timer.name.value: warning_window(timer) for timer in result.timers if timer.deadline is not None}
    assert windows == {"acknowledge": datetime.timedelta(minutes=7.5), "imaging": datetime.timedelta(minutes=30)}


def test_due_soon_and_breach_each_notify_once_at_their_time(night_referral, colin, erin):
    assert watch_at(RECEIVED + 22 * MINUTE) == []
    assert watch_at(RECEIVED + 23 * MINUTE) == [("acknowledge", "due_soon")]
    assert watch_at(RECEIVED + 29 * MINUTE) == []  # once
    assert watch_at(RECEIVED + 31 * MINUTE) == [("acknowledge", "breached")]
    assert watch_at(RECEIVED + 60 * MINUTE) == []  # once
    assert watch_at(RECEIVED + datetime.timedelta(hours=23, minutes=31)) == [("imaging", "due_soon")]
    assert watch_at(RECEIVED + datetime.timedelta(hours=24, minutes=1)) == [("imaging", "breached")]
    kinds = list(Notification.objects.filter(recipient=colin).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["timer_due_soon", "timer_breached", "timer_due_soon", "timer_breached"]
    assert Notification.objects.filter(recipient=erin).count() == 4


def test_the_notice_names_the_referral_timer_and_deadline_but_no_patient(night_referral, colin, erin):
    watch_at(RECEIVED + 31 * MINUTE)
    note = Notification.objects.get(recipient=colin)
    # The deadline in the site's time (Europe/London: UTC in December).
    assert (
        note.subject
        == f"Referral {night_referral.pk} (Suspected MSCC): Coordinator acknowledges breached at 08 Dec 2026 02:30"
    )
    assert note.link == night_referral.get_absolute_url() and note.case is None
    assert {d.to for d in EmailDelivery.objects.all()} == {""}  # no addresses: recorded as not sent


def test_each_notice_is_audited_with_whom_it_told(night_referral, colin, erin):
    watch_at(RECEIVED + 31 * MINUTE)
    [entry] = AuditEntry.objects.filter(action="referral.timer_notice")
    assert (entry.actor, entry.target_id) == (None, str(night_referral.pk))
    assert entry.details == {"timer": "acknowledge", "kind": "breached", "deadline": "2026-12-08T02:30:00+00:00",
                             "notified": [colin.pk, erin.pk]}  # fmt: skip


def test_an_acknowledged_referral_is_not_warned_about_acknowledging(night_referral, colin, erin):
    with time_machine.travel(RECEIVED + 5 * MINUTE, tick=False):
        services.referral_acknowledge(referral=night_referral, user=colin)
    assert watch_at(RECEIVED + 40 * MINUTE) == []


def test_the_coordinator_on_call_is_told_instead_of_every_coordinator(night_referral, colin, erin):
    nina = make_user("nina", "MSCC coordinator")
    OnCall.objects.create(role="mscc_coordinator", person=nina, phone="0100 000 0000",
                          starts_at=RECEIVED, ends_at=RECEIVED + datetime.timedelta(hours=12))  # fmt: skip
    watch_at(RECEIVED + 31 * MINUTE)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"nina", "erin"}


def test_a_closed_referral_is_not_watched(night_referral, colin, erin):
    services.referral_end(referral=night_referral, user=colin, status=ReferralStatus.WITHDRAWN, reason="In error")
    assert watch_at(RECEIVED + 31 * MINUTE) == []


def test_the_breach_reaches_the_coordinator_and_the_lead_by_e_mail_through_the_worker(
    transactional_db,
    smtp_server,  # noqa: F811
    smtp_settings,  # noqa: F811
    rita,
    colin,
    erin,
    night_referral,
):
    for user in (colin, erin):
        user.email = f"{user.username}@hospital.test"
        user.save()
    with time_machine.travel(RECEIVED + 31 * MINUTE, tick=False):
        call_command("referral_watch", "--once")
    assert smtp_server.messages == []  # only the queue sends
    run_worker()
    assert sorted(recipients for _, recipients, _ in smtp_server.messages) == [
        ["colin@hospital.test"], ["erin@hospital.test"]
    ]  # fmt: skip
    content = smtp_server.messages[0][2]
    assert "A referral timer breached" in content and f"Referral {night_referral.pk} (Suspected MSCC)" in content
    assert f"https://escc.example.org/referrals/{night_referral.pk}/" in content
    for identifier in ("Dora", "Example", "RH-20417", "1950"):
        assert identifier not in content


# --- The watch under systemd: a database restart ----------------------------------------------------

# Run by ``manage.py shell`` against the cluster: a coordinator with an address and a referral received now.
REFER = """
from django.contrib.auth.models import Group, User
from tests.referral_factories import make_referral

colin, created = User.objects.get_or_create(username="colin", defaults={"email": "colin@hospital.test"})
colin.groups.add(Group.objects.get(name="MSCC coordinator"))
rita, _ = User.objects.get_or_create(username="rita")
make_referral(rita)
"""
NOTICES = "from referrals.models import TimerNotice; print(TimerNotice.objects.count())"


def notices(env: dict[str, str]) -> int:
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", NOTICES], cwd=ROOT, env=env,
                          capture_output=True, text=True)  # fmt: skip
    lines = done.stdout.strip().splitlines()  # the shell may first say which models it imported
    return int(lines[-1]) if done.returncode == 0 and lines else -1


def test_the_watch_outlives_a_database_restart_and_warns_of_the_next_referral(cluster):  # noqa: F811
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV}
    # A timer warns through its whole span here, so each referral is warned of at once.
    env.update(PRODUCTION_ENV, DATABASE_URL=cluster.url, REFERRAL_WARN_PERCENT="100")
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", REFER)
    watch = subprocess.Popen(
        [sys.executable, "manage.py", "referral_watch", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        wait_until(lambda: notices(env) == 1, 40, "the watch warns of the first referral")
        cluster.stop()
        time.sleep(1.5)  # the watch tries every 0.2 s meanwhile
        cluster.resume()
        manage(env, "shell", "-c", REFER)
        wait_until(lambda: notices(env) == 2 or watch.poll() is not None, 40, "the watch warns of the second")
        assert watch.poll() is None, "the watch exited"
    finally:
        watch.send_signal(signal.SIGTERM)
        output = watch.communicate(timeout=20)[0]
    assert "Database unavailable" in output and "acknowledge due_soon notice sent" in output, output
    assert watch.returncode == 0, output


def test_once_checks_one_round_and_exits(night_referral, colin, erin):
    with time_machine.travel(RECEIVED + 31 * MINUTE, tick=False):
        call_command("referral_watch", "--once")
    assert TimerNotice.objects.count() == 1
