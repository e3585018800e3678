"""Section 10.3: the triage category (T2-T7, first match) and the fields a T4 referral misses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..facts import Words, fact, joined
from ..facts import missing as missing_fact
from ..result import RationaleItem
from .codes import CancerStatus, NeuroFinding, NeuroHistory, Triage, TriageRule
from .derived import Derived
from .inputs import ReferralInput
from .texts import SRC_T2, SRC_T3, SRC_T4, SRC_T5, SRC_T6, SRC_T7

_TOPIC: Final = "triage"
# A cancer status that counts as cancer for T5 (a qualifying pain with a cancer known or suspected).
_CANCER: Final = frozenset({CancerStatus.CURRENT, CancerStatus.PAST, CancerStatus.SUSPECTED})
INPUTS_T2: Final = ("neuro_findings", "neuro_history", "cancer_status")
INPUTS_T3: Final = ("neuro_findings", "cancer_status")
INPUTS_T4: Final = ("neuro_history", "pain_features", "cancer_status")
INPUTS_T5: Final = ("pain_features", "cancer_status")
INPUTS_T6: Final = ("cancer_status", "pain_features", "neuro_findings")
INPUTS_T7: Final = ("neuro_findings", "neuro_history", "cancer_status", "pain_features")


@dataclass(frozen=True, slots=True)
class TriageChoice:
    """The category, the rule that gave it, and (under T4) the fields at fault, alphabetically."""

    triage: Triage
    rule: TriageRule
    missing: tuple[str, ...]


def _findings(referral: ReferralInput) -> Words:
    return tuple(fact("neuro_findings", code) for code in referral.neuro_findings)


def triage_rule(referral: ReferralInput, derived: Derived) -> tuple[TriageChoice, RationaleItem]:
    """T2-T7, first match: a positive neurological finding always wins; missing information gives T4, never lower.

    Sources: NICE via the BMJ 2023 summary (T2), NG234 pain features and CG75 (T5); T3, T4, T6, T7 local.
    """
    findings = referral.neuro_findings
    status = referral.cancer_status
    history = referral.neuro_history
    if (findings or history == NeuroHistory.NOT_OBTAINABLE) and status != CancerStatus.NONE_KNOWN:
        why: Words = _findings(referral) or (fact("neuro_history", history),)
        words = (
            "Neurological symptoms or signs (",
            *_joined(why),
            ") with ",
            fact("cancer_status", status),
            ": suspected MSCC, an emergency.",
        )
        return _choice(Triage.SUSPECTED_MSCC, TriageRule.T2, (), words, INPUTS_T2, SRC_T2)
    if any(code != NeuroFinding.RADICULAR_PAIN for code in findings) and status == CancerStatus.NONE_KNOWN:
        words = (
            "Findings of cord compression (",
            *_joined(_findings(referral)),
            ") with ",
            fact("cancer_status", status),
            ": an emergency whatever the cause; MSCC can be a cancer's first sign.",
        )
        return _choice(Triage.SUSPECTED_CORD_COMPRESSION_NO_KNOWN_CANCER, TriageRule.T3, (), words, INPUTS_T3, SRC_T3)
    missing = []
    if history != NeuroHistory.ASKED:
        missing.append("neuro_history")
    if referral.pain_features is None:
        missing.append("pain_features")
    if status == CancerStatus.UNKNOWN and derived.qualifying_pain:
        missing.append("cancer_status")
    if missing:
        words = (
            "Not enough is known to triage lower (",
            *_joined(tuple(missing_fact(name) for name in sorted(missing))),
            "): the coordinator completes the referral.",
        )
        return _choice(Triage.INSUFFICIENT_INFORMATION, TriageRule.T4, tuple(sorted(missing)), words, INPUTS_T4, SRC_T4)
    if derived.qualifying_pain and status in _CANCER:
        words = (
            "Spinal pain with a feature of metastases, no neurological finding, and ",
            fact("cancer_status", status),
            ": suspected spinal metastases.",
        )
        return _choice(Triage.SUSPECTED_SPINAL_METASTASES, TriageRule.T5, (), words, INPUTS_T5, SRC_T5)
    if status == CancerStatus.NONE_KNOWN and (
        derived.qualifying_pain or tuple(findings) == (NeuroFinding.RADICULAR_PAIN,)
    ):
        words = (
            "Spinal or radicular pain with ",
            fact("cancer_status", status),
            ": not an MSCC referral.",
        )
        return _choice(Triage.NOT_SUSPECTED, TriageRule.T6, (), words, INPUTS_T6, SRC_T6)
    words = ("No neurological finding and no spinal pain with a feature of metastases: MSCC is not suspected.",)
    return _choice(Triage.NOT_SUSPECTED, TriageRule.T7, (), words, INPUTS_T7, SRC_T7)


def _joined(facts: Words) -> Words:
    return joined([(part,) for part in facts], ", ")


def _choice(
    triage: Triage, rule: TriageRule, missing: tuple[str, ...], words: Words, inputs: tuple[str, ...], source: str
) -> tuple[TriageChoice, RationaleItem]:
    return TriageChoice(triage, rule, missing), RationaleItem(_TOPIC, rule.value, words, inputs, source)
