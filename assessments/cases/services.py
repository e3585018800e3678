"""The write paths of a case: one function per action, each with its audit record.

Keyword-only, ``<entity>_<action>`` names (HackSoft Django-Styleguide). Views call these;
the board's actions on a case are ``board.services``, the patient's record ``patients.services``.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import roles
from assessments import rules
from assessments.access import care_team_ids
from assessments.cases.inputs import HOUR, case_input, case_input_at, lesion_values
from assessments.cases.signals import case_started, handover_changed
from assessments.models import (
    ASSESSMENT_FIELDS,
    PROGNOSIS_FIELDS,
    URGENCY_RANK,
    CareTeam,
    Case,
    CaseHandover,
    CaseStatus,
    HandoverStatus,
    WorkingCopy,
)
from assessments.patients.services import (
    PatientCheckLimited,
    PatientDetailsMismatch,
    identifiers_of,
    patient_for_case,
    patient_refusal_record,
    split_patient,
)
from audit.services import audit_record

if TYPE_CHECKING:
    from assessments.cases.starts import CaseStart


class StaleVersionError(Exception):
    """The case was saved by someone else after the version this save was based on."""

    def __init__(self, current: Case) -> None:
        super().__init__(f"Case {current.pk} is at version {current.version}")
        self.current = current


class CaseStateError(Exception):
    """The action is not allowed in the case's current status."""


class NoLongerEditorError(Exception):
    """The editor may no longer edit the case: it was handed over (or unshared) after the form was opened."""

    def __init__(self, current: Case) -> None:
        super().__init__(f"Case {current.pk} is now owned by user {current.owner_id}")
        self.current = current


def _may_edit(case: Case, user: User) -> bool:
    """Whether ``user`` may edit ``case`` now: its owner, or a member of the care team it is shared with."""
    return case.owner_id == user.pk or (
        case.team_id is not None and care_team_ids(user).filter(team_id=case.team_id).exists()
    )


def _apply_assessment(case: Case, assessment: rules.CaseInput) -> rules.Result:
    now = timezone.now()
    if assessment.hours_nonambulatory is not None and case.ambulation_lost_at is None:
        # Hours typed without a time: store the time they point to, so the count keeps going.
        case.ambulation_lost_at = (now - assessment.hours_nonambulatory * HOUR).replace(second=0, microsecond=0)
    assessment = case_input_at(case=case, assessment=assessment, now=now)
    _store_lesions(case, assessment)
    _store_prognosis_inputs(case, assessment)
    result = rules.evaluate(assessment)
    _store_result(case, result, now)
    return result


def _store_prognosis_inputs(case: Case, assessment: rules.CaseInput) -> None:
    # The optional prognosis inputs (spec 1), NULL when not recorded.
    for name in PROGNOSIS_FIELDS:
        value = getattr(assessment, name)
        setattr(case, name, value.value if hasattr(value, "value") else value)


def _store_lesions(case: Case, assessment: rules.CaseInput) -> None:
    """Store every lesion on the case, and mirror the index lesion in the flat columns (lists, board, dashboard)."""
    values = assessment.flat_values()
    for name in ASSESSMENT_FIELDS:
        value = values[name]
        setattr(case, name, value.value if hasattr(value, "value") else value)
    case.lesions = [lesion_values(lesion) for lesion in assessment.lesions]
    case.lesion_count = len(assessment.lesions)


