"""The coordinator's worklist in words: each open referral's row, its timers as countdowns, in order of urgency.

Everything here is computed from the rules' result for the referral evaluated now
(``referrals.evaluation.evaluate_version``), so the countdowns are the server's, redrawn on each poll;
templates only print the strings.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from assessments.labels import label
from assessments.rules import referral as triage_rules
from assessments.rules.referral.inputs import duration
from escc_site.time_text import moment_text, span_text
from referrals.evaluation import evaluate_version
from referrals.models import TRIAGE_RANK, Referral, ReferralVersion

_Status = triage_rules.TimerStatus
_Basis = triage_rules.TimerBasis

# Whose number a target is: NICE's quality statement, the site's own setting, or an earlier version's deadline.
_BASIS_WORDS: Mapping[str, str] = {
    _Basis.QS56_2: "NICE QS56-2",
    _Basis.QS56_3: "NICE QS56-3",
    _Basis.QS56_6: "NICE QS56-6",
    _Basis.LOCAL: "local (site setting)",
    _Basis.PENDING_DECISION: "NICE QS56-6 until the decision says surgery (then local)",
    _Basis.CARRIED: "carried from an earlier version",
}
# The badge each status wears: a breach must stand out, a running timer draws the eye less.
_STATUS_BADGES: Mapping[str, str] = {
    _Status.BREACHED: "text-bg-danger",
    _Status.RUNNING: "text-bg-warning",
    _Status.MET: "text-bg-success",
    _Status.NOT_STARTED: "text-bg-secondary",
    _Status.NOT_APPLICABLE: "text-bg-light",
}
# Timers that have stopped (met, or breached by a late stop) no longer decide how urgent a referral is.
_LATEST = datetime.datetime.max.replace(tzinfo=datetime.UTC)


def target_text(target: str | None) -> str:
    """A rule's ISO 8601 target as a span ("PT24H" -> "24 h"); empty for none."""
    return "" if target is None else span_text(duration(target))


def countdown_text(timer: triage_rules.Timer, now: datetime.datetime) -> str:
    """How the timer stands against its deadline now: "2 h 10 min left", "overdue by 35 min", "late by 5 min".

    Empty for a timer without a deadline; for one that is met, how long before the deadline it stopped.
    """
    deadline = timer.deadline
    if deadline is None:
        return ""
    if timer.stop is not None:
        gap = span_text(timer.stop - deadline)
        return f"late by {gap}" if timer.stop > deadline else f"{gap} to spare"
    if now > deadline:
        return f"overdue by {span_text(now - deadline)}"
    return f"{span_text(deadline - now)} left"


def is_open(timer: triage_rules.Timer) -> bool:
    """A timer still counting (or overdue and not yet stopped): it makes the referral urgent."""
    return timer.deadline is not None and timer.stop is None and timer.status != _Status.NOT_APPLICABLE


@dataclass(frozen=True, slots=True)
class TimerCell:
    """One timer as the worklist's compact cell shows it."""

    name: str
    title: str
    status: str
    status_words: str
    badge: str
    countdown: str
    deadline: str
    stopped: str
    target: str
    basis: str

    @property
    def applies(self) -> bool:
        return self.status != _Status.NOT_APPLICABLE


def timer_cell(timer: triage_rules.Timer, now: datetime.datetime) -> TimerCell:
    """``timer`` in words at ``now``: its status, countdown, deadline and whose target it is."""
    return TimerCell(
        name=timer.name.value,
        title=label(timer.name),
        status=timer.status.value,
        status_words=label(timer.status),
        badge=_STATUS_BADGES[timer.status],
        countdown=countdown_text(timer, now),
        deadline=moment_text(timer.deadline),
        stopped=moment_text(timer.stop),
        target=target_text(timer.target),
        basis="" if timer.basis is None else _BASIS_WORDS[timer.basis],
    )


