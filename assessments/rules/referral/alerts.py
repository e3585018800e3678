"""Section 10.9 (T16): the referral's alerts, in the order of their table."""

from __future__ import annotations

from typing import Final

from ..facts import Words
from ..result import RationaleItem
from .codes import CancerType, ImagingStatus, NeuroExamination, ReferralAlert, TimerName, TriageRule
from .codes import ReferralSteroids as S
from .derived import Derived, walking_lost_recently
from .inputs import ReferralInput
from .texts import ALERT_TEXTS
from .timers import Timer

_HIGH_DOSE: Final = frozenset({S.HIGH_DOSE, S.HIGH_DOSE_AFTER_COORDINATOR_CALL, S.CONTINUE_HIGH_DOSE})
_SCAN: Final = ("imaging_status", "imaging_scope", "imaging_modality", "mri_contraindicated", "imaging_finding")
_WALKING: Final = ("neuro_findings", "cancer_status", "ambulatory_status", "walking_lost_at", "evaluated_at", *_SCAN)
_INPUTS: Final = {
    ReferralAlert.TIME_CRITICAL: _WALKING,
    ReferralAlert.NONAMBULATORY_OVER_48H: _WALKING,
    ReferralAlert.BIOPSY_BEFORE_STEROIDS: ("cancer_status", "cancer_type"),
    ReferralAlert.WHOLE_SPINE_IMAGING_NEEDED: _SCAN,
    ReferralAlert.BOOKED_IMAGING_AFTER_DEADLINE: ("imaging_status", "imaging_booked_for", "suspected_at"),
    ReferralAlert.EXAMINATION_NOT_DONE: ("neuro_examination",),
    ReferralAlert.CANCER_TYPE_NOT_RECORDED: ("cancer_type",),
}


def alerts_rule(
    referral: ReferralInput,
    rule: TriageRule,
    derived: Derived,
    *,
    steroids: S | None,
    imaging_applies: bool,
    timers: tuple[Timer, ...],
) -> tuple[tuple[ReferralAlert, ...], tuple[RationaleItem, ...]]:
    """T16: each alert whose condition holds, in table order, with one reason each (its text and source).

    Durations are compared exactly: walking lost exactly 48 h before the evaluation is still time-critical.
    """
    walking = rule in (TriageRule.T2, TriageRule.T3) and not derived.mscc_excluded and derived.new_nonambulatory
    recent = walking_lost_recently(referral, referral.evaluated_at)
    imaging_deadline = next(timer.deadline for timer in timers if timer.name == TimerName.IMAGING)
    booked = referral.imaging_booked_for
    conditions = {
        ReferralAlert.TIME_CRITICAL: walking and recent,
        ReferralAlert.NONAMBULATORY_OVER_48H: walking and not recent,
        ReferralAlert.BIOPSY_BEFORE_STEROIDS: steroids in _HIGH_DOSE and derived.no_tissue_diagnosis,
        ReferralAlert.WHOLE_SPINE_IMAGING_NEEDED: derived.scan_done
        and not derived.qualifying_scan
        and (imaging_applies or derived.metastases_reported),
        ReferralAlert.BOOKED_IMAGING_AFTER_DEADLINE: referral.imaging_status == ImagingStatus.BOOKED
        and booked is not None
        and imaging_deadline is not None
        and booked > imaging_deadline,
        ReferralAlert.EXAMINATION_NOT_DONE: referral.neuro_examination == NeuroExamination.NOT_DONE,
        ReferralAlert.CANCER_TYPE_NOT_RECORDED: referral.cancer_type == CancerType.TYPE_NOT_RECORDED,
    }
    raised = tuple(code for code in ReferralAlert if conditions[code])
    items = []
    for code in raised:
        note = ALERT_TEXTS[code]
        words: Words = (note.text,)
        items.append(RationaleItem(f"alert:{code.value}", "T16", words, _INPUTS[code], note.source))
    return raised, tuple(items)
