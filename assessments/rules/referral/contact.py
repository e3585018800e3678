"""Section 10.5 (T10): whether the MSCC coordinator must be called now (a live call), within 24 hours, or not."""

from __future__ import annotations

from typing import Final

from ..facts import Words
from ..result import RationaleItem
from .codes import Contact, TriageRule
from .derived import Derived
from .texts import SRC_CONTACT_24_HOURS, SRC_CONTACT_FRONT_DOOR, SRC_CONTACT_NONE, SRC_CONTACT_T2

_INPUTS: Final = ("imaging_status", "imaging_finding")


def contact_rule(rule: TriageRule, derived: Derived) -> tuple[Contact, RationaleItem]:
    """T10, first match: immediately under T2, T3, T4 or a report of MSCC; within 24 h under T5 or metastases.

    Sources: NICE via the BMJ 2023 summary (T2); NICE's 24 hours and CG75 (T5); the rest local.
    """
    words: Words
    if rule in (TriageRule.T2, TriageRule.T3, TriageRule.T4) or derived.mscc_reported:
        source = SRC_CONTACT_T2 if rule == TriageRule.T2 else SRC_CONTACT_FRONT_DOOR
        words = ("Call the MSCC coordinator now: a live call, not an electronic referral alone.",)
        return Contact.IMMEDIATELY, RationaleItem("contact_coordinator", "T10", words, _INPUTS, source)
    if rule == TriageRule.T5 or derived.metastases_reported:
        words = ("Seek the MSCC coordinator's advice within 24 hours.",)
        return Contact.WITHIN_24_HOURS, RationaleItem(
            "contact_coordinator", "T10", words, _INPUTS, SRC_CONTACT_24_HOURS
        )
    words = ("Not an MSCC referral: the coordinator need not be called.",)
    return Contact.NOT_REQUIRED, RationaleItem("contact_coordinator", "T10", words, _INPUTS, SRC_CONTACT_NONE)
