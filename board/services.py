"""Write paths of the tumor board: a case's submission, discussion, decision and close; meetings, actions, follow-ups.

Also the decision plans, notifications and the 24-hour clock.

Keyword-only ``<entity>_<action>`` functions, each with its audit record, like
``assessments.cases.services``. ``decision_extras_record`` runs inside the transaction
that signs a decision (``case_views._sign``), so the plan, actions and meeting
link exist exactly when the decision does.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from assessments.cases.services import CaseStateError
from assessments.models import (
    DECISION_PATHWAY_CHOICES,
    OTHER_PATHWAY,
    BoardDecision,
    Case,
    CaseComment,
    CaseStatus,
    CommentKind,
)
from audit.services import audit_record
from board.models import (
    QUORUM,
    Action,
    ActionDone,
    AgendaItem,
    Attendee,
    CaseClock,
    DecisionAttendee,
    DecisionRecord,
    DeliveryStatus,
    EmailDelivery,
    FollowUp,
    Meeting,
    Notification,
    NotificationKind,
)
from board.signals import decision_signed
from board.summary import summary_refresh
from board.tasks import send_notification_email

log = logging.getLogger(__name__)

DECISION_PATHWAY_CODES = frozenset(code for code, _ in DECISION_PATHWAY_CHOICES)


class DecisionInputError(ValueError):
    """A decision is missing what the board must state (reason, other pathway, attendees)."""


class MeetingError(Exception):
    """The change is not possible in the meeting's or case's current state (answered 403 with the message)."""


# --- Meetings and the agenda ---------------------------------------------------------------


def meeting_create(*, created_by: User, chair: User, starts_at: datetime.datetime) -> Meeting:
    """Create a meeting; its agenda starts with every case waiting for the board, emergencies first."""
    with transaction.atomic():
        meeting = Meeting.objects.create(starts_at=starts_at, chair=chair, created_by=created_by)
        waiting = Case.objects.filter(status=CaseStatus.SUBMITTED).order_by("urgency_rank", "submitted_at", "pk")
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, case_id=pk, position=i)
            for i, pk in enumerate(waiting.values_list("pk", flat=True), start=1)
        )
        audit_record(action="meeting.change", actor=created_by, target=meeting)
    return meeting


def _lock_meeting(meeting_id: int) -> None:
    """Take the meeting's row lock: every change to one agenda runs one at a time, in the caller's transaction.

    Positions are read and written under it, so two adds cannot both take the next place, and an
    item moved or deferred is looked up again after the lock, never trusted from before it.
    """
    Meeting.objects.select_for_update().filter(pk=meeting_id).values_list("pk", flat=True).first()


def agenda_add(*, meeting: Meeting, case: Case, user: User) -> AgendaItem:
    """Put a case at the end of the agenda (no-op when already on it)."""
    if case.status not in (CaseStatus.SUBMITTED, CaseStatus.DECIDED):
        raise MeetingError("Only a case with the tumor board can go on an agenda.")
    with transaction.atomic():
        _lock_meeting(meeting.pk)
        last = meeting.agenda.order_by("-position").values_list("position", flat=True).first() or 0
        item, created = AgendaItem.objects.get_or_create(meeting=meeting, case=case, defaults={"position": last + 1})
        if created:
            audit_record(
                action="meeting.change",
                actor=user,
                target=case,
                details={"meeting": meeting.pk, "agenda": "add"},
            )
    return item


class AgendaItemGone(MeetingError):
    """The agenda item was deferred or removed after the page showed it: nothing was changed."""

    def __init__(self) -> None:
        super().__init__("This case is no longer on this agenda (it was deferred meanwhile); nothing was changed.")


def agenda_move(*, item: AgendaItem, offset: int, user: User) -> None:
    """Move an agenda item one place up (offset -1) or down (+1) by swapping with its neighbour.

    ``AgendaItemGone`` when the item left the agenda since it was read.
    """
    with transaction.atomic():
        _lock_meeting(item.meeting_id)
        items = list(AgendaItem.objects.filter(meeting=item.meeting_id).order_by("position", "pk"))
        index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
        if index is None:
            raise AgendaItemGone()
        target = index + offset
        if not 0 <= target < len(items):
            return
        items[index], items[target] = items[target], items[index]
        for position, other in enumerate(items, start=1):
            other.position = position
        AgendaItem.objects.bulk_update(items, ["position"])
        audit_record(action="meeting.change", actor=user, target=item.meeting)


def next_meeting(*, meeting: Meeting) -> Meeting | None:
    return Meeting.objects.filter(starts_at__gt=meeting.starts_at).order_by("starts_at", "pk").first()


def agenda_defer(*, item: AgendaItem, user: User) -> Meeting:
    """Move a case from this meeting's agenda to the end of the next meeting's.

    Once only: a second defer of the same item (a double click, two tabs) is ``AgendaItemGone``
    and records nothing. The meetings are locked earlier one first, as every defer does.
    """
    following = next_meeting(meeting=item.meeting)
    if following is None:
        raise MeetingError("There is no later meeting yet: create the next meeting first.")
    with transaction.atomic():
        _lock_meeting(item.meeting_id)
        if not AgendaItem.objects.filter(pk=item.pk).delete()[0]:
            raise AgendaItemGone()
        case = item.case
        agenda_add(meeting=following, case=case, user=user)
        audit_record(
            action="meeting.change",
            actor=user,
            target=case,
            details={"agenda": "defer", "to": following.pk},
        )
    return following


def attendee_add(*, meeting: Meeting, name: str, specialty: str, user: User) -> Attendee:
    with transaction.atomic():
        attendee = Attendee.objects.create(meeting=meeting, name=name, specialty=specialty)
        audit_record(action="meeting.change", actor=user, target=meeting, details={"add": specialty})
    return attendee


def attendee_remove(*, attendee: Attendee, user: User) -> None:
    with transaction.atomic():
        meeting = attendee.meeting
        attendee.delete()
        audit_record(action="meeting.change", actor=user, target=meeting, details={"remove": True})


def attendees_text(*, meeting: Meeting) -> str:
    """The attendance as the decision's ``attendees`` text (names and specialties)."""
    return "\n".join(str(a) for a in meeting.attendees.all())


