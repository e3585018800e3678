"""Write paths of referrals: refer, add a version (re-triage, imaging), acknowledge, log advice, escalate, close,
link the assessment case made from it and tell the referrer the board's outcome; and the on-call list's changes.

Keyword-only and typed, each one write with its audit record (``audit.services``), in one transaction.
Every write that changes what the rules read evaluates the newest version again and keeps the
worklist's columns (triage, its rank, the next step) in step with it.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from assessments.labels import label
from assessments.models import BoardDecision, Case
from assessments.rules import referral as triage_rules
from audit.services import audit_record
from board.models import NotificationKind
from board.services import notification_create
from referrals.escalation import escalation_reach, role_words
from referrals.evaluation import deadlines_of, evaluate_object, evaluate_version, events_of, iso, referral_object
from referrals.models import (
    TRIAGE_RANK,
    EntryKind,
    OnCall,
    OnCallRole,
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
    ``ReferralInvalid`` naming each field when it does not read. A ``save_token`` the referrer already
    saved with is a repeat of that save (a resubmitted page): the referral it made is returned, unchanged.
    """
    if save_token is not None:
        done = Referral.objects.filter(save_token=save_token).select_related("referrer").first()
        if done is not None and done.referrer_id == referrer.pk:
            return done
        if done is not None:
            save_token = None  # another user's token: not a repeat of this save, and never theirs to learn
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
    # Only the referral row is locked: PostgreSQL refuses FOR UPDATE on the outer join to a missing case.
    return Referral.objects.select_for_update(of=("self",)).select_related("case").get(pk=referral.pk)


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


class EscalationRefused(Exception):
    """Nothing was sent: the rules' escalation needs nobody on call, or nobody is on call for it now."""


def referral_escalate(*, referral: Referral, user: User) -> ReferralEntry:
    """Escalate as the rules say now (10.7): tell each person on call for it, in the app and by e-mail.

    The escalation is the newest version's, evaluated now with the referral's events. Each person on
    call in a role it reaches is notified once (the e-mail goes through the task queue after commit);
    the ``ESCALATED`` entry names whom it reached (role codes and user ids in ``details``), and roles
    nobody answered. Refuses with ``EscalationRefused`` when the escalation needs nobody on call or
    nobody is on call for it, and ``ReferralClosed`` when the referral is not open.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(referral)
        if not locked.is_open:
            raise ReferralClosed(f"Referral {locked.pk} is {locked.get_status_display().lower()}.")
        escalation = evaluate_version(locked, locked.versions.get(number=locked.version), now=now).escalation
        reach = escalation_reach(escalation, now)
        if not reach.needs_on_call:
            raise EscalationRefused(
                f"The escalation for this referral is “{label(escalation)}”: it calls nobody on call."
            )
        if not reach.entries:
            raise EscalationRefused(
                f"Nobody is on call now as {role_words(reach.wanted)}: nothing was sent. "
                "Admins keep the on-call list; call the hospital switchboard."
            )
        roles_of: dict[User, list[OnCallRole]] = {}
        for entry in reach.entries:
            roles_of.setdefault(entry.person, []).append(OnCallRole(entry.role))
        for person, roles in roles_of.items():
            notification_create(
                recipient=person,
                kind=NotificationKind.REFERRAL_ESCALATED,
                subject=_escalation_subject(locked, escalation, roles, user),
                link=locked.get_absolute_url(),
            )
        reached = [{"role": str(e.role), "user": e.person_id} for e in reach.entries]
        unanswered = [str(role) for role in reach.unanswered]
        text = "Escalated to " + "; ".join(
            f"{e.person.get_full_name() or e.person.username} ({e.get_role_display().lower()}, {e.phone})"
            for e in reach.entries
        )
        if unanswered:
            text += f". Nobody on call as {role_words(reach.unanswered)}"
        entry = ReferralEntry.objects.create(
            referral=locked,
            kind=EntryKind.ESCALATED,
            at=now,
            by=user,
            text=text,
            details={"escalation": escalation.value, "version": locked.version, "reached": reached,
                     "unanswered": unanswered},
        )  # fmt: skip
        audit_record(
            action="referral.escalate",
            actor=user,
            target=locked,
            details={"entry": entry.pk, "escalation": escalation.value, "reached": reached},
        )
    return entry


def _escalation_subject(
    referral: Referral, escalation: triage_rules.Escalation, roles: list[OnCallRole], by: User
) -> str:
    """The notification's words: which referral, what the rules ask, in what role, whom to call. No patient."""
    phone = settings.MSCC_COORDINATOR_PHONE.strip()
    coordinator = by.get_full_name() or by.username
    words = (
        f"Referral {referral.pk} ({label(triage_rules.Triage(referral.triage))}): {label(escalation)}. "
        f"You are on call as {role_words(roles)}; escalated by {coordinator}"
        + (f", MSCC coordinator {phone}" if phone else "")
    )
    return words[:200]


