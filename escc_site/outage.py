"""Long-running commands that outlive a database restart: which errors mean the database went away, and the wait.

A worker that runs for weeks (the e-mail worker, the referral watch) meets a restart or a failover of
PostgreSQL now and then. The first query after it fails with one of ``DATABASE_GONE``; the worker
then closes its connections, waits (1 s, then twice as long each time, at most ``MAX_WAIT``) and
carries on with a new connection, instead of exiting and leaving the work until someone starts it.
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connections

# The errors of a database that is restarting or cannot be reached.
DATABASE_GONE = (OperationalError, InterfaceError)
FIRST_WAIT = 1.0
MAX_WAIT = 30.0


class OutageWait:
    """The wait after each failure of one outage: doubling from ``FIRST_WAIT`` up to ``MAX_WAIT``.

    A run that lasted longer than ``MAX_WAIT`` before it failed starts a new outage, so the next
    wait is short again.
    """

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self.waits = 0

    def after(self, error: Exception, *, started: float) -> None:
        """Log the failure, close every connection (each is broken) and sleep before the next try."""
        if time.monotonic() - started > MAX_WAIT:
            self.waits = 0
        wait = min(FIRST_WAIT * 2**self.waits, MAX_WAIT)
        self.waits += 1
        self.logger.warning("Database unavailable (%s); trying again in %.0f s", str(error).strip(), wait)
        for connection in connections.all():
            with contextlib.suppress(DatabaseError):
                connection.close()
        time.sleep(wait)