# --- The decision's plan and actions --------------------------------------------------------


def decision_extras_record(
    *,
    decision: BoardDecision,
    meeting: Meeting | None,
    plan: str,
    actions: list[dict[str, Any]],
    signed_by: User,
) -> DecisionRecord:
    """Record the plan, the meeting (or none: "outside a meeting") and the actions of a decision just signed.

    Call inside the signing transaction. The quorum and the attendance are taken as they stand now
    (``DecisionAttendee`` rows: those present, and each quorum specialty nobody represented).
    The case owner is told the case was decided, and each action owner of the action.
    """
    record = DecisionRecord.objects.create(
        decision=decision, meeting=meeting, quorate=meeting.is_quorate if meeting else None, plan=plan
    )
    if meeting is not None:
        for row in _attendance_as_signed(decision=decision, meeting=meeting):
            row.save()  # one by one: each save notes the row for the digest in the audit entry below
    case = decision.case
    created = []
    for data in actions:
        action = Action.objects.create(
            decision=decision, case=case, text=data["text"], owner=data["owner"], due_at=data["due_at"]
        )
        created.append(action.pk)
        notification_create(recipient=action.owner, case=case, kind=NotificationKind.ACTION)
    notification_create(recipient=case.owner, case=case, kind=NotificationKind.DECIDED)
    audit_record(
        action="case.plan", actor=signed_by, target=case, details={"decision": decision.pk, "actions": created}
    )
    return record


def _attendance_as_signed(*, decision: BoardDecision, meeting: Meeting) -> list[DecisionAttendee]:
    attendees = list(meeting.attendees.all())
    present = {a.specialty for a in attendees}
    rows = [DecisionAttendee(decision=decision, name=a.name, specialty=a.specialty, present=True) for a in attendees]
    rows += [
        DecisionAttendee(decision=decision, specialty=code, present=False)
        for code in sorted(QUORUM)
        if code not in present
    ]
    return rows


def action_tick(*, action: Action, user: User) -> ActionDone:
    """Tick an action off (once; a second tick keeps the first)."""
    with transaction.atomic():
        done, created = ActionDone.objects.get_or_create(
            action=action, defaults={"done_by": user, "done_at": timezone.now()}
        )
        if created:
            audit_record(
                action="case.action_done",
                actor=user,
                target=action.case,
                details={"action": action.pk},
            )
    return done


# --- Notifications -----------------------------------------------------------------------------