def case_create(
    *,
    owner: User,
    patient: dict[str, Any],
    assessment: rules.CaseInput,
    save_token: uuid.UUID | None = None,
    started_from: CaseStart | None = None,
) -> Case:
    """Create a draft case for ``owner`` with the rules' result stored beside the inputs.

    A case ``started_from`` another record (a referral) is announced with that record's origin
    (``signals.case_started``) inside the save's transaction, so the link is saved with it or not at all.

    A ``save_token`` already saved by ``owner`` returns that case instead: the same save sent
    twice (a reload after a lost answer, a double click) stores one case. The case becomes an
    episode of the patient with its MRN (created if new); ``PatientDetailsMismatch`` if that
    patient's stored details differ from those typed, ``PatientCheckLimited`` after too many
    such refusals (nothing is saved; the refusal is audited).
    """
    if save_token is not None and (done := Case.objects.filter(owner=owner, save_token=save_token).first()):
        return done
    identifiers, case_fields = split_patient(patient=patient)
    case = Case(owner=owner, save_token=save_token, **case_fields)
    case._history_user = owner  # the version is attributed even outside a web request
    _apply_assessment(case, assessment)
    try:
        with transaction.atomic():
            case.patient = patient_for_case(identifiers=identifiers, user=owner)
            case.save()
            audit_record(action="case.create", actor=owner, target=case)
            working_copy_discard(user=owner, case=None)
            if started_from is not None:
                case_started.send(
                    sender=Case, case=case, origin=started_from.origin, user=owner, by_hand=started_from.by_hand
                )
    except (PatientDetailsMismatch, PatientCheckLimited) as refusal:
        patient_refusal_record(user=owner, refusal=refusal)  # after the rollback, so the entry stays
        raise
    except IntegrityError:
        # Two copies of one save raced past the check above; the unique token let one in.
        done = Case.objects.filter(owner=owner, save_token=save_token).first() if save_token else None
        if done is None:
            raise
        return done
    return case


def case_update(
    *,
    case_id: int,
    editor: User,
    based_on_version: int,
    patient: dict[str, Any],
    assessment: rules.CaseInput,
    save_token: uuid.UUID | None = None,
) -> Case:
    """Save a new version of a draft case; refuse if a newer version exists (no lost updates).

    A ``save_token`` that a version of this case already carries is a repeat of that save: the
    case is returned as it is, without another version. Patient details typed on an episode
    correct that patient's record (audited, versioned); a new MRN moves the episode to that
    patient, with the same ``PatientDetailsMismatch`` check as ``case_create``.

    Who may edit is checked again under the row lock (``NoLongerEditorError``): the page's check
    ran before the lock, and a handover accepted in between must win over the former owner's save.
    """
    try:
        return _case_update_locked(
            case_id=case_id,
            editor=editor,
            based_on_version=based_on_version,
            patient=patient,
            assessment=assessment,
            save_token=save_token,
        )
    except (PatientDetailsMismatch, PatientCheckLimited) as refusal:
        patient_refusal_record(user=editor, refusal=refusal)  # after the rollback, so the entry stays
        raise


def _case_update_locked(
    *,
    case_id: int,
    editor: User,
    based_on_version: int,
    patient: dict[str, Any],
    assessment: rules.CaseInput,
    save_token: uuid.UUID | None,
) -> Case:
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if save_token is not None and case.history.filter(save_token=save_token).exists():
            return case
        if not _may_edit(case, editor):
            raise NoLongerEditorError(case)
        if case.version != based_on_version:
            raise StaleVersionError(case)
        if not case.is_editable:
            raise CaseStateError("Only a draft case can be edited.")
        identifiers, case_fields = split_patient(patient=patient)
        if identifiers:
            current = case.patient
            identifiers = {**identifiers_of(patient=current), **identifiers}
            case.patient = patient_for_case(identifiers=identifiers, user=editor, current=current)
        for name, value in case_fields.items():
            setattr(case, name, value)
        _apply_assessment(case, assessment)
        case._history_user = editor
        case.save_token = save_token
        case.version += 1
        case.save()
        audit_record(action="case.update", actor=editor, target=case, details={"version": case.version})
        working_copy_discard(user=editor, case=case)
    return case


