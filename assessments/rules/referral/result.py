"""Section 10.12: the result of triaging one referral, and its JSON shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ..codes import Bladder
from ..result import RationaleItem
from .codes import (
    Advice,
    Contact,
    Escalation,
    Imaging,
    NextStep,
    ReferralAlert,
    ReferralMobility,
    ReferralSteroids,
    Triage,
    TriageRule,
    Window,
)
from .inputs import iso
from .timers import Timer


def _value(code: StrEnum | None) -> str | None:
    return None if code is None else code.value


def timer_dict(timer: Timer) -> dict[str, object]:
    """One timer as 10.10 gives it: start, anchor, target, deadline, stop, status, basis."""
    return {
        "start": None if timer.start is None else iso(timer.start),
        "anchor": _value(timer.anchor),
        "target": timer.target,
        "deadline": None if timer.deadline is None else iso(timer.deadline),
        "stop": None if timer.stop is None else iso(timer.stop),
        "status": timer.status.value,
        "basis": _value(timer.basis),
    }


@dataclass(frozen=True, slots=True)
class ReferralResult:
    """The triage of one referral version: every output of section 10 with its rationale.

    ``prefill`` is None unless ``next_step`` is ``create_assessment``; ``rationale`` holds one reason per rule
    that set an output (T16 one per alert, T17 one per timer), with the inputs it read and its source.
    """

    id: str | None
    rule_set: str
    triage: Triage
    triage_rule: TriageRule
    missing: tuple[str, ...]
    imaging_within: Window | None
    imaging: Imaging | None
    contact_coordinator: Contact
    mobility: ReferralMobility | None
    steroids: ReferralSteroids | None
    bladder: Bladder | None
    initial_advice: tuple[Advice, ...]
    escalation: Escalation
    alerts: tuple[ReferralAlert, ...]
    next_step: NextStep
    timers: tuple[Timer, ...]
    prefill: Mapping[str, object] | None = field(hash=False)
    rationale: tuple[RationaleItem, ...]

    def to_dict(self) -> dict[str, object]:
        """The result object of 10.12 (plain JSON values), with ``rationale[].topic`` besides its four keys."""
        return {
            "id": self.id,
            "rule_set": self.rule_set,
            "triage": self.triage.value,
            "triage_rule": self.triage_rule.value,
            "missing": list(self.missing),
            "imaging_within": _value(self.imaging_within),
            "imaging": _value(self.imaging),
            "contact_coordinator": self.contact_coordinator.value,
            "mobility": _value(self.mobility),
            "steroids": _value(self.steroids),
            "bladder": _value(self.bladder),
            "initial_advice": [code.value for code in self.initial_advice],
            "escalation": self.escalation.value,
            "alerts": [code.value for code in self.alerts],
            "next_step": self.next_step.value,
            "timers": {timer.name.value: timer_dict(timer) for timer in self.timers},
            "prefill": None if self.prefill is None else dict(self.prefill),
            "rationale": [
                {
                    "rule": item.rule,
                    "text": item.text,
                    "inputs": list(item.inputs),
                    "source": item.source,
                    "topic": item.topic,
                }
                for item in self.rationale
            ],
        }
