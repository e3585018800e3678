"""Display logic of a rules result, split by what it presents: the result, the prognosis scores, rule-set changes.

The names other modules use are importable from ``assessments.presenters``; the tumor board's
presenters live in the board app (``board.presenters``, ``board.charts``).
"""

from assessments.presenters.origin import present_origin, with_origin_steroids
from assessments.presenters.prognosis import (
    karnofsky_ecog,
    present_prognosis,
    present_prognosis_inputs,
    prognosis_fields_shown,
)
from assessments.presenters.reasons import present_reasons
from assessments.presenters.result import (
    ResultView,
    partial_sins_sentence,
    pathway_title,
    present_differences,
    present_lesions,
    present_partial,
    present_partial_lesions,
    present_result,
    present_versions,
    sins_gauge,
    urgency_choices,
)
from assessments.presenters.rule_sets import present_contradiction, present_reevaluation, present_rule_set
from assessments.presenters.summary import case_summary_text
from assessments.presenters.values import value_text

__all__ = [
    "ResultView",
    "case_summary_text",
    "karnofsky_ecog",
    "partial_sins_sentence",
    "pathway_title",
    "present_contradiction",
    "present_differences",
    "present_lesions",
    "present_origin",
    "present_partial",
    "present_partial_lesions",
    "present_prognosis",
    "present_prognosis_inputs",
    "present_reasons",
    "present_reevaluation",
    "present_result",
    "present_rule_set",
    "present_versions",
    "prognosis_fields_shown",
    "sins_gauge",
    "urgency_choices",
    "value_text",
    "with_origin_steroids",
]
