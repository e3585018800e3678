"""The network audit export: the monthly measures as CSV rows (definitions: docs/audit-measures.md)."""

from __future__ import annotations

from typing import Any

from meetings.models import MonthlySummary
from meetings.summary import MEASURES

HEADER = ["month", "pathway_chosen", "followed_recommendation", *MEASURES]


def audit_rows() -> list[list[Any]]:
    """Header, then one row per month x pathway chosen x followed (yes/no), oldest month first."""
    rows: list[list[Any]] = [HEADER]
    for row in MonthlySummary.objects.values("month", "pathway_code", "follows", *MEASURES):
        follows = {True: "yes", False: "no", None: ""}[row["follows"]]
        rows.append([row["month"].strftime("%Y-%m"), row["pathway_code"], follows, *(row[m] for m in MEASURES)])
    return rows
