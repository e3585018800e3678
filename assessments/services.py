"""The write paths of the domain: one function per action, each with its audit record.

Keyword-only, ``<entity>_<action>`` names (HackSoft Django-Styleguide). Views
call these; nothing else writes cases, comments or decisions.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from assessments import rules
from assessments.models import (
    ASSESSMENT_FIELDS,
    OTHER_PATHWAY,
    URGENCY_RANK,
    BoardDecision,
    Case,
    CaseComment,
    CaseStatus,
    CommentKind,
)
from audit.services import audit_record


class StaleVersionError(Exception):
    """The case was saved by someone else after the version this save was based on."""

    def __init__(self, current: Case) -> None:
        super().__init__(f"Case {current.pk} is at version {current.version}")
        self.current = current


class CaseStateError(Exception):
    """The action is not allowed in the case's current status."""


def _apply_assessment(case: Case, assessment: rules.CaseInput) -> rules.Result:
    for name in ASSESSMENT_FIELDS:
        value = getattr(assessment, name)
        setattr(case, name, value.value if hasattr(value, "value") else value)
    result = rules.evaluate(assessment)
    case.rule_set = result.rule_set
    case.result = result.to_dict()
    case.pathway_code = result.pathway.code.value
    case.pathway_rule = result.pathway.rule.value
    case.urgency = result.urgency.value
    case.urgency_rank = URGENCY_RANK[result.urgency]
    case.sins_total = result.sins.total
    return result


def case_create(*, owner: Any, patient: dict[str, Any], assessment: rules.CaseInput, request: Any = None) -> Case:
    """Create a draft case for ``owner`` with the rules' result stored beside the inputs."""
    case = Case(owner=owner, **patient)
    case._history_user = owner  # the version is attributed even outside a web request
    _apply_assessment(case, assessment)
    with transaction.atomic():
        case.save()
        audit_record(action="case.create", actor=owner, target=case, request=request)
    return case


def case_update(
    *,
    case_id: int,
    editor: Any,
    based_on_version: int,
    patient: dict[str, Any],
    assessment: rules.CaseInput,
    request: Any = None,
) -> Case:
    """Save a new version of a draft case; refuse if a newer version exists (no lost updates)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if case.version != based_on_version:
            raise StaleVersionError(case)
        if not case.is_editable:
            raise CaseStateError("Only a draft case can be edited.")
        for name, value in patient.items():
            setattr(case, name, value)
        _apply_assessment(case, assessment)
        case._history_user = editor
        case.version += 1
        case.save()
        audit_record(
            action="case.update", actor=editor, target=case, request=request, details={"version": case.version}
        )
    return case


def case_submit_to_board(
    *, case: Case, user: Any, question: str, meeting_date: datetime.date | None, request: Any = None
) -> Case:
    """Send a draft case to the tumor board with a question; it becomes read-only for the clinician."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.DRAFT:
            raise CaseStateError("Only a draft case can be submitted.")
        case.status = CaseStatus.SUBMITTED
        case.board_question = question
        case.meeting_date = meeting_date
        case.submitted_at = timezone.now()
        case.save()
        audit_record(action="case.submit", actor=user, target=case, request=request)
    return case


def case_return_to_clinician(*, case: Case, user: Any, comment: str, request: Any = None) -> Case:
    """The board asks for more information: the case goes back to draft with the board's comment."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.SUBMITTED:
            raise CaseStateError("Only a submitted case can be returned.")
        CaseComment.objects.create(case=case, author=user, text=comment, kind=CommentKind.RETURNED)
        case.status = CaseStatus.DRAFT
        case.submitted_at = None
        case.save()
        audit_record(action="case.return", actor=user, target=case, request=request)
    return case


def case_comment_add(*, case: Case, author: Any, text: str, request: Any = None) -> CaseComment:
    """Add a message to the case's board discussion."""
    with transaction.atomic():
        comment = CaseComment.objects.create(case=case, author=author, text=text)
        audit_record(action="case.comment", actor=author, target=case, request=request)
    return comment


def board_decision_record(
    *,
    case: Case,
    signed_by: Any,
    meeting_date: datetime.date,
    pathway_code: str,
    other_pathway_text: str,
    reason: str,
    attendees: str,
    supersedes: BoardDecision | None = None,
    request: Any = None,
) -> BoardDecision:
    """Record and sign the board's decision; a correction supersedes the earlier decision."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if supersedes is None and case.status != CaseStatus.SUBMITTED:
            raise CaseStateError("Only a submitted case can be decided.")
        if supersedes is not None and (supersedes.case_id != case.pk or hasattr(supersedes, "superseded_by")):
            raise CaseStateError("Only the current decision of this case can be corrected.")
        decision = BoardDecision.objects.create(
            case=case,
            meeting_date=meeting_date,
            recommended_pathway_code=case.pathway_code,
            recommended_rule=case.pathway_rule,
            rule_set=case.rule_set,
            pathway_code=pathway_code,
            other_pathway_text=other_pathway_text if pathway_code == OTHER_PATHWAY else "",
            follows_recommendation=pathway_code == case.pathway_code,
            reason=reason,
            attendees=attendees,
            signed_by=signed_by,
            signed_at=timezone.now(),
            supersedes=supersedes,
        )
        case.status = CaseStatus.DECIDED
        case.decided_at = decision.signed_at
        case.save()
        audit_record(
            action="case.decide",
            actor=signed_by,
            target=case,
            request=request,
            details={"decision": decision.pk, "supersedes": supersedes.pk if supersedes else None},
        )
    return decision