def age_on(born: datetime.date, day: datetime.date) -> int:
    """Whole years from ``born`` to ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True, slots=True)
class WorklistRow:
    """One referral on the coordinator's worklist, every cell already in words."""

    referral: Referral
    patient_name: str
    age: int
    referrer: str
    organisation: str
    received: str
    received_ago: str
    triage: str
    next_step: str
    status: str
    acknowledged: bool
    acknowledged_words: str
    timers: tuple[TimerCell, ...]
    sort_key: tuple[Any, ...]

    @property
    def breached(self) -> bool:
        return any(cell.status == _Status.BREACHED for cell in self.timers)


def acknowledged_text(referral: Referral) -> str:
    """ "Acknowledged 12 Mar 2027 02:22 by Colin Coordinator", or "Not acknowledged"."""
    if referral.acknowledged_at is None:
        return "Not acknowledged"
    by = referral.acknowledged_by
    who = (by.get_full_name() or by.username) if by is not None else ""
    return f"Acknowledged {moment_text(referral.acknowledged_at)}" + (f" by {who}" if who else "")


def urgency(referral: Referral, result: triage_rules.ReferralResult, now: datetime.datetime) -> tuple[Any, ...]:
    """The worklist's order: open first, triage rank, a breached open timer, the earliest open deadline, received."""
    open_timers = [timer for timer in result.timers if is_open(timer)]
    breached = any(timer.deadline is not None and timer.deadline < now for timer in open_timers)
    earliest = min((timer.deadline for timer in open_timers if timer.deadline is not None), default=_LATEST)
    return (not referral.is_open, TRIAGE_RANK[result.triage], not breached, earliest, referral.received_at, referral.pk)


def worklist_row(referral: Referral, version: ReferralVersion, now: datetime.datetime) -> WorklistRow:
    """``referral`` (its newest ``version``) evaluated at ``now``, as its worklist row.

    A record that no longer reads under the rules still shows, first of all, saying so: one faulty
    record must not hide the others from the coordinator.
    """
    try:
        result = evaluate_version(referral, version, now=now)
    except ValueError:
        return _unreadable_row(referral, version, now)
    return WorklistRow(
        referral=referral,
        patient_name=referral.patient_name,
        age=age_on(referral.patient_date_of_birth, timezone.localdate(now)),
        referrer=version.data.get("referrer_name") or "",
        organisation=version.data.get("referrer_organisation") or "",
        received=moment_text(referral.received_at),
        received_ago=f"{span_text(now - referral.received_at)} ago",
        triage=label(result.triage),
        next_step=label(result.next_step),
        status="" if referral.is_open else referral.get_status_display(),
        acknowledged=referral.acknowledged_at is not None,
        acknowledged_words=acknowledged_text(referral),
        timers=tuple(timer_cell(timer, now) for timer in result.timers),
        sort_key=urgency(referral, result, now),
    )


def _unreadable_row(referral: Referral, version: ReferralVersion, now: datetime.datetime) -> WorklistRow:
    return WorklistRow(
        referral=referral,
        patient_name=referral.patient_name,
        age=age_on(referral.patient_date_of_birth, timezone.localdate(now)),
        referrer=version.data.get("referrer_name") or "",
        organisation=version.data.get("referrer_organisation") or "",
        received=moment_text(referral.received_at),
        received_ago=f"{span_text(now - referral.received_at)} ago",
        triage="Cannot be triaged now: the record does not read under the rules. Open it and re-triage.",
        next_step="",
        status="" if referral.is_open else referral.get_status_display(),
        acknowledged=referral.acknowledged_at is not None,
        acknowledged_words=acknowledged_text(referral),
        timers=(),
        sort_key=(not referral.is_open, -1, False, _LATEST, referral.received_at, referral.pk),
    )


def worklist_rows(
    referrals: Iterable[Referral], versions: Mapping[int, ReferralVersion], *, now: datetime.datetime | None = None
) -> list[WorklistRow]:
    """The worklist's rows, most urgent first (``urgency``); ``versions`` holds each referral's newest version."""
    moment = now or timezone.now()
    rows = [worklist_row(referral, versions[referral.pk], moment) for referral in referrals]
    return sorted(rows, key=lambda row: row.sort_key)


TIMER_TITLES: tuple[str, ...] = tuple(label(name) for name in triage_rules.TimerName)