# --- The on-call list ------------------------------------------------------------------------------


def _oncall_details(entry: OnCall, change: str) -> dict[str, Any]:
    return {
        "change": change,
        "role": entry.role,
        "person": entry.person_id,
        "starts_at": iso(entry.starts_at),
        "ends_at": iso(entry.ends_at),
    }


def oncall_save(*, entry: OnCall, user: User) -> OnCall:
    """Add or change an on-call entry, audited (``oncall.change``) with what it now says."""
    change = "add" if entry.pk is None else "change"
    with transaction.atomic():
        entry.save()
        audit_record(action="oncall.change", actor=user, target=entry, details=_oncall_details(entry, change))
    return entry


def oncall_delete(*, entry: OnCall, user: User) -> None:
    """Remove an on-call entry, audited with what it said."""
    with transaction.atomic():
        audit_record(action="oncall.change", actor=user, target=entry, details=_oncall_details(entry, "delete"))
        entry.delete()


# --- The coordinator's actions on the referral page, each refused when the page was of an older version -----


def _current(referral: Referral, based_on: int) -> Referral:
    """The referral locked, if it is open and still at ``based_on``; otherwise the refusal the page shows."""
    locked = _locked(referral)
    if not locked.is_open:
        raise ReferralClosed(f"Referral {locked.pk} is {locked.get_status_display().lower()}.")
    if locked.version != based_on:
        raise ReferralConflict(locked)
    return locked


def referral_imaging_record(
    *, referral: Referral, user: User, based_on: int, changes: dict[str, Any]
) -> ReferralVersion:
    """Record the imaging as booked, done or reported: a version with ``changes`` to version ``based_on``'s data.

    ``changes`` are 10.1 imaging fields (codes, ISO date-times); the rest of the referral stays as it
    was. Refuses as ``referral_version_add`` does; ``ReferralInvalid`` names the rules' fields.
    """
    version = referral.versions.filter(number=based_on).first()
    if version is None:
        raise ReferralConflict(referral)
    data = {**version.data, **changes}
    return referral_version_add(
        referral=referral, user=user, data=data, based_on=based_on, reason=VersionReason.IMAGING
    )


def referral_coordinator_acknowledge(*, referral: Referral, user: User, based_on: int) -> Referral:
    """``referral_acknowledge`` from the referral page: refused when the page showed an older version."""
    with transaction.atomic():
        locked = _current(referral, based_on)
        return referral_acknowledge(referral=locked, user=user)


def referral_coordinator_entry_add(
    *, referral: Referral, user: User, based_on: int, kind: EntryKind, text: str, at: datetime.datetime | None = None
) -> ReferralEntry:
    """Log advice given by phone or a note from the referral page, naming the version the coordinator saw."""
    with transaction.atomic():
        locked = _current(referral, based_on)
        return referral_entry_add(
            referral=locked, user=user, kind=kind, text=text, at=at, details={"version": based_on}
        )


def referral_coordinator_end(
    *, referral: Referral, user: User, based_on: int, status: ReferralStatus, reason: str
) -> Referral:
    """Close or withdraw from the referral page: refused when the page showed an older version."""
    with transaction.atomic():
        locked = _current(referral, based_on)
        return referral_end(referral=locked, user=user, status=status, reason=reason)


def referral_case_link(*, referral_id: int, case: Case, user: User, by_hand: bool) -> Referral | None:
    """The assessment case made from the referral keeps it (10.8): link it, log it, and follow its clock.

    Runs inside the case's save. A referral that already has its case keeps that one (two clinicians
    started one each; the second case stays unlinked) and nothing is recorded; None then.
    """
    with transaction.atomic():
        locked = Referral.objects.select_for_update(of=("self",)).filter(pk=referral_id).first()
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
