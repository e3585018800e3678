"""Display logic, split by what it presents: a rules result, the tumor board's work, the dashboard charts.

The names other modules use stay importable from ``assessments.presenters``.
"""

from assessments.presenters.board import (
    CSV_COLUMNS,
    csv_cell,
    csv_row,
    duration_text,
    hours_text,
    months_back,
    pathway_label,
    percent_text,
    present_decision,
    present_noms_summary,
    present_pack_page,
    present_queue_row,
)
from assessments.presenters.charts import column_chart, month_starts, present_dashboard, row_chart
from assessments.presenters.prognosis import (
    karnofsky_ecog,
    present_prognosis,
    present_prognosis_inputs,
    prognosis_fields_shown,
)
from assessments.presenters.result import (
    ResultView,
    partial_sins_sentence,
    pathway_title,
    present_differences,
    present_inputs,
    present_partial,
    present_reasons,
    present_result,
    present_versions,
    reason_text,
    sins_gauge,
    urgency_choices,
    value_text,
)
from assessments.presenters.rule_sets import present_contradiction, present_reevaluation, present_rule_set

__all__ = [
    "CSV_COLUMNS",
    "ResultView",
    "column_chart",
    "csv_cell",
    "csv_row",
    "duration_text",
    "hours_text",
    "karnofsky_ecog",
    "month_starts",
    "months_back",
    "partial_sins_sentence",
    "pathway_label",
    "pathway_title",
    "percent_text",
    "present_contradiction",
    "present_dashboard",
    "present_decision",
    "present_differences",
    "present_inputs",
    "present_noms_summary",
    "present_pack_page",
    "present_partial",
    "present_prognosis",
    "present_prognosis_inputs",
    "present_queue_row",
    "present_reasons",
    "present_reevaluation",
    "present_result",
    "present_rule_set",
    "present_versions",
    "prognosis_fields_shown",
    "reason_text",
    "row_chart",
    "sins_gauge",
    "urgency_choices",
    "value_text",
]
