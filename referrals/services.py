"""Write paths of referrals: refer, add a version (re-triage, imaging), acknowledge, log advice and escalation, close,
link the assessment case made from it and tell the referrer the board's outcome.

Keyword-only and typed, each one write with its audit record (``audit.services``), in one transaction.
Every write that changes what the rules read evaluates the newest version again and keeps the
worklist's columns (triage, its rank, the next step) in step with it.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from assessments.models import BoardDecision, Case
from assessments.rules import referral as triage_rules
from audit.services import audit_record
from board.models import NotificationKind
from board.services import notification_create
from referrals.evaluation import deadlines_of, evaluate_object, evaluate_version, events_of, iso, referral_object
from referrals.models import (
    TRIAGE_RANK,
    EntryKind,
    Referral,
    ReferralEntry,
    ReferralStatus,
    ReferralVersion,
    VersionReason,
)


class ReferralInvalid(ValueError):
    """The referral object does not read under section 10.11; ``errors`` names each field at fault."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
        self.errors = errors


class ReferralConflict(Exception):
    """Somebody saved a newer version of the referral since the one the save was based on."""

    def __init__(self, referral: Referral) -> None:
        super().__init__(f"Referral {referral.pk} is at version {referral.version}")
        self.referral = referral


class ReferralClosed(Exception):
    """The referral is closed or withdrawn: it takes no new version and no action."""


def _evaluated(
    *,
    data: dict[str, Any],
    referral: Referral | None,
    previous_deadlines: dict[str, str] | None,
    now: datetime.datetime,
) -> triage_rules.ReferralResult:
    obj = referral_object(
        data=data,
        referral_id=None if referral is None else referral.pk,
        events=events_of(referral) if referral is not None else {},
        previous_deadlines=previous_deadlines,
        evaluated_at=now,
    )
    result, errors = evaluate_object(obj)
    if result is None:
        raise ReferralInvalid(errors)
    return result


def _follow(referral: Referral, result: triage_rules.ReferralResult) -> None:
    """Keep the worklist's columns as the newest version's result gives them."""
    referral.triage = result.triage.value
    referral.triage_rank = TRIAGE_RANK[result.triage]
    referral.next_step = result.next_step.value


def referral_create(
    *,
    referrer: User,
    patient_name: str,
    patient_date_of_birth: datetime.date,
    patient_mrn: str,
    data: dict[str, Any],
    save_token: uuid.UUID | None = None,
) -> Referral:
    """Make a referral with its first version; ``received_at`` is set here, to now, whatever ``data`` says.

    ``data`` is section 10.1's referral object without ``id``, events and carried deadlines. Raises
    ``ReferralInvalid`` naming each field when it does not read.
    """
    now = timezone.now()
    data = {**data, "received_at": iso(now)}
    result = _evaluated(data=data, referral=None, previous_deadlines=None, now=now)
    with transaction.atomic():
        referral = Referral(
            referrer=referrer,
            received_at=now,
            patient_name=patient_name,
            patient_date_of_birth=patient_date_of_birth,
            patient_mrn=patient_mrn,
            save_token=save_token,
        )
        _follow(referral, result)
        referral.save()
        ReferralVersion.objects.create(
            referral=referral,
            number=1,
            data=data,
            previous_deadlines=None,
            rule_set=result.rule_set,
            evaluated_at=now,
            result={**result.to_dict(), "id": str(referral.pk)},
            reason=VersionReason.REFERRED,
            recorded_by=referrer,
        )
        audit_record(action="referral.create", actor=referrer, target=referral, details={"version": 1})
    return referral


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)


