"""``manage.py referral_watch``: evaluate the open referrals every minute and send the timer notices that are due.

Runs until SIGTERM or SIGINT (it finishes the round it is in), or once with ``--once`` (for cron and the
tests). Like ``task_worker`` it outlives a database restart: when the database goes away it closes its
connections, waits (``escc_site.outage``) and carries on; a notice is written with its ``TimerNotice``
row in one transaction, so a round cut short is simply done again. Run it under systemd
(docs/deployment.md).
"""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from escc_site.outage import DATABASE_GONE, OutageWait
from referrals.watch import timer_notices_send

logger = logging.getLogger("referrals.watch")


class Command(BaseCommand):
    help = (
        "Evaluate every open referral now and notify the coordinators and the MSCC lead of a timer about "
        "to breach or breached, every REFERRAL_WATCH_INTERVAL seconds; waits out a database restart."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One round, then exit (cron, tests).")
        parser.add_argument(
            "--interval", type=float, default=None, help="Seconds between rounds (default REFERRAL_WATCH_INTERVAL)."
        )

    def handle(self, *args: Any, once: bool = False, interval: float | None = None, **options: Any) -> None:
        if once:
            self.round()
            return
        self.running = True
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self.stop)
        pause = interval if interval is not None else settings.REFERRAL_WATCH_INTERVAL
        outage = OutageWait(logger)
        logger.info("Watching the referral timers every %s s", pause)
        while self.running:
            started = time.monotonic()
            try:
                close_old_connections()  # as a request would: a connection past its age or broken is replaced
                self.round()
            except DATABASE_GONE as error:
                outage.after(error, started=started)
                continue
            self.sleep(pause)
        logger.info("Stopped")

    def round(self) -> None:
        sent = timer_notices_send()
        for notice in sent:
            logger.info("Referral %s: %s %s notice sent", notice.referral_id, notice.timer, notice.kind)

    def stop(self, signum: int, frame: Any) -> None:
        logger.info("Stopping after this round (signal %s)", signum)
        self.running = False

    def sleep(self, seconds: float) -> None:
        """Sleep in short steps, so a stop signal is answered within a quarter of a second."""
        until = time.monotonic() + seconds
        while self.running and time.monotonic() < until:
            time.sleep(min(0.25, until - time.monotonic()))
