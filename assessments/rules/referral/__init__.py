"""Referral triage before MRI: ``clinical-rules.md`` section 10 (rule set 2027.2), pure standard library.

One entry point, :func:`evaluate_referral`, maps a validated :class:`ReferralInput` to a
:class:`ReferralResult`; :func:`read_referral` validates a referral file's object first (10.11, T1), and
:func:`evaluate_referral_object` does both for ``manage.py evaluate_referral``. Modules follow the
subsections: ``codes`` (the codes), ``inputs`` (10.1, and the local targets of 10.10), ``validation``
(10.11), ``derived`` (10.2), ``triage`` (10.3), ``imaging`` (10.4), ``contact`` (10.5), ``advice``
(10.6), ``escalation`` (10.7), ``next_step`` (10.8), ``alerts`` (10.9), ``timers`` (10.10), ``result``
(10.12), ``texts`` (the words and sources), ``engine``. Triage changes nothing in sections 1-9: it
reads their codes (``SpinalLevel``, ``Histology``, ``Bladder``) and their reason parts (``facts``,
``RationaleItem``). The readings taken where section 10 is silent are in ``docs/clinical-rules.md``.
"""

from __future__ import annotations

from .codes import (
    NICE_BASES,
    RULE_SET,
    Advice,
    AmbulatoryStatus,
    CancerStatus,
    CancerType,
    Contact,
    DecisionType,
    Escalation,
    Imaging,
    ImagingFinding,
    ImagingModality,
    ImagingScope,
    ImagingStatus,
    NeuroExamination,
    NeuroFinding,
    NeuroHistory,
    NextStep,
    PainFeature,
    PatientLocation,
    Progression,
    ReferralAlert,
    ReferralMobility,
    ReferralSteroids,
    TimerAnchor,
    TimerBasis,
    TimerName,
    TimerStatus,
    Triage,
    TriageRule,
    Window,
)
from .engine import evaluate_referral, evaluate_referral_object
from .inputs import (
    EVENT_FIELDS,
    LOCAL_TARGET_DEFAULTS,
    OPTIONAL_FIELDS,
    REFERRAL_FIELDS,
    RULE_SET_TARGETS,
    Events,
    LocalTargets,
    ReferralInput,
    duration,
)
from .result import ReferralResult
from .timers import Timer
from .validation import read_referral

__all__ = [
    "EVENT_FIELDS",
    "LOCAL_TARGET_DEFAULTS",
    "NICE_BASES",
    "OPTIONAL_FIELDS",
    "REFERRAL_FIELDS",
    "RULE_SET",
    "RULE_SET_TARGETS",
    "Advice",
    "AmbulatoryStatus",
    "CancerStatus",
    "CancerType",
    "Contact",
    "DecisionType",
    "Escalation",
    "Events",
    "Imaging",
    "ImagingFinding",
    "ImagingModality",
    "ImagingScope",
    "ImagingStatus",
    "LocalTargets",
    "NeuroExamination",
    "NeuroFinding",
    "NeuroHistory",
    "NextStep",
    "PainFeature",
    "PatientLocation",
    "Progression",
    "ReferralAlert",
    "ReferralInput",
    "ReferralMobility",
    "ReferralResult",
    "ReferralSteroids",
    "Timer",
    "TimerAnchor",
    "TimerBasis",
    "TimerName",
    "TimerStatus",
    "Triage",
    "TriageRule",
    "Window",
    "duration",
    "evaluate_referral",
    "evaluate_referral_object",
    "read_referral",
]