def notification_create(
    *, recipient: User, kind: str, case: Case | None = None, subject: str = "", link: str = ""
) -> Notification:
    """Tell ``recipient`` in the app, and queue the e-mail after the surrounding transaction commits.

    About a case (``case``), or about another page (``subject`` and the page's path in ``link``: the
    caller's words, which go out by e-mail and so name no patient). Queueing is after commit and never
    raises into the caller: a broken queue or mail server shows as a failed delivery to admins, never as
    a failed save. A recipient without an address gets a delivery marked ``NO_ADDRESS``, shown where
    e-mail would be.
    """
    if case is None and not (subject and link.startswith("/")):
        raise ValueError("A notification names its case, or its subject and the path of its page.")
    notification = Notification.objects.create(recipient=recipient, case=case, kind=kind, subject=subject, link=link)
    if recipient.email:
        delivery = EmailDelivery.objects.create(notification=notification, to=recipient.email)
        transaction.on_commit(lambda: _enqueue_email(delivery.pk))
    else:  # recorded, so the sender, the recipient and admins can see that no e-mail went
        EmailDelivery.objects.create(notification=notification, to="", status=DeliveryStatus.NO_ADDRESS)
    return notification


def _enqueue_email(delivery_id: int) -> None:
    try:
        send_notification_email.enqueue(delivery_id)
    except Exception as error:  # the save already committed; record why the e-mail will not go
        log.exception("Could not queue e-mail %s", delivery_id)
        EmailDelivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.FAILED, last_error=f"Not queued: {type(error).__name__}: {error}"
        )


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# --- Follow-up and the clock ----------------------------------------------------------------


def follow_up_record(*, case: Case, days: int, user: User, data: dict[str, Any]) -> FollowUp:
    """Record (or correct) the 30- or 90-day follow-up of a decided case, and refresh the dashboard rows."""
    with transaction.atomic():
        follow_up, _ = FollowUp.objects.update_or_create(case=case, days=days, defaults={**data, "recorded_by": user})
        audit_record(action="case.follow_up", actor=user, target=case, details={"days": days})
        summary_refresh(case=case)
    return follow_up


def clock_record(*, case: Case, user: User, data: dict[str, Any]) -> CaseClock:
    """Record the referral and MRI report times of a case (the other time points are on the case)."""
    with transaction.atomic():
        clock, _ = CaseClock.objects.update_or_create(case=case, defaults=data)
        audit_record(action="case.update", actor=user, target=case, details={"field": "clock"})
        summary_refresh(case=case)
    return clock


# --- The case with the board: submit, discuss, return, decide, correct, treatment start, close ---


def case_submit_to_board(*, case: Case, user: User, question: str, meeting_date: datetime.date | None) -> Case:
    """Send the owner's draft case to the tumor board with a question; it becomes read-only for the clinician."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.owner_id != user.pk:
            raise PermissionDenied("Only the clinician who owns a case submits it.")
        if case.status != CaseStatus.DRAFT:
            raise CaseStateError("Only a draft case can be submitted.")
        case.status = CaseStatus.SUBMITTED
        case.board_question = question
        case.meeting_date = meeting_date
        case.submitted_at = timezone.now()
        case.save()
        audit_record(action="case.submit", actor=user, target=case)
    return case


def case_return_to_clinician(*, case: Case, user: User, comment: str) -> Case:
    """The board asks for more information: the case goes back to draft with the board's comment."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.SUBMITTED:
            raise CaseStateError("Only a submitted case can be returned.")
        CaseComment.objects.create(case=case, author=user, text=comment, kind=CommentKind.RETURNED)
        case.status = CaseStatus.DRAFT
        case.submitted_at = None
        case.save()
        audit_record(action="case.return", actor=user, target=case)
        # The owner is told in the app and by e-mail (queued after commit; never breaks the return).
        notification_create(recipient=case.owner, case=case, kind=NotificationKind.RETURNED)
    return case


COMMENTABLE = (CaseStatus.SUBMITTED, CaseStatus.DECIDED)


