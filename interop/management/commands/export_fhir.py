"""``manage.py export_fhir CASE_ID... | --all``: cases as FHIR R4 document Bundles, to standard output or a folder.

Each export is recorded in the audit trail (``case.export`` by ``manage.py export_fhir``); with
``--identifiers`` the patients' MRN, name, birth date and sex go in, and each patient's
``patient.view`` is recorded too. A draft the rules have not evaluated is refused by name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from interop import selectors
from interop.bundle import bundle_json, case_bundle, refusal


class Command(BaseCommand):
    help = "Export cases as FHIR R4 document Bundles (one JSON file per case)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case_ids", nargs="*", type=int, metavar="CASE_ID", help="the cases to export")
        parser.add_argument("--all", action="store_true", help="every case not discarded")
        parser.add_argument("--output", type=Path, help="a folder for case-<id>.fhir.json files (needed for several)")
        parser.add_argument("--identifiers", action="store_true", help="put the patients' identifiers in")

    def handle(self, *args: Any, **options: Any) -> None:
        ids: list[int] = options["case_ids"]
        output: Path | None = options["output"]
        if options["all"] == bool(ids):
            raise CommandError("Name the cases to export (CASE_ID ...) or give --all, not both.")
        if output is None and (options["all"] or len(ids) > 1):
            raise CommandError("Several cases need --output DIR: one file per case.")
        if output is not None and not output.is_dir():
            raise CommandError(f"--output {output}: no such folder.")
        cases, missing = selectors.cases_for_batch(pks=None if options["all"] else ids)
        if missing:
            raise CommandError(f"No case with id {', '.join(map(str, missing))}.")
        refused = {case.pk: message for case in cases if (message := refusal(case))}
        if refused and not options["all"]:
            raise CommandError(" ".join(refused.values()))
        for message in refused.values():
            self.stderr.write(f"Skipped: {message}")
        records = selectors.batch_export_record(
            cases=[case for case in cases if case.pk not in refused], identifiers=options["identifiers"]
        )
        now = timezone.now()
        for record in records:
            text = bundle_json(case_bundle(record, identifiers=options["identifiers"], now=now))
            if output is None:
                self.stdout.write(text)
            else:
                (output / f"case-{record.case.pk}.fhir.json").write_text(text + "\n", encoding="utf-8")
        if output is not None:
            self.stdout.write(f"{len(records)} case(s) written to {output}.")
