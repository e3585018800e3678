"""The network audit export: the monthly measures as CSV rows (definitions: docs/audit-measures.md)."""

from __future__ import annotations

from typing import Any

from board.models import MonthlySummary
from board.summary import MEASURES

HEADER = ["month", "pathway_recommended", "pathway_chosen", "followed_recommendation", *MEASURES]


def audit_rows() -> list[list[Any]]:
    """Header, then one row per month x recommended x chosen pathway x followed (yes/no), oldest first."""
    rows: list[list[Any]] = [HEADER]
    for row in MonthlySummary.objects.values("month", "recommended_code", "pathway_code", "follows", *MEASURES):
        follows = {True: "yes", False: "no", None: ""}[row["follows"]]
        month = row["month"].strftime("%Y-%m")
        rows.append([month, row["recommended_code"], row["pathway_code"], follows, *(row[m] for m in MEASURES)])
    return rows
