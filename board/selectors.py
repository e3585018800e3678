"""Reads for the meetings pages, scoped to the requesting user like ``assessments.selectors``.

Meetings, agendas and the failed-delivery list belong to roles (board members,
admins): anyone else gets 404 (docs/decisions/0003-board-access.md). Cases are
always reached through ``assessments.selectors.cases_visible_to``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts import roles
from assessments.models import BoardDecision, Case, CaseStatus
from assessments.selectors import cases_visible_to
from board.models import (
    FOLLOW_UP_DAYS,
    QUORUM,
    Action,
    AgendaItem,
    Attendee,
    DecisionRecord,
    DeliveryStatus,
    EmailDelivery,
    FollowUp,
    Meeting,
    Notification,
)

TARGET = datetime.timedelta(hours=24)


def require_board(user: Any) -> None:
    if not roles.is_board_member(user):
        raise Http404("No such page")


def meetings_for(*, user: Any) -> QuerySet[Meeting]:
    require_board(user)
    return Meeting.objects.select_related("chair")


def meeting_list(*, user: Any, limit: int = 50) -> list[Meeting]:
    """Meetings, newest first, each with ``n_items`` and ``quorate`` computed in the one query."""
    present = {code: Exists(Attendee.objects.filter(meeting=OuterRef("pk"), specialty=code)) for code in sorted(QUORUM)}
    meetings = meetings_for(user=user).annotate(
        n_items=Count("agenda", distinct=True), **{f"has_{c}": e for c, e in present.items()}
    )
    out = list(meetings[:limit])
    for meeting in out:
        meeting.quorate = all(getattr(meeting, f"has_{code}") for code in present)
    return out


def meeting_get(*, user: Any, pk: int) -> Meeting:
    try:
        return meetings_for(user=user).get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404("No such meeting") from None


def agenda_item_get(*, user: Any, pk: int) -> AgendaItem:
    require_board(user)
    try:
        return AgendaItem.objects.select_related("meeting", "case", "case__patient").get(
            pk=pk, case__in=cases_visible_to(user)
        )
    except AgendaItem.DoesNotExist:
        raise Http404("No such agenda item") from None


def agenda(*, user: Any, meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order, without cases the user may no longer see (a case returned to its clinician)."""
    items = meeting.agenda.filter(case__in=cases_visible_to(user))
    return list(items.select_related("case", "case__owner", "case__patient"))


def decision_get(*, user: Any, pk: int) -> BoardDecision:
    """A decision on a case ``user`` may see (owner or board), else 404."""
    try:
        return BoardDecision.objects.select_related("case", "case__owner", "case__patient", "signed_by").get(
            pk=pk, case__in=cases_visible_to(user)
        )
    except BoardDecision.DoesNotExist:
        raise Http404("No such decision") from None


def decision_record(decision: BoardDecision) -> DecisionRecord | None:
    return DecisionRecord.objects.filter(decision=decision).select_related("meeting").first()


def decision_actions(decision_ids: list[int]) -> list[Action]:
    return list(Action.objects.filter(decision__in=decision_ids).select_related("owner", "done", "done__done_by"))


def action_get(*, user: Any, pk: int) -> Action:
    """An action its owner or a board member may tick, else 404 (the case's clinician ticks only her own)."""
    allowed = Q(owner=user)
    if roles.is_board_member(user):
        allowed |= Q(case__in=cases_visible_to(user))
    try:
        return Action.objects.select_related("case").get(allowed, pk=pk)
    except Action.DoesNotExist:
        raise Http404("No such action") from None


def open_actions(*, user: Any, overdue_only: bool = False, mine: bool = False) -> list[Action]:
    """Open actions on current decisions: the user's own, or (board members) all of them."""
    now = timezone.now()
    actions = Action.objects.filter(done__isnull=True, decision__superseded_by__isnull=True)
    if mine or not roles.is_board_member(user):
        actions = actions.filter(owner=user)
    if overdue_only:
        actions = actions.filter(due_at__lt=now)
    # The panel shows the case's number only, so the case's sixty columns are not read; the empty
    # tick comes with the row (``Action.is_overdue`` asks for it: otherwise one query per action).
    return list(actions.select_related("owner", "done").order_by("due_at", "pk")[:50])


def notifications_for(*, user: Any, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).select_related("case")[:limit])


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def failed_deliveries(*, user: Any) -> QuerySet[EmailDelivery]:
    if not roles.is_admin(user):
        raise Http404("No such page")
    return EmailDelivery.objects.exclude(status=DeliveryStatus.SENT).select_related("notification")


def follow_up_start(case: Case) -> datetime.datetime | None:
    """Follow-up is counted from the treatment start, else from the board's decision."""
    return case.treatment_start_at or case.decided_at


def follow_ups_due(*, user: Any) -> list[dict[str, Any]]:
    """The owner's decided cases whose 30- or 90-day follow-up is due and not recorded, oldest first."""
    if not roles.is_clinician(user):
        raise Http404("No such page")
    now = timezone.now()
    out = []
    for days in FOLLOW_UP_DAYS:
        limit = now - datetime.timedelta(days=days)
        recorded = FollowUp.objects.filter(case=OuterRef("pk"), days=days)
        cases = (
            Case.objects.filter(owner=user, status__in=(CaseStatus.DECIDED, CaseStatus.CLOSED))
            .filter(Q(treatment_start_at__lte=limit) | Q(treatment_start_at__isnull=True, decided_at__lte=limit))
            .exclude(Exists(recorded))
            .select_related("patient")
            .only("pk", "patient__name", "patient__mrn", "decided_at", "treatment_start_at")
        )
        for case in cases:
            start = follow_up_start(case)
            out.append({"case": case, "days": days, "due": start + datetime.timedelta(days=days) if start else None})
    return sorted(out, key=lambda row: (row["due"], row["case"].pk))


def interval(
    start: datetime.datetime | None, end: datetime.datetime | None, target: datetime.timedelta
) -> dict[str, Any]:
    """One step of the 24-hour clock: its length and whether it met the target (None: not recorded)."""
    if start is None or end is None:
        return {"hours": None, "met": None, "out_of_order": False}
    if end < start:
        return {"hours": None, "met": None, "out_of_order": True}
    delta = end - start
    return {"hours": round(delta.total_seconds() / 3600, 1), "met": delta <= target, "out_of_order": False}


def case_clock(case: Case, *, before_decision: bool = False) -> list[dict[str, Any]]:
    """The 24-hour clock of a case: each interval against its target.

    ``before_decision`` gives only the steps up to the MRI report (the queue,
    whose rows carry only those times).
    """
    clock = getattr(case, "clock", None)  # RelatedObjectDoesNotExist is an AttributeError
    referral = clock.referral_received_at if clock else None
    report = clock.mri_report_at if clock else None
    steps = [
        ("Referral received → MRI", referral, case.mri_at),
        ("MRI → MRI report", case.mri_at, report),
    ]
    if not before_decision:
        steps += [
            ("MRI → board decision", case.mri_at, case.decided_at),
            ("Board decision → treatment start", case.decided_at, case.treatment_start_at),
        ]
    return [{"label": text, "start": start, "end": end, **interval(start, end, TARGET)} for text, start, end in steps]
