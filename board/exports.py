"""The board's CSV downloads: the queue with its filters, and the network audit measures (docs/audit-measures.md).

Both are written by ``audit.exports.csv_download`` (the formula guard, UTF-8); each exported case is recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from assessments.models import Case
from audit.exports import csv_download
from board import presenters
from board.models import MonthlySummary
from board.summary import MEASURES

HEADER = ["month", "pathway_recommended", "pathway_chosen", "followed_recommendation", *MEASURES]


def board_queue_csv(*, cases: Sequence[Case], now: datetime.datetime) -> HttpResponse:
    """The queue's ``cases`` as CSV (a header a person reads, codes beside labels).

    The selector that read ``cases`` (``board_queue_for_export``) recorded their ``case.export``.
    """
    rows = [presenters.present_queue_row(case, now) for case in cases]
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    return csv_download(
        filename=f"board-queue-{stamp}.csv", rows=[presenters.CSV_COLUMNS, *map(presenters.csv_row, rows)]
    )


def audit_measures_csv() -> HttpResponse:
    """The monthly measures as CSV. No entry in the trail: the rows are counts, no patient is named."""
    return csv_download(filename="escc-audit-measures.csv", rows=audit_rows())


def audit_rows() -> list[list[Any]]:
    """Header, then one row per month x recommended x chosen pathway x followed (yes/no), oldest first."""
    rows: list[list[Any]] = [HEADER]
    for row in MonthlySummary.objects.values("month", "recommended_code", "pathway_code", "follows", *MEASURES):
        follows = {True: "yes", False: "no", None: ""}[row["follows"]]
        month = row["month"].strftime("%Y-%m")
        rows.append([month, row["recommended_code"], row["pathway_code"], follows, *(row[m] for m in MEASURES)])
    return rows
