"""``manage.py audit_head``: export the audit chain's head so a truncated or rewritten tail can be found later."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from audit.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Print the last audit entry's sequence number and hash as one JSON line, or append it to --output. "
        "Keep the file outside the database server (daily from cron); verify_audit --head FILE checks it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, metavar="FILE", help="append the line to FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        # The last entry itself, not the head row: the head row is what an intruder would rewrite.
        last = AuditEntry.objects.order_by("-seq").first()
        line = json.dumps(
            {
                "seq": last.seq if last else 0,
                "hash": last.hash if last else "",
                "at": last.at.isoformat() if last else None,
                "exported_at": timezone.now().isoformat(),
            }
        )
        if options["output"]:
            with options["output"].open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        self.stdout.write(line)