def case_comment_add(*, case: Case, author: User, text: str) -> CaseComment:
    """Add a message to the board discussion of a submitted or decided case."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in COMMENTABLE:
            raise CaseStateError("Only a case with the tumor board can be discussed.")
        comment = CaseComment.objects.create(case=case, author=author, text=text)
        audit_record(action="case.comment", actor=author, target=case)
    return comment


def board_decision_record(
    *,
    case: Case,
    signed_by: User,
    meeting_date: datetime.date,
    pathway_code: str,
    other_pathway_text: str,
    reason: str,
    attendees: str,
    supersedes: BoardDecision | None = None,
    correction_reason: str = "",
) -> BoardDecision:
    """Record and sign the board's decision; a correction supersedes the case's current decision.

    Whether the decision follows the recommendation is derived here (chosen code ==
    the case's stored recommendation), never taken from the caller. A departure
    needs a reason, "other" needs its text, a correction needs its reason
    (``DecisionInputError`` otherwise: the form checks the same before we get here).
    ``Case.decided_at`` keeps the time of the first signed decision; ``Case.board_pathway_code``
    and ``Case.board_follows`` always mirror the current one (the dashboard reads them).
    """
    _check_decision_input(pathway_code, other_pathway_text, attendees)
    if supersedes is not None and not correction_reason.strip():
        raise DecisionInputError("A correction needs its reason.")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        follows = pathway_code == case.pathway_code
        if not follows and not reason.strip():
            raise DecisionInputError("A decision that departs from the recommendation needs a reason.")
        if supersedes is None and case.status != CaseStatus.SUBMITTED:
            raise CaseStateError("Only a submitted case can be decided; correct the signed decision instead.")
        if supersedes is not None:
            # Re-read under the case lock: two corrections of one decision must not both succeed.
            current = BoardDecision.objects.filter(case=case).current().first()
            if current is None or current.pk != supersedes.pk:
                raise CaseStateError("Only the current decision of this case can be corrected.")
        decision = BoardDecision.objects.create(
            case=case,
            number=BoardDecision.objects.filter(case=case).count() + 1,  # under the case lock
            meeting_date=meeting_date,
            recommended_pathway_code=case.pathway_code,
            recommended_rule=case.pathway_rule,
            rule_set=case.rule_set,
            pathway_code=pathway_code,
            other_pathway_text=other_pathway_text if pathway_code == OTHER_PATHWAY else "",
            follows_recommendation=follows,
            reason=reason,
            attendees=attendees,
            signed_by=signed_by,
            signed_at=timezone.now(),
            supersedes=supersedes,
            correction_reason=correction_reason if supersedes is not None else "",
        )
        if case.status != CaseStatus.DECIDED:
            case.status = CaseStatus.DECIDED
            case.decided_at = decision.signed_at
        case.board_pathway_code = decision.pathway_code
        case.board_follows = decision.follows_recommendation
        case.save()
        audit_record(
            action="case.decide",
            actor=signed_by,
            target=case,
            details={"decision": decision.pk, "supersedes": supersedes.pk if supersedes else None},
        )
        summary_refresh(case=case)  # the dashboard's monthly rows
        decision_signed.send(sender=BoardDecision, case=case, decision=decision, signed_by=signed_by)
    return decision


def _check_decision_input(pathway_code: str, other_text: str, attendees: str) -> None:
    if pathway_code not in DECISION_PATHWAY_CODES:
        raise DecisionInputError(f"Unknown pathway {pathway_code!r}.")
    if pathway_code == OTHER_PATHWAY and not other_text.strip():
        raise DecisionInputError("Describe the other pathway.")
    if not attendees.strip():
        raise DecisionInputError("Name the attendees.")


def case_treatment_start_record(*, case: Case, user: User, started_at: datetime.datetime) -> Case:
    """The owner records when definitive treatment started, after the board's decision (for the 24 h target)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.owner_id != user.pk:
            raise PermissionDenied("Only the clinician who owns a case records its treatment start.")
        if case.status != CaseStatus.DECIDED:
            raise CaseStateError("Treatment start is recorded once the board has decided.")
        case.treatment_start_at = started_at
        case.version += 1
        case.save()
        audit_record(
            action="case.update",
            actor=user,
            target=case,
            details={"version": case.version, "field": "treatment_start_at"},
        )
        summary_refresh(case=case)  # the dashboard's monthly rows
    return case


def case_close(*, case: Case, user: User, reason: str = "") -> Case:
    """The owner closes a decided case: once treatment has started, or earlier with a reason."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.owner_id != user.pk:
            raise PermissionDenied("Only the clinician who owns a case closes it.")
        if case.status != CaseStatus.DECIDED:
            raise CaseStateError("Only a case the board has decided can be closed.")
        if case.treatment_start_at is None and not reason.strip():
            raise CaseStateError("Treatment start is not recorded: give the reason for closing.")
        case.status = CaseStatus.CLOSED
        case.closed_at = timezone.now()
        case.close_reason = reason.strip()
        case._history_user = user
        case.save()
        audit_record(action="case.close", actor=user, target=case)
    return case
