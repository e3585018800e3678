"""The network audit of referrals: each referral's timers and QS56 statements (rules 10.10), and their monthly figures.

A referral's measures come from its versions as the rules read them (``ReferralInput``) and its newest
version's result evaluated now: which statement it counts under (10.10 "Audit mapping to QS56"),
whether each was met, and how long it took. The figures per month (applicable, met, breached, still
open, median and 90th percentile) are the audit export's, not the rules'. No patient is named here.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assessments.rules import referral as triage_rules
from assessments.rules.referral.derived import derive

Status = triage_rules.TimerStatus
Rule = triage_rules.TriageRule
WEEK = datetime.timedelta(days=7)
DAY = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class MeasureDef:
    """One line of the audit: a stable code, its words, and the QS56 statement it reports (or local)."""

    code: str
    words: str
    statement: str


TIMER_MEASURES: tuple[MeasureDef, ...] = (
    MeasureDef("timer_acknowledge", "Acknowledge timer: the coordinator took the referral on in time", "local"),
    MeasureDef(
        "timer_imaging", "Imaging timer: whole-spine imaging in the window triage set", "QS56-2, QS56-3 or local"
    ),
    MeasureDef("timer_report", "Report timer: the scan reported in time", "local"),
    MeasureDef("timer_decision", "Decision timer: the treatment decision in time", "QS56-2 or local"),
    MeasureDef(
        "timer_treatment", "Treatment timer: definitive treatment within 24 hours of the decision", "QS56-6 or local"
    ),
)
STATEMENT_MEASURES: tuple[MeasureDef, ...] = (
    MeasureDef("qs56_2_imaging", "MRI of the whole spine within 1 week of suspected spinal metastases", "QS56-2"),
    MeasureDef("qs56_2_decision", "Treatment plan within 1 week of suspected spinal metastases", "QS56-2"),
    MeasureDef("qs56_3_imaging", "MRI of the whole spine within 24 hours of suspected MSCC", "QS56-3"),
    MeasureDef("qs56_4_coordinator", "Suspected MSCC assessed by the MSCC coordinator", "QS56-4"),
    MeasureDef("qs56_6_radiotherapy", "Radiotherapy started within 24 hours of the decision to treat", "QS56-6"),
    MeasureDef("local_t3_imaging", "Suspected cord compression without known cancer: imaging timer", "local"),
)
MEASURES: tuple[MeasureDef, ...] = TIMER_MEASURES + STATEMENT_MEASURES
MEASURE_BY_CODE = {measure.code: measure for measure in MEASURES}


@dataclass(frozen=True)
class Outcome:
    """One referral under one measure: met, breached or still open (running), and the time it took when it stopped."""

    code: str
    status: Status
    elapsed: datetime.timedelta | None


def _against(
    code: str,
    *,
    start: datetime.datetime,
    deadline: datetime.datetime,
    stop: datetime.datetime | None,
    now: datetime.datetime,
) -> Outcome:
    """A stop against a deadline, as the timers of 10.10 judge it."""
    if stop is not None:
        return Outcome(code, Status.MET if stop <= deadline else Status.BREACHED, stop - start)
    return Outcome(code, Status.BREACHED if now > deadline else Status.RUNNING, None)


def referral_outcomes(
    versions: Sequence[triage_rules.ReferralInput],
    results: Sequence[triage_rules.ReferralResult],
    *,
    now: datetime.datetime,
) -> list[Outcome]:
    """Every measure a referral counts under; ``versions`` and their ``results`` oldest first, the newest evaluated now.

    A referral counts once: under statement 3 if any version was triaged T2, else under statement 2 if
    any was T5, from the suspicion of the first such version. Its qualifying scan and the events are
    the newest version's.
    """
    newest, newest_result = versions[-1], results[-1]
    timers = {timer.name: timer for timer in newest_result.timers}
    outcomes = [
        _timer_outcome(f"timer_{timer.name}", timer)
        for timer in newest_result.timers
        if timer.status != Status.NOT_APPLICABLE
    ]
    rules = [result.triage_rule for result in results]
    derived = derive(newest)
    scanned = newest.imaging_at if derived.qualifying_scan else None
    events = newest.events
    if Rule.T2 in rules:
        first = versions[rules.index(Rule.T2)]
        suspected = derive(first).effective_suspected_at
        outcomes.append(_against("qs56_3_imaging", start=suspected, deadline=suspected + DAY, stop=scanned, now=now))
        acknowledged = events.coordinator_acknowledged_at
        outcomes.append(
            Outcome(
                "qs56_4_coordinator",
                Status.RUNNING if acknowledged is None else Status.MET,
                None if acknowledged is None else acknowledged - newest.received_at,
            )
        )
    elif Rule.T5 in rules:
        first = versions[rules.index(Rule.T5)]
        suspected = derive(first).effective_suspected_at
        outcomes.append(_against("qs56_2_imaging", start=suspected, deadline=suspected + WEEK, stop=scanned, now=now))
        outcomes.append(
            _against("qs56_2_decision", start=suspected, deadline=suspected + WEEK, stop=events.decision_at, now=now)
        )
    treatment = timers[triage_rules.TimerName.TREATMENT]
    if events.decision_type == triage_rules.DecisionType.RADIOTHERAPY and treatment.status != Status.NOT_APPLICABLE:
        outcomes.append(_timer_outcome("qs56_6_radiotherapy", treatment))
    if Rule.T3 in rules:
        outcomes.append(_timer_outcome("local_t3_imaging", timers[triage_rules.TimerName.IMAGING]))
    return outcomes


def _timer_outcome(code: str, timer: triage_rules.Timer) -> Outcome:
    status = Status.RUNNING if timer.status == Status.NOT_STARTED else timer.status
    elapsed = timer.stop - timer.start if timer.stop is not None and timer.start is not None else None
    return Outcome(code, status, elapsed)


@dataclass(frozen=True)
class Figures:
    """One month under one measure: how many referrals it applied to, met, breached, still open, and the times."""

    month: str
    measure: MeasureDef
    applicable: int
    met: int
    breached: int
    open: int
    median_hours: float | None
    p90_hours: float | None


def nearest_rank(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``fraction`` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)), 1) - 1]


def monthly_figures(rows: Iterable[tuple[str, Outcome]]) -> list[Figures]:
    """Figures per month and measure from ``(month, outcome)`` pairs: months oldest first, measures in their order.

    Times are hours (one decimal) over the outcomes that stopped; the median is the middle value (the
    mean of the two middle ones for an even count), the 90th percentile by nearest rank.
    """
    grouped: dict[tuple[str, str], list[Outcome]] = {}
    for month, outcome in rows:
        grouped.setdefault((month, outcome.code), []).append(outcome)
    order = {measure.code: n for n, measure in enumerate(MEASURES)}
    figures = []
    for month, code in sorted(grouped, key=lambda key: (key[0], order[key[1]])):
        outcomes = grouped[(month, code)]
        hours = [o.elapsed.total_seconds() / 3600 for o in outcomes if o.elapsed is not None]
        figures.append(
            Figures(
                month=month,
                measure=MEASURE_BY_CODE[code],
                applicable=len(outcomes),
                met=sum(o.status == Status.MET for o in outcomes),
                breached=sum(o.status == Status.BREACHED for o in outcomes),
                open=sum(o.status == Status.RUNNING for o in outcomes),
                median_hours=round(statistics.median(hours), 1) if hours else None,
                p90_hours=round(nearest_rank(hours, 0.9), 1) if hours else None,
            )
        )
    return figures
