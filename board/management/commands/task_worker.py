"""``manage.py task_worker``: django-tasks' database worker (``db_worker``) that outlives a database restart.

``db_worker`` ends at the first database error that is not a lock (``the database
system is shutting down``), and the e-mails queued after it wait until someone
starts it again. This worker takes the same options and runs the same loop; when
the database goes away it closes its connections, waits (1 s, then twice as long
each time, at most ``MAX_WAIT``) and carries on with a new connection. A task the
restart interrupted is queued again, so its e-mail is sent (perhaps twice, never
not at all). The wait is ``escc_site.outage``'s, shared with the referral watch. Run it under a
supervisor all the same (docs/deployment.md).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from escc_site.outage import DATABASE_GONE, OutageWait

logger = logging.getLogger("board.task_worker")


class ReconnectingWorker(db_worker.Worker):
    """``db_worker``'s loop, started again with a new connection whenever the database went away under it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.interrupted: list[Any] = []

    def run(self) -> None:
        outage = OutageWait(logger)
        while self.running:
            started = time.monotonic()
            try:
                self.requeue_interrupted()
                super().run()
                return  # --batch or --max-tasks: done
            except DATABASE_GONE as error:
                self.startup_delay = False
                outage.after(error, started=started)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        except DATABASE_GONE:
            # Neither the outcome nor the failure could be stored: the row still says RUNNING.
            self.interrupted.append(db_task_result.pk)
            raise

    def requeue_interrupted(self) -> None:
        if self.interrupted:
            DBTaskResult.objects.filter(pk__in=self.interrupted, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
            logger.warning("Queued again after the database came back: task(s) %s", self.interrupted)
            self.interrupted = []


class Command(db_worker.Command):
    help = (
        "Run the database task worker (the options of db_worker); it waits out a database restart "
        "and carries on instead of exiting."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # db_worker's own handle (options, logging, signals, --reload), building this worker instead.
        original = db_worker.Worker
        db_worker.Worker = ReconnectingWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
