"""``manage.py audit_head``: export the audit chain's signed head, so a cut or emptied trail is found later."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.services import audit_head_signed

logger = logging.getLogger("audit.head")


class Command(BaseCommand):
    help = (
        "Write the last audit entry's sequence number and hash, signed with the audit key, as one JSON line: "
        "to the log (logger audit.head), to standard output, and appended to AUDIT_HEAD_FILE or --output. "
        "Run it hourly from a timer, writing where the database's users cannot; verify_audit checks every "
        "head in AUDIT_HEAD_FILE (and in each --head FILE)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, metavar="FILE", help="append the line to FILE (default AUDIT_HEAD_FILE)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        line = json.dumps(audit_head_signed())
        output = options["output"] or (Path(settings.AUDIT_HEAD_FILE) if settings.AUDIT_HEAD_FILE else None)
        if output is not None:
            try:
                with output.open("a", encoding="utf-8") as out:
                    out.write(line + "\n")
            except OSError as exc:
                raise CommandError(f"Cannot append the head to {output}: {exc.strerror}") from None
        logger.info("exported %s", line)
        self.stdout.write(line)
