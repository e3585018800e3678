"""The board's CSV downloads: the queue with its filters, and the network audit measures (docs/audit-measures.md).

Both are written by ``audit.exports.csv_download`` (the formula guard, UTF-8); each exported case is recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from assessments.models import Case
from audit.exports import csv_download
from board import presenters
from board.models import MonthlySummary
from board.summary import MEASURES


@dataclass(frozen=True)
class AuditColumn:
    """One column of the network audit CSV: its heading, a stable code for scripts, and what it holds."""

    code: str
    heading: str
    meaning: str
    kind: str = "Count"


# The one definition of the audit CSV: its header row, the data dictionary download and the table
# in docs/audit-measures.md (a test compares them) all come from here, in this order.
AUDIT_COLUMNS: tuple[AuditColumn, ...] = (
    AuditColumn(
        "month", "Month of first decision",
        "Calendar month (local time, `YYYY-MM`) in which the board **first** signed a decision on the case. "
        "A correction does not move a case to another month.", "Month",
    ),
    AuditColumn(
        "pathway_recommended", "Recommended pathway (code)",
        "The rule set's recommended pathway code for the assessment the board reviewed (stored with the case).",
        "Code",
    ),
    AuditColumn(
        "pathway_recommended_text", "Recommended pathway",
        "The recommended pathway in words, as the app shows it.", "Text",
    ),
    AuditColumn(
        "pathway_chosen", "Board's pathway (code)",
        "The board's current decision: one of the spec's pathway codes (`separation_surgery_sbrt`, `cebrt`, …) "
        "or `other`.", "Code",
    ),
    AuditColumn("pathway_chosen_text", "Board's pathway", "The board's pathway in words, as the app shows it.", "Text"),
    AuditColumn(
        "followed_recommendation", "Followed the recommendation",
        "`yes` when the pathway chosen is the rule set's recommendation for the assessment the board reviewed, "
        "`no` otherwise.", "yes / no",
    ),
    AuditColumn("decided", "Cases decided", "Cases decided (each case once, with its current decision)."),
    AuditColumn(
        "referral_mri_n", "Referral to MRI: cases timed",
        "Cases with both the referral time and the MRI time recorded, MRI not before referral.",
    ),
    AuditColumn(
        "referral_mri_within", "Referral to MRI: within 24 h", "Of those, the MRI within 24 h of the referral."
    ),
    AuditColumn(
        "mri_decision_n", "MRI to decision: cases timed", "Cases with an MRI time not after the first signed decision."
    ),
    AuditColumn(
        "mri_decision_within", "MRI to decision: within 24 h",
        "Of those, the decision within 24 h of the MRI (NICE: a definitive plan within 24 h of the MRI).",
    ),
    AuditColumn(
        "decision_treatment_n", "Decision to treatment: cases timed",
        "Cases with a treatment start recorded, not before the decision.",
    ),
    AuditColumn(
        "decision_treatment_within", "Decision to treatment: within 24 h",
        "Of those, treatment started within 24 h of the decision.",
    ),
    AuditColumn("mri_missing", "MRI time missing", "Decided cases without an MRI time."),
    AuditColumn(
        "mri_out_of_order", "MRI after the decision", "Decided cases whose MRI time is after the first signed decision."
    ),
    AuditColumn("treatment_missing", "Treatment start missing", "Decided cases without a treatment start."),
    AuditColumn(
        "treatment_out_of_order", "Treatment before the decision",
        "Decided cases whose treatment started before the decision (e.g. an emergency operation before the board met).",
    ),
    AuditColumn("follow_up_30", "30-day follow-ups", "Cases with a 30-day follow-up recorded."),
    AuditColumn(
        "walking_before", "Walking before treatment",
        "Of the 30-day follow-ups, those walking before treatment: the motor status of the assessment the board "
        "decided on is *ambulatory* or *ambulatory with an aid*.",
    ),
    AuditColumn(
        "walking_before_walking_30", "Walking before: walking at 30 days",
        "Of those walking before treatment, those alive and walking (independently or with an aid) at 30 days.",
    ),
    AuditColumn(
        "not_walking_before", "Not walking before treatment",
        "Of the 30-day follow-ups, those not walking before treatment (non-ambulatory or paraplegic).",
    ),
    AuditColumn(
        "not_walking_before_walking_30", "Not walking before: walking at 30 days",
        "Of those not walking before treatment, those alive and walking at 30 days.",
    ),
)  # fmt: skip
HEADER = [column.heading for column in AUDIT_COLUMNS]
DICTIONARY_HEADER = ["Column", "Code", "Type", "Meaning"]


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
        values = {
            "month": row["month"].strftime("%Y-%m"),
            "pathway_recommended": row["recommended_code"],
            "pathway_recommended_text": presenters.pathway_label(row["recommended_code"]),
            "pathway_chosen": row["pathway_code"],
            "pathway_chosen_text": presenters.pathway_label(row["pathway_code"]),
            "followed_recommendation": {True: "yes", False: "no", None: ""}[row["follows"]],
            **{measure: row[measure] for measure in MEASURES},
        }
        rows.append([values[column.code] for column in AUDIT_COLUMNS])
    return rows


def audit_dictionary_csv() -> HttpResponse:
    """The data dictionary of the audit CSV: each column's heading, code, type and meaning, in file order."""
    return csv_download(filename="escc-audit-measures-dictionary.csv", rows=audit_dictionary_rows())


def audit_dictionary_rows() -> list[list[str]]:
    """Header, then one row per column of the audit CSV (the meaning without its Markdown marks)."""
    plain = str.maketrans("", "", "`*")
    return [
        DICTIONARY_HEADER,
        *([c.heading, c.code, c.kind, c.meaning.translate(plain)] for c in AUDIT_COLUMNS),
    ]


def audit_dictionary_markdown() -> str:
    """The dictionary as the Markdown table docs/audit-measures.md holds."""
    lines = ["| Column | Code | Type | Meaning |", "|---|---|---|---|"]
    lines += [f"| {c.heading} | `{c.code}` | {c.kind} | {c.meaning} |" for c in AUDIT_COLUMNS]
    return "\n".join(lines) + "\n"
