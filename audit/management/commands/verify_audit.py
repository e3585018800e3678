"""``manage.py verify_audit``: check the audit trail's hash chain from the first entry to the head."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Walk the audit trail's SHA-256 chain. Exit 0 with 'OK: N entries' when intact; "
        "exit 1 naming the first entry that was altered, deleted or inserted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if not report.ok:
            raise CommandError(
                f"FAILED: {report.problem}. First bad entry: #{report.bad_seq} "
                f"({report.count} entries verified before it)."
            )
        self.stdout.write(f"OK: {report.count} entries. Head hash {report.head_hash}")
