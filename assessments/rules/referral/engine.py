"""The entry point :func:`evaluate_referral`: T2-T17 of section 10 applied to one validated referral, in order."""

from __future__ import annotations

from datetime import datetime

from ..result import RationaleItem
from .advice import advice_rule, bladder_rule, mobility_rule, steroids_rule
from .alerts import alerts_rule
from .codes import RULE_SET, NextStep
from .contact import contact_rule
from .derived import derive
from .escalation import escalation_rule
from .imaging import imaging_rule, window_rule
from .inputs import RULE_SET_TARGETS, LocalTargets, ReferralInput
from .next_step import next_step_rule, prefill_rule
from .result import ReferralResult
from .timers import Clock, imaging_timer_applies, timers_rule
from .triage import triage_rule
from .validation import read_referral


def evaluate_referral(referral: ReferralInput, targets: LocalTargets = RULE_SET_TARGETS) -> ReferralResult:
    """Triage one referral version under rule set 2027.2 section 10; never raises for a valid input.

    ``targets`` are the site's local targets (the rule set's by default). Deadlines are fixed from the
    suspicion and the carried ``previous_deadlines``, never from ``evaluated_at``, which only sets the
    timers' status and the walking alerts.
    """
    derived = derive(referral)
    choice, triage_item = triage_rule(referral, derived)
    rule = choice.rule
    window, within, window_item = window_rule(rule, derived)
    imaging_applies = imaging_timer_applies(referral, window)
    imaging_open = imaging_applies and not derived.qualifying_scan
    imaging, imaging_item = imaging_rule(referral, timer_open=imaging_open)
    contact, contact_item = contact_rule(rule, derived)
    mobility, mobility_item = mobility_rule(referral, rule, derived)
    steroids, steroids_item = steroids_rule(referral, rule, derived, window)
    bladder, bladder_item = bladder_rule(referral)
    advice, advice_item = advice_rule(
        referral, rule, derived, mobility=mobility, steroids=steroids, imaging_open=imaging_open
    )
    escalation, escalation_item = escalation_rule(rule, derived, window)
    next_step, next_item = next_step_rule(referral, rule, derived, imaging_applies=imaging_applies)
    prefill = None
    prefill_items: tuple[RationaleItem, ...] = ()
    if next_step == NextStep.CREATE_ASSESSMENT:
        prefill, prefill_item = prefill_rule(referral)
        prefill_items = (prefill_item,)
    timers, timer_items = timers_rule(Clock(referral, derived, rule, window, targets))
    alerts, alert_items = alerts_rule(
        referral, rule, derived, steroids=steroids, imaging_applies=imaging_applies, timers=timers
    )
    return ReferralResult(
        id=referral.id,
        rule_set=RULE_SET,
        triage=choice.triage,
        triage_rule=rule,
        missing=choice.missing,
        imaging_within=within,
        imaging=imaging,
        contact_coordinator=contact,
        mobility=mobility,
        steroids=steroids,
        bladder=bladder,
        initial_advice=advice,
        escalation=escalation,
        alerts=alerts,
        next_step=next_step,
        timers=timers,
        prefill=prefill,
        rationale=(
            triage_item,
            window_item,
            imaging_item,
            contact_item,
            mobility_item,
            steroids_item,
            bladder_item,
            advice_item,
            escalation_item,
            next_item,
            *prefill_items,
            *alert_items,
            *timer_items,
        ),
    )


def evaluate_referral_object(data: object, *, evaluated_at: datetime) -> dict[str, object]:
    """The result object for one referral file object, or ``{"id", "errors"}`` (10.11); the id echoed first.

    ``evaluated_at`` is used when the object has no ``evaluated_at`` of its own.
    """
    referral_id = data.get("id") if isinstance(data, dict) else None
    referral, errors = read_referral(data, evaluated_at=evaluated_at)
    if referral is None:
        return {"id": referral_id, "errors": errors}
    return evaluate_referral(referral).to_dict()
