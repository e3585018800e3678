"""Section 10.4: the imaging window (T8, which sets the timers) and the scan to arrange (T9)."""

from __future__ import annotations

from typing import Final

from ..facts import Words, fact
from ..result import RationaleItem
from .codes import Imaging, TriageRule, Window
from .derived import Derived
from .inputs import ReferralInput
from .texts import (
    SRC_IMAGING,
    SRC_WINDOW_1_WEEK,
    SRC_WINDOW_24_HOURS,
    SRC_WINDOW_24_HOURS_NO_CANCER,
    SRC_WINDOW_IMMEDIATELY,
    SRC_WINDOW_NONE,
)

EMERGENCY_INPUTS: Final = (
    "deficit_progressing",
    "neuro_findings",
    "ambulatory_status",
    "walking_lost_at",
    "suspected_at",
    "received_at",
)
SCAN_INPUTS: Final = ("imaging_status", "imaging_scope", "imaging_modality", "mri_contraindicated")


def window_rule(rule: TriageRule, derived: Derived) -> tuple[Window | None, Window | None, RationaleItem]:
    """T8: the window (``immediately`` for an emergency under T2 or T3, else 24 hours; 1 week under T5).

    Returns the window, ``imaging_within`` (the window, or None once a qualifying scan is done) and the
    reason. Sources: NG234 1.5.2 and QS56 statement 3 (24 hours), QS56 statement 2 (1 week); the
    conditions of ``immediately`` and its 4 hours are local.
    """
    words: Words
    inputs: tuple[str, ...]
    if rule in (TriageRule.T2, TriageRule.T3):
        inputs = EMERGENCY_INPUTS
        if derived.emergency:
            window, source = Window.IMMEDIATELY, SRC_WINDOW_IMMEDIATELY
            words = (
                "An emergency (progressing or possibly progressing weakness, walking lost within 48 hours of the "
                "suspicion or when is unknown, or a sphincter or saddle finding): whole-spine imaging immediately.",
            )
        else:
            window = Window.HOURS_24
            source = SRC_WINDOW_24_HOURS if rule == TriageRule.T2 else SRC_WINDOW_24_HOURS_NO_CANCER
            words = ("Neurological findings without an emergency criterion: whole-spine imaging within 24 hours.",)
    elif rule == TriageRule.T5:
        inputs, window, source = ("pain_features", "cancer_status"), Window.WEEK_1, SRC_WINDOW_1_WEEK
        words = ("Spinal pain suggesting metastases, no neurological finding: whole-spine imaging within 1 week.",)
    else:
        inputs, window, source = (), None, SRC_WINDOW_NONE
        words = ("No imaging window under this triage.",)
    within = None if derived.qualifying_scan else window
    if window is not None and within is None:
        words = (*words, " A qualifying whole-spine scan is done.")
    return window, within, RationaleItem("imaging_within", "T8", words, (*inputs, *SCAN_INPUTS), source)


def imaging_rule(referral: ReferralInput, *, timer_open: bool) -> tuple[Imaging | None, RationaleItem]:
    """T9: whole-spine MRI (CT where MRI is contraindicated) while the imaging timer applies and has not stopped.

    Source: NG234 1.5.5 (whole spine); CT only when MRI is contraindicated.
    """
    inputs = (*SCAN_INPUTS, "imaging_at")
    words: Words
    if not timer_open:
        words = ("No scan to arrange: the imaging timer does not apply, or a qualifying scan has stopped it.",)
        return None, RationaleItem("imaging", "T9", words, inputs, SRC_IMAGING)
    if referral.mri_contraindicated:
        words = (fact("mri_contraindicated", True), ": a whole-spine CT.")
        return Imaging.CT_WHOLE_SPINE, RationaleItem("imaging", "T9", words, inputs, SRC_IMAGING)
    words = ("A whole-spine MRI: the level and the cause are not yet known.",)
    return Imaging.MRI_WHOLE_SPINE, RationaleItem("imaging", "T9", words, inputs, SRC_IMAGING)