def referral_version_add(
    *,
    referral: Referral,
    user: User,
    data: dict[str, Any],
    based_on: int,
    reason: VersionReason = VersionReason.RETRIAGED,
) -> ReferralVersion:
    """Record a new complete version of the referral (a re-triage), carrying the previous deadlines (10.10).

    The carried deadlines are those of the previous version evaluated now with the referral's events,
    so a deadline whose anchor became known after that version was saved is carried too. Refuses with
    ``ReferralConflict`` when ``based_on`` is not the newest version, ``ReferralClosed`` when the referral
    is not open, and ``ReferralInvalid`` naming each field. ``received_at`` stays the referral's.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(referral)
        if not locked.is_open:
            raise ReferralClosed(f"Referral {locked.pk} is {locked.get_status_display().lower()}.")
        if locked.version != based_on:
            raise ReferralConflict(locked)
        previous = locked.versions.get(number=locked.version)
        carried = deadlines_of(evaluate_version(locked, previous, now=now))
        data = {**data, "received_at": previous.data["received_at"]}
        result = _evaluated(data=data, referral=locked, previous_deadlines=carried, now=now)
        locked.version += 1
        version = ReferralVersion.objects.create(
            referral=locked,
            number=locked.version,
            data=data,
            previous_deadlines=carried,
            rule_set=result.rule_set,
            evaluated_at=now,
            result=result.to_dict(),
            reason=reason,
            recorded_by=user,
        )
        _follow(locked, result)
        locked.save()
        audit_record(
            action="referral.version",
            actor=user,
            target=locked,
            details={"version": locked.version, "reason": str(reason)},
        )
    referral.refresh_from_db()
    return version


def referral_refresh(*, referral: Referral) -> triage_rules.ReferralResult:
    """Evaluate the newest version now with the referral's events and keep the worklist's columns in step.

    For a change of the events (an acknowledgement, the board's decision): the next step can move. Saves
    only when a column changed; the caller's transaction holds the write.
    """
    result = evaluate_version(referral, referral.versions.get(number=referral.version))
    before = (referral.triage, referral.triage_rank, referral.next_step)
    _follow(referral, result)
    if (referral.triage, referral.triage_rank, referral.next_step) != before:
        referral.save(update_fields=["triage", "triage_rank", "next_step", "updated_at"])
    return result


def referral_acknowledge(*, referral: Referral, user: User) -> Referral:
    """The coordinator takes the referral on: the acknowledge timer stops now (10.10), once.

    A second acknowledgement changes nothing and records nothing.
    """
    with transaction.atomic():
        locked = _locked(referral)
        if not locked.is_open:
            raise ReferralClosed(f"Referral {locked.pk} is {locked.get_status_display().lower()}.")
        if locked.acknowledged_at is not None:
            return locked
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = user
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        ReferralEntry.objects.create(referral=locked, kind=EntryKind.ACKNOWLEDGED, at=locked.acknowledged_at, by=user)
        referral_refresh(referral=locked)
        audit_record(action="referral.acknowledge", actor=user, target=locked)
    return locked


_ENTRY_ACTIONS = {
    EntryKind.ADVICE: "referral.advice",
    EntryKind.ESCALATED: "referral.escalate",
    EntryKind.NOTE: "referral.note",
    EntryKind.OUTCOME_TOLD: "referral.outcome",
    EntryKind.CASE_CREATED: "referral.case_create",
}


def referral_entry_add(
    *,
    referral: Referral,
    user: User,
    kind: EntryKind,
    text: str = "",
    at: datetime.datetime | None = None,
    details: dict[str, Any] | None = None,
) -> ReferralEntry:
    """Log what was done on the referral (advice given by phone, an escalation, a note), with its audit record.

    ``at`` is when it was done (default now); ``details`` hold codes and ids, never patient data.
    """
    action = _ENTRY_ACTIONS[kind]
    with transaction.atomic():
        entry = ReferralEntry.objects.create(
            referral=referral, kind=kind, at=at or timezone.now(), by=user, text=text, details=details or {}
        )
        audit_record(action=action, actor=user, target=referral, details={"entry": entry.pk, "kind": str(kind)})
    return entry


def referral_end(*, referral: Referral, user: User, status: ReferralStatus, reason: str) -> Referral:
    """Close the referral, or withdraw it as entered in error (an audited action outside the rules, 10.10)."""
    kind, action = {
        ReferralStatus.CLOSED: (EntryKind.CLOSED, "referral.close"),
        ReferralStatus.WITHDRAWN: (EntryKind.WITHDRAWN, "referral.withdraw"),
    }[status]
    with transaction.atomic():
        locked = _locked(referral)
        if not locked.is_open:
            raise ReferralClosed(f"Referral {locked.pk} is {locked.get_status_display().lower()}.")
        locked.status = status
        locked.closed_at = timezone.now()
        locked.close_reason = reason
        locked.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
        ReferralEntry.objects.create(referral=locked, kind=kind, at=locked.closed_at, by=user, text=reason)
        audit_record(action=action, actor=user, target=locked)
    return locked


def referral_case_link(*, referral_id: int, case: Case, user: User, by_hand: bool) -> Referral | None:
    """The assessment case made from the referral keeps it (10.8): link it, log it, and follow its clock.

    Runs inside the case's save. A referral that already has its case keeps that one (two clinicians
    started one each; the second case stays unlinked) and nothing is recorded; None then.
    """
    with transaction.atomic():
        locked = Referral.objects.select_for_update().filter(pk=referral_id).first()
        if locked is None or locked.case_id is not None:
            return None
        locked.case = case
        locked.case_created_by_hand = by_hand
        locked.save(update_fields=["case", "case_created_by_hand", "updated_at"])
        referral_entry_add(
            referral=locked,
            user=user,
            kind=EntryKind.CASE_CREATED,
            details={"case": case.pk, "version": locked.version, "by_hand": by_hand},
        )
        referral_refresh(referral=locked)
    return locked


def referral_outcome_tell(*, case: Case, decision: BoardDecision, signed_by: User) -> ReferralEntry | None:
    """The board signed a decision on the referral's case: tell the referrer (in the app and by e-mail) and log it.

    The referrer is told through the board's notifications and sees the decision on the referral's page,
    never the case itself. None when the case came from no referral.
    """
    referral = Referral.objects.filter(case=case).select_related("referrer").first()
    if referral is None:
        return None
    with transaction.atomic():
        notification_create(recipient=referral.referrer, case=case, kind=NotificationKind.REFERRAL_OUTCOME)
        entry = referral_entry_add(
            referral=referral,
            user=signed_by,
            kind=EntryKind.OUTCOME_TOLD,
            at=decision.signed_at,
            details={"case": case.pk, "decision": decision.pk, "pathway": decision.pathway_code},
        )
        referral_refresh(referral=referral)
    return entry
