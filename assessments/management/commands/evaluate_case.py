"""``manage.py evaluate_case PATH|- [--evaluation-date YYYY-MM-DD]``: run JSON cases through the rule set.

Reads rule set 2026.1 (flat), 2027.1 and 2027.2 case files (case-format.md) and evaluates them under the
current rule set. ``--evaluation-date`` is the date of every case without its own ``evaluation_date``.

No database, login or network is used, and nothing is written.
"""

from __future__ import annotations

import datetime
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessments import rules
from assessments.cases.case_format import evaluate_case_object
from assessments.cases.case_json import CaseFileError, load_case_json


class Command(BaseCommand):
    help = "Evaluate one JSON case or an array of cases (a file path, or - for standard input)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a .json file, or - for standard input")
        parser.add_argument(
            "--evaluation-date",
            dest="evaluation_date",
            default=None,
            help="YYYY-MM-DD: the evaluation date of every case without its own (default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        when: datetime.date | None = None
        if options["evaluation_date"] is not None:
            try:
                when = rules.read_evaluation_date(options["evaluation_date"])
            except ValueError:
                self._fail(f"--evaluation-date must be a date as YYYY-MM-DD, not {options['evaluation_date']!r}")
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
            results: Any = evaluate_case_object(document, evaluation_date=when)
            invalid = "errors" in results
        elif isinstance(document, list):
            results = [evaluate_case_object(item, evaluation_date=when) for item in document]
            invalid = any("errors" in item for item in results)
        else:
            self._fail(f"{path} must hold a JSON object (one case) or an array of cases")
        self.stdout.write(json.dumps(results, indent=2, ensure_ascii=False))
        if invalid:
            sys.exit(1)

    def _fail(self, message: str) -> None:
        sys.stderr.write(f"evaluate_case: {message}\n")
        sys.exit(2)
