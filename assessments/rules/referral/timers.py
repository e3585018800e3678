"""Section 10.10 (T17): the five service timers, with the deadlines a re-triage carries (never loosened)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from ..facts import Words, bare, fact
from ..result import RationaleItem
from .codes import DecisionType, TimerAnchor, TimerBasis, TimerName, TimerStatus, TriageRule, Window
from .derived import Derived
from .inputs import LocalTargets, ReferralInput, duration
from .texts import TIMER_SOURCES

# The NICE targets: fixed, never a site setting (10.10 "Local targets").
QS56_3_TARGET: Final = "PT24H"
QS56_2_TARGET: Final = "P7D"
QS56_6_TARGET: Final = "PT24H"

_EMERGENCY_RULES: Final = frozenset({TriageRule.T2, TriageRule.T3})
_DEFINITIVE: Final = frozenset({DecisionType.SURGERY, DecisionType.RADIOTHERAPY})
# The local target each triage gives the acknowledgement, and each window gives the report.
_ACKNOWLEDGE_TARGETS: Final = {
    TriageRule.T2: "acknowledge_emergency",
    TriageRule.T3: "acknowledge_emergency",
    TriageRule.T4: "acknowledge_insufficient",
    TriageRule.T5: "acknowledge_spinal_metastases",
}
_REPORT_TARGETS: Final = {
    Window.IMMEDIATELY: "report_immediately",
    Window.HOURS_24: "report_24_hours",
    Window.WEEK_1: "report_1_week",
}
_IMAGING_INPUTS: Final = ("imaging_status", "imaging_scope", "imaging_modality", "mri_contraindicated", "imaging_at")


@dataclass(frozen=True, slots=True)
class Timer:
    """One service timer as the result shows it; every field but ``status`` is None when not applicable."""

    name: TimerName
    start: datetime | None
    anchor: TimerAnchor | None
    target: str | None
    deadline: datetime | None
    stop: datetime | None
    status: TimerStatus
    basis: TimerBasis | None


@dataclass(frozen=True, slots=True)
class _Plan:
    """A timer as computed now, before carried deadlines: whether it applies, its anchor, target and basis."""

    applies: bool
    start: datetime | None
    stop: datetime | None
    anchor: TimerAnchor | None = None
    anchor_at: datetime | None = None
    target: str | None = None
    basis: TimerBasis | None = None

    @property
    def deadline(self) -> datetime | None:
        if not self.applies or self.anchor_at is None or self.target is None:
            return None
        return self.anchor_at + duration(self.target)


@dataclass(frozen=True, slots=True)
class Clock:
    """What the timers read: the referral, its derived values, its triage and the imaging window (T8)."""

    referral: ReferralInput
    derived: Derived
    rule: TriageRule
    window: Window | None
    targets: LocalTargets


def status_of(start: datetime | None, deadline: datetime | None, stop: datetime | None, now: datetime) -> TimerStatus:
    """10.10 Status: met, breached, not started or running (durations compared exactly)."""
    if stop is not None and (deadline is None or stop <= deadline):
        return TimerStatus.MET
    if deadline is not None and (stop is not None or now > deadline):
        return TimerStatus.BREACHED
    return TimerStatus.NOT_STARTED if start is None else TimerStatus.RUNNING


def imaging_timer_applies(referral: ReferralInput, window: Window | None) -> bool:
    """The imaging timer applies: an imaging window now (T2, T3, T5), or an imaging deadline carried in."""
    return window is not None or TimerName.IMAGING in (referral.previous_deadlines or {})


def _acknowledge(clock: Clock) -> _Plan:
    referral, rule = clock.referral, clock.rule
    stop = None if rule == TriageRule.T4 else referral.events.coordinator_acknowledged_at
    name = _ACKNOWLEDGE_TARGETS.get(rule)
    if name is None:
        return _Plan(False, referral.received_at, stop)
    target = clock.targets.get(name)
    return _Plan(
        True, referral.received_at, stop, TimerAnchor.RECEIVED_AT, referral.received_at, target, TimerBasis.LOCAL
    )


def _scan_times(clock: Clock) -> tuple[datetime | None, datetime | None]:
    """The qualifying scan's time and its report's time; None for a scan that does not qualify."""
    if not clock.derived.qualifying_scan:
        return None, None
    return clock.referral.imaging_at, clock.referral.imaging_reported_at


def _imaging(clock: Clock) -> _Plan:
    start = clock.derived.effective_suspected_at
    stop, _ = _scan_times(clock)
    window = clock.window
    if window is None:
        return _Plan(False, start, stop)
    if window == Window.IMMEDIATELY:
        target, basis = clock.targets.get("imaging_immediately"), TimerBasis.LOCAL
    elif window == Window.WEEK_1:
        target, basis = QS56_2_TARGET, TimerBasis.QS56_2
    elif clock.rule == TriageRule.T2:
        target, basis = QS56_3_TARGET, TimerBasis.QS56_3
    else:  # T3's 24 hours: outside NG234, so a local target
        target, basis = clock.targets.get("imaging_24_hours_no_known_cancer"), TimerBasis.LOCAL
    return _Plan(True, start, stop, TimerAnchor.SUSPECTED_AT, start, target, basis)


def _report(clock: Clock) -> _Plan:
    start, stop = _scan_times(clock)
    window = clock.window
    if window is None:
        return _Plan(False, start, stop)
    target = clock.targets.get(_REPORT_TARGETS[window])
    return _Plan(True, start, stop, TimerAnchor.IMAGING_AT, start, target, TimerBasis.LOCAL)


def _decision(clock: Clock) -> _Plan:
    referral, derived, rule = clock.referral, clock.derived, clock.rule
    start = referral.imaging_reported_at if derived.metastases_reported else None
    stop = referral.events.decision_at
    if derived.mscc_excluded or not (clock.window is not None or derived.metastases_reported):
        return _Plan(False, start, stop)
    plans = []
    if rule in _EMERGENCY_RULES or derived.mscc_reported:
        name = "decision_immediately" if clock.window == Window.IMMEDIATELY else "decision_otherwise"
        target = clock.targets.get(name)
        plans.append(_Plan(True, start, stop, TimerAnchor.IMAGING_REPORTED_AT, start, target, TimerBasis.LOCAL))
    if rule == TriageRule.T5 or (derived.metastases_reported and rule not in _EMERGENCY_RULES):
        suspected = derived.effective_suspected_at
        plans.append(_Plan(True, start, stop, TimerAnchor.SUSPECTED_AT, suspected, QS56_2_TARGET, TimerBasis.QS56_2))
    # The earlier deadline of the rules that apply (rule (a) on a tie); while neither has one, (a) with none.
    dated = [(plan.deadline, position, plan) for position, plan in enumerate(plans) if plan.deadline is not None]
    return min(dated)[2] if dated else plans[0]


def _treatment(clock: Clock) -> _Plan:
    referral, derived = clock.referral, clock.derived
    events = referral.events
    start, stop = events.decision_at, events.treatment_started_at
    definitive = events.decision_type is None or events.decision_type in _DEFINITIVE
    mscc_pathway = derived.mscc_reported or (clock.rule in _EMERGENCY_RULES and not derived.metastases_reported)
    if derived.mscc_excluded or not definitive or not mscc_pathway:
        return _Plan(False, start, stop)
    if events.decision_type == DecisionType.RADIOTHERAPY:
        target, basis = QS56_6_TARGET, TimerBasis.QS56_6
    elif events.decision_type == DecisionType.SURGERY:
        target, basis = clock.targets.get("treatment_surgery"), TimerBasis.LOCAL
    else:
        target, basis = QS56_6_TARGET, TimerBasis.PENDING_DECISION
    return _Plan(True, start, stop, TimerAnchor.DECISION_AT, start, target, basis)


_PLANS: Final = {
    TimerName.ACKNOWLEDGE: _acknowledge,
    TimerName.IMAGING: _imaging,
    TimerName.REPORT: _report,
    TimerName.DECISION: _decision,
    TimerName.TREATMENT: _treatment,
}


def _carries(name: TimerName, plan: _Plan, carried: datetime, clock: Clock) -> bool:
    """Whether the carried deadline stands in place of the one computed now (10.10 "Carried deadlines")."""
    derived, events = clock.derived, clock.referral.events
    if name in (TimerName.DECISION, TimerName.TREATMENT) and derived.mscc_excluded:
        return False
    if name == TimerName.TREATMENT and events.decision_type is not None and events.decision_type not in _DEFINITIVE:
        return False
    computed = plan.deadline
    if name == TimerName.ACKNOWLEDGE:
        return carried != computed
    return computed is None or carried < computed


def timer_rule(name: TimerName, clock: Clock) -> tuple[Timer, RationaleItem]:
    """T17 for one timer: its start and stop events, its deadline (carried when earlier) and its status.

    Sources: QS56 statements 2, 3 and 6 where the basis is NICE's, otherwise the local target.
    """
    referral = clock.referral
    plan = _PLANS[name](clock)
    previous: Mapping[TimerName, datetime] = referral.previous_deadlines or {}
    carried = previous.get(name)
    inputs = (*_INPUTS[name], *((f"previous_deadlines.{name.value}",) if carried is not None else ()))
    now = referral.evaluated_at
    if carried is not None and _carries(name, plan, carried, clock):
        status = status_of(plan.start, carried, plan.stop, now)
        timer = Timer(
            name, plan.start, TimerAnchor.PREVIOUS_DEADLINES, None, carried, plan.stop, status, TimerBasis.CARRIED
        )
        words: Words = (
            bare("timer", name.value),
            ": the deadline carried from the previous version stands (",
            fact("status", status),
            "); a re-triage never loosens a deadline.",
        )
        return timer, RationaleItem(f"timer:{name.value}", "T17", words, inputs, TIMER_SOURCES[TimerBasis.CARRIED])
    if not plan.applies:
        timer = Timer(name, None, None, None, None, None, TimerStatus.NOT_APPLICABLE, None)
        words = (bare("timer", name.value), ": does not apply to this referral.")
        return timer, RationaleItem(f"timer:{name.value}", "T17", words, inputs, TIMER_SOURCES[TimerBasis.LOCAL])
    deadline = plan.deadline
    status = status_of(plan.start, deadline, plan.stop, now)
    assert plan.basis is not None
    timer = Timer(name, plan.start, plan.anchor, plan.target, deadline, plan.stop, status, plan.basis)
    words = (
        bare("timer", name.value),
        ": target ",
        bare("target", str(plan.target)),
        " from ",
        bare("anchor", str(plan.anchor)),
        " (",
        fact("basis", plan.basis),
        "), ",
        fact("status", status),
        ".",
    )
    return timer, RationaleItem(f"timer:{name.value}", "T17", words, inputs, TIMER_SOURCES[plan.basis])


_INPUTS: Final = {
    TimerName.ACKNOWLEDGE: ("received_at", "events.coordinator_acknowledged_at", "evaluated_at"),
    TimerName.IMAGING: ("suspected_at", "received_at", *_IMAGING_INPUTS, "evaluated_at"),
    TimerName.REPORT: (*_IMAGING_INPUTS, "imaging_reported_at", "evaluated_at"),
    TimerName.DECISION: (
        "imaging_status",
        "imaging_finding",
        "imaging_reported_at",
        "suspected_at",
        "received_at",
        "events.decision_at",
        "evaluated_at",
    ),
    TimerName.TREATMENT: (
        "imaging_status",
        "imaging_finding",
        "events.decision_at",
        "events.decision_type",
        "events.treatment_started_at",
        "evaluated_at",
    ),
}


def timers_rule(clock: Clock) -> tuple[tuple[Timer, ...], tuple[RationaleItem, ...]]:
    """T17: the five timers in their order, each with its reason."""
    pairs = [timer_rule(name, clock) for name in TimerName]
    return tuple(timer for timer, _ in pairs), tuple(item for _, item in pairs)
