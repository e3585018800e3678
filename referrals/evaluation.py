"""A stored referral as section 10's referral object, its events, and its evaluation now under the site's targets.

The rules (``assessments.rules.referral``) read one object; this module builds it from a version's data,
the referral's events (the coordinator's acknowledgement, the assessment case's board decision and
treatment start) and the carried deadlines, and evaluates it. Nothing here decides: the rules do.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from assessments import rules
from assessments.models import Case
from assessments.rules import referral as triage_rules
from assessments.rules.referral.inputs import iso as triage_iso
from referrals.models import Referral, ReferralVersion

# The board's pathway as the kind of decision the timers read (10.1 ``events.decision_type``): the
# first definitive treatment it names. docs/clinical-rules.md, "Referral decisions from the board".
_P = rules.PathwayCode
DECISION_TYPE_OF_PATHWAY: dict[str, triage_rules.DecisionType] = {
    _P.URGENT_DECOMPRESSION: triage_rules.DecisionType.SURGERY,
    _P.STABILIZATION_THEN_RADIATION: triage_rules.DecisionType.SURGERY,
    _P.SEPARATION_SURGERY_SBRT: triage_rules.DecisionType.SURGERY,
    _P.MAXIMAL_EXCISION_CEBRT: triage_rules.DecisionType.SURGERY,
    _P.BIOPSY_THEN_CEBRT: triage_rules.DecisionType.RADIOTHERAPY,
    _P.BRACING_THEN_CEBRT: triage_rules.DecisionType.RADIOTHERAPY,
    _P.PALLIATIVE_RADIATION: triage_rules.DecisionType.RADIOTHERAPY,
    _P.CEBRT: triage_rules.DecisionType.RADIOTHERAPY,
    _P.SBRT: triage_rules.DecisionType.RADIOTHERAPY,
    _P.BIOPSY_AND_STAGING: triage_rules.DecisionType.OTHER,
}


def local_targets() -> triage_rules.LocalTargets:
    """The site's local targets (``REFERRAL_LOCAL_TARGETS``; checked at start-up by ``referrals.checks``)."""
    return triage_rules.LocalTargets(dict(settings.REFERRAL_LOCAL_TARGETS))


def iso(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else triage_iso(moment)


def decision_type_of(case: Case) -> triage_rules.DecisionType:
    """The kind of the board's decision on ``case``: its pathway's first definitive treatment, else other."""
    return DECISION_TYPE_OF_PATHWAY.get(case.board_pathway_code, triage_rules.DecisionType.OTHER)


def events_of(referral: Referral) -> dict[str, str]:
    """The referral's events (10.1) as the object holds them: only those that happened."""
    events: dict[str, str] = {}
    if referral.acknowledged_at is not None:
        events["coordinator_acknowledged_at"] = iso(referral.acknowledged_at)  # type: ignore[assignment]
    case = referral.case
    if case is not None and case.decided_at is not None:
        events["decision_at"] = iso(case.decided_at)  # type: ignore[assignment]
        events["decision_type"] = decision_type_of(case).value
        if case.treatment_start_at is not None:
            events["treatment_started_at"] = iso(case.treatment_start_at)  # type: ignore[assignment]
    return events


def referral_object(
    *,
    data: dict[str, Any],
    referral_id: int | None,
    events: dict[str, str],
    previous_deadlines: dict[str, str] | None,
    evaluated_at: datetime.datetime,
) -> dict[str, Any]:
    """Section 10's referral object: a version's ``data`` with the id, events, carried deadlines and the moment."""
    obj: dict[str, Any] = dict(data)
    if referral_id is not None:
        obj["id"] = str(referral_id)
    obj["evaluated_at"] = iso(evaluated_at)
    if events:
        obj["events"] = dict(events)
    if previous_deadlines is not None:
        obj["previous_deadlines"] = dict(previous_deadlines)
    return obj


def evaluate_object(obj: dict[str, Any]) -> tuple[triage_rules.ReferralResult | None, dict[str, list[str]]]:
    """The rules' result for a referral object under the site's targets, or the errors naming each field."""
    referral, errors = triage_rules.read_referral(obj, evaluated_at=timezone.now())
    if referral is None:
        return None, errors
    return triage_rules.evaluate_referral(referral, local_targets()), {}


def evaluate_version(
    referral: Referral, version: ReferralVersion, *, now: datetime.datetime | None = None
) -> triage_rules.ReferralResult:
    """``version`` evaluated at ``now`` (default: this moment) with the referral's events as they are now.

    A stored version was valid when saved; events are checked when recorded. Raises ``ValueError``
    naming the fields if the stored object no longer reads (a fault in the record, never in the input).
    """
    obj = referral_object(
        data=version.data,
        referral_id=referral.pk,
        events=events_of(referral),
        previous_deadlines=version.previous_deadlines,
        evaluated_at=now or timezone.now(),
    )
    result, errors = evaluate_object(obj)
    if result is None:
        raise ValueError(f"Referral {referral.pk} version {version.number} does not read: {errors}")
    return result


def deadlines_of(result: triage_rules.ReferralResult) -> dict[str, str]:
    """Each timer's deadline in ``result`` that has one: what the next version carries (10.10)."""
    return {timer.name.value: iso(timer.deadline) for timer in result.timers if timer.deadline is not None}  # type: ignore[misc]


def evaluate_draft(
    data: dict[str, Any], *, referral: Referral | None, now: datetime.datetime
) -> tuple[triage_rules.ReferralResult | None, dict[str, list[str]]]:
    """What saving ``data`` now would give: a first version (no ``referral``) or the next version of ``referral``.

    The live panel's answer, computed as the services compute a save: received now or when the referral
    was, with the referral's events and the deadlines its newest version carries. Nothing is stored.
    """
    if referral is None:
        obj = referral_object(
            data={**data, "received_at": iso(now)}, referral_id=None, events={}, previous_deadlines=None,
            evaluated_at=now,
        )  # fmt: skip
        return evaluate_object(obj)
    newest = referral.versions.get(number=referral.version)
    obj = referral_object(
        data={**data, "received_at": newest.data["received_at"]},
        referral_id=referral.pk,
        events=events_of(referral),
        previous_deadlines=deadlines_of(evaluate_version(referral, newest, now=now)),
        evaluated_at=now,
    )
    return evaluate_object(obj)