def case_reevaluate(*, case_id: int, editor: User, based_on_version: int) -> Case:
    """Re-evaluate a draft's stored inputs under the current rule set and save that as a new version.

    Never automatic: the owner asks for it after seeing the differences (``cases.views.case_reevaluate``).
    The inputs are not changed (the time of loss of ambulation, if any, is counted as of now, as at
    every evaluation); the earlier result stays in the version history. Refused with
    ``StaleVersionError`` when a newer version was saved meanwhile, with ``CaseStateError`` for a
    case that is not an editable draft or already under the current rule set, and with
    ``PermissionDenied`` for anyone but its owner. Audited as a ``case.update`` naming both rule sets.
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if case.owner_id != editor.pk:
            raise PermissionDenied("Only the clinician who owns a case re-evaluates it.")
        if case.version != based_on_version:
            raise StaleVersionError(case)
        if not case.is_editable:
            raise CaseStateError("Only a draft can be re-evaluated; the board works on the result it was sent.")
        from_rule_set = case.rule_set
        if from_rule_set == rules.RULE_SET:
            raise CaseStateError(f"This case is already evaluated under rule set {rules.RULE_SET}.")
        now = timezone.now()
        try:
            stored = case_input(case)
        except rules.InputError as error:
            raise CaseStateError(f"the saved findings contradict each other under rule set {rules.RULE_SET}") from error
        result = rules.evaluate(case_input_at(case=case, assessment=stored, now=now))
        _store_result(case, result, now)
        case._history_user = editor
        case.save_token = None
        case.version += 1
        case.save()
        audit_record(
            action="case.update",
            actor=editor,
            target=case,
            details={
                "version": case.version,
                "reevaluated": True,
                "from_rule_set": from_rule_set,
                "to_rule_set": result.rule_set,
            },
        )
    return case


def _store_result(case: Case, result: rules.Result, now: datetime.datetime) -> None:
    """The result snapshot and the columns denormalised from it (every save and re-evaluation)."""
    case.evaluated_at = now
    case.rule_set = result.rule_set
    case.result = result.to_snapshot()
    case.pathway_code = result.pathway.code.value
    case.pathway_rule = result.pathway.rule.value
    case.urgency = result.urgency.value
    case.urgency_rank = URGENCY_RANK[result.urgency]
    case.sins_total = result.sins.total


def case_discard(*, case: Case, user: User) -> Case:
    """The owner discards a draft: kept in the database and audited, hidden from lists, restorable."""
    return _set_discarded(case=case, user=user, discarded=True)


def case_restore(*, case: Case, user: User) -> Case:
    """The owner brings a discarded draft back."""
    return _set_discarded(case=case, user=user, discarded=False)


def _set_discarded(*, case: Case, user: User, discarded: bool) -> Case:
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.owner_id != user.pk:
            raise PermissionDenied("Only the clinician who owns a draft discards or restores it.")
        if case.status != CaseStatus.DRAFT or (case.discarded_at is not None) == discarded:
            raise CaseStateError("Only a draft can be discarded, and only a discarded draft restored.")
        case.discarded_at = timezone.now() if discarded else None
        case._history_user = user
        case.save()
        audit_record(action="case.discard" if discarded else "case.restore", actor=user, target=case)
    return case


def case_share_with_team(*, case: Case, user: User, team: CareTeam | None) -> Case:
    """The owner shares a case with a care team (its members see and edit it), or stops sharing (``None``)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.owner_id != user.pk:
            raise PermissionDenied("Only the clinician who owns a case shares it.")
        previous = case.team_id
        case.team = team
        case._history_user = user
        case.save(update_fields=["team", "updated_at"])
        audit_record(
            action="case.share",
            actor=user,
            target=case,
            details={"team": team.pk if team else None, "previous_team": previous},
        )
    return case


class HandoverError(Exception):
    """The handover cannot be proposed or answered as asked (wrong person, none open, one already open)."""


def case_handover_propose(*, case: Case, user: User, to_user: User, note: str) -> CaseHandover:
    """The owner offers the case to another clinician with a handover note; ownership moves only on acceptance.

    The offer is announced (``signals.handover_changed``): the board app tells the clinician offered it.
    """

    if not note.strip():
        raise HandoverError("Write the handover note: what the next clinician needs to know.")
    if to_user.pk == user.pk or not to_user.is_active or not roles.is_clinician(to_user):
        raise HandoverError("Hand over to another clinician with an active account.")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.owner_id != user.pk:
            raise PermissionDenied("Only the clinician who owns a case hands it over.")
        if case.handovers.filter(status=HandoverStatus.PENDING).exists():
            raise HandoverError("A handover of this case is already waiting for an answer; withdraw it first.")
        handover = CaseHandover.objects.create(case=case, from_user=user, to_user=to_user, note=note.strip())
        audit_record(
            action="case.handover_propose",
            actor=user,
            target=case,
            details={"handover": handover.pk, "to_user": to_user.pk},
        )
        handover_changed.send(sender=CaseHandover, handover=handover)
    return handover


