"""``manage.py evaluate_referral PATH|-``: run JSON referrals through section 10's triage (case-format.md).

The conventions of ``evaluate_case``: one referral or an array in, one result per referral out; exit status
1 when any referral was invalid, 2 for a file that cannot be read or a bad option. No database, login or
network is used, and nothing is written.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessments.cases.case_json import CaseFileError, HugeNumber, load_case_json
from assessments.rules.referral import evaluate_referral_object


def _object(data: Any, evaluated_at: datetime) -> dict[str, Any]:
    result = evaluate_referral_object(data, evaluated_at=evaluated_at)
    if isinstance(result["id"], HugeNumber):  # an id too long to be one: named in errors, echoed as words
        result["id"] = str(result["id"])
    return result


class Command(BaseCommand):
    help = "Triage one JSON referral or an array of referrals (a file path, or - for standard input)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a .json file, or - for standard input")
        parser.add_argument(
            "--evaluated-at",
            help="ISO 8601 date-time with a UTC offset, for every referral without its own evaluated_at (default: now)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        evaluated_at = self._evaluated_at(options.get("evaluated_at"))
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
            document = load_case_json(text)
        except OSError as exc:
            self._fail(f"cannot read {path}: {exc.strerror or exc}")
        except UnicodeDecodeError as exc:
            self._fail(f"{path} is not valid JSON: {exc}")
        except CaseFileError as exc:
            self._fail(f"{path}: {exc}")
        if isinstance(document, dict):
            results: Any = _object(document, evaluated_at)
            invalid = "errors" in results
        elif isinstance(document, list):
            results = [_object(item, evaluated_at) for item in document]
            invalid = any("errors" in item for item in results)
        else:
            self._fail(f"{path} must hold a JSON object (one referral) or an array of referrals")
        self.stdout.write(json.dumps(results, indent=2, ensure_ascii=False))
        if invalid:
            sys.exit(1)

    def _evaluated_at(self, value: str | None) -> datetime:
        if value is None:
            return datetime.now(UTC)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self._fail(f"--evaluated-at {value!r} is not an ISO 8601 date-time")
        if moment.utcoffset() is None:
            self._fail(f"--evaluated-at {value!r} needs a UTC offset (for example +00:00)")
        return moment

    def _fail(self, message: str) -> None:
        sys.stderr.write(f"evaluate_referral: {message}\n")
        sys.exit(2)
