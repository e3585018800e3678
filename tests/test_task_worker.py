"""The e-mail worker outlives a database restart: a real PostgreSQL of its own is stopped and started under it.

The worker runs as in production (a ``manage.py`` process, ``DEBUG=false``, persistent connections)
against a throw-away cluster (``tests/servers/postgres.py``; never the shared server), and sends to
a real SMTP server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core.management import get_commands

from tests.servers import postgres
from tests.test_foundation import PRODUCTION_ENV, TEST_ONLY_ENV

ROOT = Path(__file__).resolve().parents[1]
WORKER = "task_worker"

# Run by ``manage.py shell`` against the cluster: a case, and a notification whose e-mail is queued.
QUEUE_EMAIL = """
from django.contrib.auth.models import User
from django.db import transaction
from assessments.models import Case
from board import services
from tests.factories import make_case

alice, _ = User.objects.get_or_create(username="alice", defaults={"email": "alice@hospital.test"})
with transaction.atomic():
    case = Case.objects.first() or make_case(alice)
    services.notification_create(recipient=alice, case=case, kind="returned")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps each message's recipients; ``hold`` makes the next delivery wait for ``release``."""

    def __init__(self) -> None:
        self.received: list[list[str]] = []
        self.port = 0
        self.holding = threading.Event()
        self.held = threading.Event()
        self.released = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name
        if self.holding.is_set():
            self.holding.clear()
            self.held.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
        self.received.append(list(envelope.rcpt_tos))
        return "250 OK"


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.1)


@pytest.fixture
def cluster() -> Iterator[postgres.OwnPostgres]:
    if postgres.bin_dir() is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    pg = postgres.OwnPostgres(free_port())
    try:
        pg.start()
        yield pg
    finally:
        pg.remove()


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


def manage(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]


def test_the_worker_outlives_a_database_restart_and_sends_the_next_email(cluster, inbox):
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV}
    env.update(PRODUCTION_ENV, DATABASE_URL=cluster.url, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(inbox.port))
    manage(env, "migrate", "--noinput")
    inbox.holding.set()
    manage(env, "shell", "-c", QUEUE_EMAIL)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", WORKER, "--interval", "0.2", "--no-startup-delay", "--no-reload"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        wait_until(inbox.held.is_set, 30, "the worker sends the first e-mail")
        # The database stops while the mail server takes that e-mail: the worker cannot record that it went.
        cluster.stop()
        inbox.released.set()
        time.sleep(1.5)  # the worker polls every 0.2 s meanwhile
        cluster.resume()
        manage(env, "shell", "-c", QUEUE_EMAIL)
        wait_until(lambda: len(inbox.received) == 3 or worker.poll() is not None, 40, "the e-mails arrive")
        assert worker.poll() is None, "the worker exited"
        # The first e-mail again (its outcome was lost with the connection: sent twice, never not at all),
        # and the one queued after the restart.
        assert inbox.received == [["alice@hospital.test"]] * 3
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=20)[0]
    assert "Database unavailable" in output and "Queued again after the database came back" in output, output


def systemd_units() -> dict[str, str]:
    """The ``ini`` blocks of docs/deployment.md by the unit file each names in its first line."""
    text = (ROOT / "docs" / "deployment.md").read_text()
    blocks = [block.split("```", 1)[0] for block in text.split("```ini\n")[1:]]
    return {block.splitlines()[0].rsplit("/", 1)[-1]: block for block in blocks if block.startswith("# /etc/systemd/")}


def test_the_deployment_guide_runs_the_worker_the_referral_watch_and_the_head_export_under_systemd():
    units = systemd_units()
    assert {"escc-worker.service", "escc-referral-watch.service", "escc-audit-head.service",
            "escc-audit-head.timer"} <= set(units)  # fmt: skip
    assert "Restart=always" in units["escc-worker.service"].splitlines()
    assert "Restart=always" in units["escc-referral-watch.service"].splitlines()
    assert "OnCalendar=hourly" in units["escc-audit-head.timer"].splitlines()
    started = {
        name: line.split("manage.py ", 1)[1].split()[0]
        for name, unit in units.items()
        for line in unit.splitlines()
        if line.startswith("ExecStart=")
    }
    assert started == {
        "escc-worker.service": WORKER,
        "escc-referral-watch.service": "referral_watch",
        "escc-audit-head.service": "audit_head",
    }
    assert set(started.values()) <= set(get_commands())
