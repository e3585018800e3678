"""``manage.py verify_audit``: check the audit trail's keyed chain from the first entry to the head."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.services import audit_head_checked, audit_verify


def read_heads(path: Path) -> list[tuple[int, str]]:
    """The ``(seq, hash)`` of each line ``manage.py audit_head`` wrote to ``path``, each signed with an audit key."""
    heads = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CommandError(f"Cannot read the exported head file {path}: {exc.strerror}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            raise CommandError(f"{path} line {number} is not a head written by audit_head")
        try:
            heads.append(audit_head_checked(head=record))
        except (ValueError, KeyError, TypeError):
            raise CommandError(f"{path} line {number} is not a head signed with the audit key") from None
    return heads


class Command(BaseCommand):
    help = (
        "Walk the audit trail's keyed chain. Exit 0 with 'OK: N entries' when intact; exit 1 naming the "
        "first entry that was altered, deleted, inserted, forged or back-dated, or each row of the clinical record "
        "changed, deleted or inserted behind the app. "
        "Every head exported to AUDIT_HEAD_FILE and to each --head FILE (manage.py audit_head) must still be "
        "in the chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--head", action="append", type=Path, default=[], metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(settings.AUDIT_HEAD_FILE)] if settings.AUDIT_HEAD_FILE else []
        heads = [head for path in [*paths, *options["head"]] for head in read_heads(path)]
        report = audit_verify(exported_heads=heads)
        if not report.ok and report.bad_seq is None:
            raise CommandError(
                f"FAILED: {report.problem}. The chain of {report.count} entries is intact; "
                "these rows of the clinical record are not as the trail recorded them."
            )
        if not report.ok:
            raise CommandError(
                f"FAILED: {report.problem}. First bad entry: #{report.bad_seq} "
                f"({report.count} entries verified before it)."
            )
        checked = f"; {len(heads)} exported head(s) found, the last #{heads[-1][0]}" if heads else ""
        self.stdout.write(f"OK: {report.count} entries{checked}. Head hash {report.head_hash}")
