"""Section 10.8 (T15): the next step, and the values an assessment case created from the referral starts with."""

from __future__ import annotations

from typing import Final

from ..codes import Histology, MotorStatus
from ..facts import Words
from ..result import RationaleItem
from .codes import (
    AmbulatoryStatus,
    CancerStatus,
    CancerType,
    ImagingFinding,
    ImagingStatus,
    NeuroExamination,
    NeuroFinding,
    NeuroHistory,
    NextStep,
    Progression,
    TriageRule,
)
from .derived import Derived
from .inputs import ReferralInput, iso
from .texts import SRC_NEXT_STEP, SRC_PREFILL

_MOTOR: Final = {
    AmbulatoryStatus.WALKS_UNAIDED: MotorStatus.AMBULATORY,
    AmbulatoryStatus.WALKS_WITH_AID: MotorStatus.AMBULATORY_WITH_AID,
    AmbulatoryStatus.CANNOT_WALK: MotorStatus.NONAMBULATORY,
    AmbulatoryStatus.PARAPLEGIC: MotorStatus.PARAPLEGIC,
}
_PROGRESSING: Final = {Progression.YES: True, Progression.NO: False}
_NO_DIAGNOSIS: Final = frozenset({CancerStatus.SUSPECTED, CancerStatus.NONE_KNOWN})
_URINARY: Final = frozenset({NeuroFinding.BLADDER_DYSFUNCTION, NeuroFinding.PERINEAL_NUMBNESS})
_INPUTS: Final = ("imaging_status", "imaging_scope", "imaging_modality", "mri_contraindicated", "imaging_finding")
PREFILL_INPUTS: Final = (
    "neuro_findings",
    "neuro_history",
    "neuro_examination",
    "deficit_progressing",
    "ambulatory_status",
    "walking_lost_at",
    "urinary_retention_confirmed",
    "cancer_status",
    "cancer_type",
    "imaging_levels",
)

Prefill = dict[str, object]


def next_step_rule(
    referral: ReferralInput, rule: TriageRule, derived: Derived, *, imaging_applies: bool
) -> tuple[NextStep, RationaleItem]:
    """T15, first match: metastases reported → create an assessment; a qualifying scan closes, refers on or waits
    for its report; the imaging timer applying → arrange imaging; T4 → complete the referral; else close.

    Source: section 10.8 (a scan that does not cover the question never closes the pathway, 10.13).
    """
    words: Words
    if derived.metastases_reported:
        value = NextStep.CREATE_ASSESSMENT
        words = ("The report shows spinal metastases: create the assessment case.",)
    elif derived.qualifying_scan and referral.imaging_status == ImagingStatus.DONE_NOT_REPORTED:
        value = NextStep.AWAIT_REPORT
        words = ("A qualifying whole-spine scan is done: await its report.",)
    elif derived.qualifying_scan and referral.imaging_finding == ImagingFinding.OTHER_CAUSE:
        value = NextStep.REFER_TO_OTHER_SERVICE
        words = ("A qualifying whole-spine scan found another cause: refer to the service for it.",)
    elif derived.qualifying_scan:
        value = NextStep.CLOSE_MSCC_PATHWAY
        words = ("A qualifying whole-spine scan found no spinal metastases: close the MSCC pathway.",)
    elif imaging_applies:
        value = NextStep.ARRANGE_IMAGING
        words = ("The imaging timer applies and no qualifying scan is done: arrange the whole-spine scan.",)
    elif rule == TriageRule.T4:
        value = NextStep.COMPLETE_REFERRAL
        words = ("Information is missing: the coordinator completes the referral.",)
    else:
        value = NextStep.CLOSE_MSCC_PATHWAY
        words = ("MSCC is not suspected: close the MSCC pathway.",)
    return value, RationaleItem("next_step", "T15", words, (*_INPUTS, "neuro_findings", "cancer_status"), SRC_NEXT_STEP)


def _deficit(referral: ReferralInput) -> bool | None:
    findings = referral.neuro_findings
    if any(code != NeuroFinding.RADICULAR_PAIN for code in findings):
        return True
    if (
        not findings
        and referral.neuro_history == NeuroHistory.ASKED
        and referral.neuro_examination == NeuroExamination.DONE
    ):
        return False
    return None


def _histology(referral: ReferralInput) -> Histology | None:
    status, cancer_type = referral.cancer_status, referral.cancer_type
    if status in _NO_DIAGNOSIS:
        return Histology.UNKNOWN_PRIMARY
    if cancer_type is None or cancer_type == CancerType.TYPE_NOT_RECORDED:
        return None
    return Histology(cancer_type.value)


def prefill_rule(referral: ReferralInput) -> tuple[Prefill, RationaleItem]:
    """10.8's prefill: the section 1 fields the referral supports, each left out when unset.

    Every prefilled value needs the assessing clinician's confirmation; fields not listed are never
    prefilled (the app never guesses a clinical finding). Source: section 10.8.
    """
    prefill: Prefill = {}
    deficit = _deficit(referral)
    if deficit is not None:
        prefill["neurologic_deficit"] = deficit
        # Findings make deficit_progressing required (10.11); without findings the deficit is false.
        progressing = _PROGRESSING.get(referral.deficit_progressing) if referral.deficit_progressing else False
        if progressing is not None:
            prefill["deficit_progressing"] = progressing
    motor = _MOTOR.get(referral.ambulatory_status)
    if motor is not None:
        prefill["motor_status"] = motor.value
    if referral.walking_lost_at is not None:
        prefill["walking_lost_at"] = iso(referral.walking_lost_at)
    findings = frozenset(referral.neuro_findings)
    if findings & _URINARY:
        prefill["urinary_symptoms"] = True
    elif referral.neuro_history == NeuroHistory.ASKED:
        prefill["urinary_symptoms"] = False
    if referral.urinary_retention_confirmed is not None:
        prefill["urinary_retention"] = referral.urinary_retention_confirmed
    histology = _histology(referral)
    if histology is not None:
        prefill["histology"] = histology.value
    prefill["lesions"] = [{"spinal_level": level.value} for level in referral.imaging_levels or ()]
    words: Words = (
        "Proposed for the assessment, each to be confirmed by the clinician: ",
        ", ".join(name for name in prefill),
        ".",
    )
    return prefill, RationaleItem("prefill", "T15", words, PREFILL_INPUTS, SRC_PREFILL)
