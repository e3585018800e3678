"""Section 10.7 (T14): the one escalation the coordinator makes, first match."""

from __future__ import annotations

from typing import Final

from ..facts import Words
from ..result import RationaleItem
from .codes import Escalation, TriageRule, Window
from .derived import Derived
from .texts import ESCALATION_TEXTS

_INPUTS: Final = (
    "neuro_findings",
    "neuro_history",
    "cancer_status",
    "pain_features",
    "imaging_status",
    "imaging_scope",
    "imaging_modality",
    "mri_contraindicated",
    "imaging_finding",
)
_BY_RULE: Final = {
    TriageRule.T3: Escalation.EMERGENCY_SPINAL_TEAM_NOW,
    TriageRule.T4: Escalation.COORDINATOR_COMPLETES_REFERRAL,
    TriageRule.T5: Escalation.COORDINATOR_REVIEW,
    TriageRule.T6: Escalation.CONSIDER_SUSPECTED_CANCER_REFERRAL,
    TriageRule.T7: Escalation.NONE,
}


def escalation_rule(rule: TriageRule, derived: Derived, window: Window | None) -> tuple[Escalation, RationaleItem]:
    """T14, first match: none once MSCC is excluded; surgeon and oncologist now for an immediate T2; the spinal
    team for T3; the senior clinical advisers on the report for T2 or a reported MSCC; then by triage.

    Sources: QS56 statement 3 (2014 wording) for the senior clinical advisers; the rest local.
    """
    if derived.mscc_excluded:
        value = Escalation.NONE
    elif rule == TriageRule.T2 and window == Window.IMMEDIATELY:
        value = Escalation.SPINAL_SURGEON_AND_CLINICAL_ONCOLOGIST_NOW
    elif rule == TriageRule.T3:
        value = Escalation.EMERGENCY_SPINAL_TEAM_NOW
    elif rule == TriageRule.T2 or derived.mscc_reported:
        value = Escalation.SENIOR_CLINICAL_ADVISERS_ON_REPORT
    else:
        value = _BY_RULE[rule]
    note = ESCALATION_TEXTS[value]
    words: Words = (note.text,)
    return value, RationaleItem("escalation", "T14", words, _INPUTS, note.source)