def case_handover_answer(*, case: Case, user: User, accept: bool, response_note: str = "") -> CaseHandover:
    """The clinician offered the case accepts it (becomes its owner) or declines it (the owner keeps it).

    The answer is announced (``signals.handover_changed``): the board app tells the clinician who offered it.
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        handover = case.handovers.filter(status=HandoverStatus.PENDING, to_user=user).first()
        if handover is None:
            raise HandoverError("No handover of this case is waiting for you.")
        handover.status = HandoverStatus.ACCEPTED if accept else HandoverStatus.DECLINED
        handover.responded_at = timezone.now()
        handover.response_note = response_note.strip()
        handover.save()
        if accept:
            case.owner = user
            case._history_user = user
            case.save(update_fields=["owner", "updated_at"])
        audit_record(
            action="case.handover_accept" if accept else "case.handover_decline",
            actor=user,
            target=case,
            details={"handover": handover.pk, "from_user": handover.from_user_id},
        )
        handover_changed.send(sender=CaseHandover, handover=handover)
    return handover


def case_handover_withdraw(*, case: Case, user: User) -> CaseHandover:
    """The owner takes back an offer not yet answered."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        handover = case.handovers.filter(status=HandoverStatus.PENDING, from_user=user).first()
        if handover is None or case.owner_id != user.pk:
            raise HandoverError("No handover of yours is waiting on this case.")
        handover.status = HandoverStatus.WITHDRAWN
        handover.responded_at = timezone.now()
        handover.save()
        audit_record(action="case.handover_withdraw", actor=user, target=case, details={"handover": handover.pk})
    return handover


def case_import_record(*, user: User) -> None:
    """Record that ``user`` read a case file in (nothing is stored until the case is saved)."""
    audit_record(action="case.import", actor=user)


# --- The working copy: unsaved entries kept on the server while the user types -------------------

# Page mechanics posted with the form, not entries.
_NOT_ENTRIES = frozenset({"csrfmiddlewaretoken", "action", "shown_parts", "shown_flow_rule"})


def working_copy_save(*, user: User, case: Case | None, entries: Mapping[str, Sequence[str]]) -> WorkingCopy | None:
    """Keep ``user``'s unsaved entries of ``case`` (None: a new assessment), replacing their previous copy.

    Not a version: the case is untouched. Nothing is kept (None) when the form they come from was saved
    already (its save token is on a case of ``user``'s, or on a version of ``case``), so a copy sent just
    before the save, or from a page brought back after it, never outlives the save.
    """
    if _form_already_saved(user=user, case=case, token=(entries.get("save_token") or [""])[0]):
        return None
    kept = {key: [str(value) for value in values] for key, values in entries.items() if key not in _NOT_ENTRIES}
    try:
        with transaction.atomic():
            copy = WorkingCopy.objects.select_for_update().filter(user=user, case=case).first()
            if copy is None:
                copy = WorkingCopy(user=user, case=case)
            copy.entries, copy.saved_at = kept, timezone.now()
            copy.save()
            audit_record(action="working_copy.save", actor=user, target=copy, details={"case": _case_id(case)})
    except IntegrityError:
        # A second copy of the first keystrokes' request created the row meanwhile: this one replaces it.
        return working_copy_save(user=user, case=case, entries=entries)
    return copy


def working_copy_discard(*, user: User, case: Case | None) -> bool:
    """Delete ``user``'s working copy of ``case`` (None: of a new assessment); True if there was one.

    Called on every save of the case, and when the user discards the entries brought back.
    """
    with transaction.atomic():
        copy = WorkingCopy.objects.select_for_update().filter(user=user, case=case).first()
        if copy is None:
            return False
        audit_record(action="working_copy.discard", actor=user, target=copy, details={"case": _case_id(case)})
        copy.delete()
    return True


def _case_id(case: Case | None) -> int | None:
    return None if case is None else case.pk


def _form_already_saved(*, user: User, case: Case | None, token: str) -> bool:
    try:
        save_token = uuid.UUID(token)
    except ValueError:
        return False
    if case is None:
        return Case.objects.filter(owner=user, save_token=save_token).exists()
    return case.history.filter(save_token=save_token).exists()
