"""Reads for the tumor board's pages and the case page's board part, scoped to the requesting user.

Meetings, agendas and the failed-delivery list belong to roles (board members,
admins): anyone else gets 404 (docs/decisions/0003-board-access.md). Cases are
always reached through ``assessments.access.cases_visible_to``. A read for a page
that names patients records what it shows (``assessments.access.reads_record``):
the queue's page, the agenda, the follow-ups due, and as ``case.export`` and
``case.print`` the queue's CSV, the meeting pack and the decision letter.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from assessments import search
from assessments.access import BOARD_STATUSES, cases_visible_to, reads_record
from assessments.cases.selectors import case_result_now, case_stored_result
from assessments.models import BoardDecision, Case, CaseStatus, CommentKind
from board.models import (
    CLOCK_TARGET,
    FOLLOW_UP_DAYS,
    FOLLOW_UP_OPENS_DAYS_BEFORE,
    QUORUM,
    Action,
    AgendaItem,
    Attendee,
    DecisionAttendee,
    DecisionRecord,
    DeliveryStatus,
    EmailDelivery,
    FollowUp,
    Meeting,
    Notification,
)
from board.presenters import case_words, levels_text, present_decision
from board.summary import board_figures

QUEUE_PAGE_SIZE = 25


def require_board(user: Any) -> None:
    # 404 like every other page a role may not use (docs/decisions/0003-board-access.md).
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
    """The agenda in order, without cases the user may no longer see (a case returned to its clinician).

    Records nothing: meeting mode steps through it by case number and shows one case at a time.
    """
    items = meeting.agenda.filter(case__in=cases_visible_to(user))
    return list(items.select_related("case", "case__owner", "case__patient"))


def agenda_for_view(*, user: User, meeting: Meeting) -> list[AgendaItem]:
    """The agenda as ``agenda``, each case's ``case.view`` recorded (one INSERT): the meeting page names them all."""
    items = agenda(user=user, meeting=meeting)
    reads_record(user=user, cases=[item.case for item in items])
    return items


AGENDA_FIND_MAX = 20


def agenda_candidates(*, user: User, meeting: Meeting, query: str) -> list[dict[str, Any]]:
    """Cases with the board that ``user`` may see whose patient's name or MRN holds every word of ``query``.

    Newest submission first, at most ``AGENDA_FIND_MAX``; each says whether it is already on
    ``meeting``'s agenda. The page names each case's patient: one ``case.view`` per case, in one INSERT.
    """
    require_board(user)
    words = search.query_words(query)
    if not words:
        return []
    cases = cases_visible_to(user).filter(status__in=(CaseStatus.SUBMITTED, CaseStatus.DECIDED))
    for word in words:
        cases = cases.filter(patient__search_text__contains=word)
    found = list(cases.select_related("patient", "owner").order_by("-submitted_at", "-pk")[:AGENDA_FIND_MAX])
    on_agenda = set(meeting.agenda.filter(case__in=[c.pk for c in found]).values_list("case_id", flat=True))
    reads_record(user=user, cases=found)
    return [{"case": case, "on_agenda": case.pk in on_agenda} for case in found]


def decision_get(*, user: Any, pk: int) -> BoardDecision:
    """A decision on a case ``user`` may see (owner or board), else 404."""
    try:
        return BoardDecision.objects.select_related("case", "case__owner", "case__patient", "signed_by").get(
            pk=pk, case__in=cases_visible_to(user)
        )
    except BoardDecision.DoesNotExist:
        raise Http404("No such decision") from None


def decision_get_for_print(*, user: User, pk: int) -> BoardDecision:
    """A decision as ``decision_get``, its case's ``case.print`` recorded: for the outcome letter."""
    decision = decision_get(user=user, pk=pk)
    reads_record(user=user, cases=[decision.case], action="case.print")
    return decision


def decision_record(decision: BoardDecision) -> DecisionRecord | None:
    return DecisionRecord.objects.filter(decision=decision).select_related("meeting").first()


def decision_attendance(decision_ids: list[int]) -> dict[int, list[DecisionAttendee]]:
    """The attendance kept with each decision (as signed), by decision id; a decision without one is absent."""
    out: dict[int, list[DecisionAttendee]] = {}
    for row in DecisionAttendee.objects.filter(decision__in=decision_ids):
        out.setdefault(row.decision_id, []).append(row)
    return out


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


def _patient_words(case: Case) -> str:
    level = levels_text(case.spinal_level, case.lesion_count)
    return f"{case.patient.name}, MRN {case.patient.mrn} ({level})"


def notifications_for(*, user: User, limit: int = 50) -> list[dict[str, Any]]:
    """The user's notifications, newest first, each with the words that name its case.

    A case the user may open is named by its patient (name, MRN, level; its ``case.view`` recorded,
    one INSERT for the list); a case they may not open (an action on another clinician's case) by
    ``case_words``, which names no patient.
    """
    notes = list(
        Notification.objects.filter(recipient=user).select_related("case", "case__patient", "case__owner", "email")[
            :limit
        ]
    )
    case_ids = {n.case_id for n in notes if n.case_id is not None}
    visible = set(cases_visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
    reads_record(user=user, cases=[n.case for n in notes if n.case_id in visible])
    return [_notification_row(n, visible) for n in notes]


def _notification_row(n: Notification, visible: set[int]) -> dict[str, Any]:
    """What the list shows of one notification: its words and the page it opens (none for a case out of reach).

    A notification that is not about a case shows its own subject (which names no patient) and links to
    its page, which decides who may open it and records the read.
    """
    if n.case is None:
        text, href = n.subject, n.link
    elif n.case_id in visible:
        text, href = _patient_words(n.case), reverse("assessments:case_detail", args=[n.case_id])
    else:
        text, href = case_words(n.case), ""
    return {"notification": n, "href": href, "case_text": text, "email": getattr(n, "email", None)}


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def failed_deliveries(*, user: Any) -> QuerySet[EmailDelivery]:
    if not roles.is_admin(user):
        raise Http404("No such page")
    return EmailDelivery.objects.exclude(status=DeliveryStatus.SENT).select_related("notification")


def not_emailed(*, case: Case, since: datetime.datetime) -> list[str]:
    """Who was told of ``case`` in the app since ``since`` but not by e-mail (no address): names, once each."""
    rows = (
        Notification.objects.filter(case=case, created_at__gte=since, email__status=DeliveryStatus.NO_ADDRESS)
        .select_related("recipient")
        .order_by("pk")
    )
    return list(dict.fromkeys(n.recipient.get_full_name() or n.recipient.username for n in rows))


def follow_up_start(case: Case) -> datetime.datetime | None:
    """Follow-up is counted from the treatment start, else from the board's decision."""
    return case.treatment_start_at or case.decided_at


def follow_up_window(case: Case, days: int) -> tuple[datetime.date, datetime.date] | None:
    """The local day a follow-up is due and the day it opens (``FOLLOW_UP_OPENS_DAYS_BEFORE`` earlier)."""
    start = follow_up_start(case)
    if start is None:
        return None
    due = timezone.localdate(start + datetime.timedelta(days=days))
    return due, due - datetime.timedelta(days=FOLLOW_UP_OPENS_DAYS_BEFORE)


def follow_ups_due(*, user: User) -> list[dict[str, Any]]:
    """The owner's decided cases whose 30- or 90-day follow-up is due and not recorded, oldest first, recorded.

    The worklist names each case's patient: one ``case.view`` per case listed, in one INSERT.
    """
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
    rows = sorted(out, key=lambda row: (row["due"], row["case"].pk))
    reads_record(user=user, cases=[row["case"] for row in rows])
    return rows


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
    return [
        {"label": text, "start": start, "end": end, **interval(start, end, CLOCK_TARGET)} for text, start, end in steps
    ]


def case_board_context(*, user: Any, case: Case) -> dict[str, Any]:
    """The board question, discussion, decisions and the actions ``user`` may take, for the case page.

    The flags only decide which buttons show; every action's view checks again.
    """
    decisions = list(case.decisions.select_related("signed_by"))
    superseded = {d.supersedes_id for d in decisions if d.supersedes_id is not None}
    presented = [present_decision(d, is_current=d.pk not in superseded) for d in decisions]
    numbers = {d.pk: d.number for d in decisions}
    for shown, decision in zip(presented, decisions, strict=True):
        # People refer to "decision #2 of this case", never to a database id.
        shown["number"] = decision.number
        shown["supersedes_number"] = numbers.get(decision.supersedes_id)
    current = next((d for d in presented if d["is_current"]), None)
    is_owner = roles.is_clinician(user) and case.owner_id == user.pk
    is_board = roles.is_board_member(user)
    can_comment = is_board and case.status in (CaseStatus.SUBMITTED, CaseStatus.DECIDED)
    comments = list(case.comments.select_related("author"))
    returned = [c for c in comments if c.kind == CommentKind.RETURNED]
    return {
        "comments": comments,
        # A draft with a "returned" comment is back from the board: the clinician sees why first.
        "returned_by_board": returned[-1] if returned and case.status == CaseStatus.DRAFT else None,
        "decisions": presented,
        "current_decision": current,
        "is_board_member_view": is_board,
        "can_submit": is_owner and case.is_editable,
        "can_discard": is_owner and case.is_editable,
        "can_restore": is_owner and case.discarded_at is not None,
        "can_close": is_owner and case.status == CaseStatus.DECIDED,
        "can_record_treatment": is_owner and case.status == CaseStatus.DECIDED,
        "can_decide": is_board and case.status == CaseStatus.SUBMITTED,
        "can_return": is_board and case.status == CaseStatus.SUBMITTED,
        "can_correct": is_board and current is not None,
        "can_comment": can_comment,
        "with_board_read_only": is_owner and case.status == CaseStatus.SUBMITTED,
    }


QUEUE_FIELDS = (
    "pk", "patient__mrn", "patient__name", "patient__date_of_birth", "status", "urgency", "urgency_rank",
    "pathway_code", "pathway_rule", "rule_set", "histology", "escc_grade", "sins_total",
    "spinal_level", "lesion_count", "mri_at", "submitted_at", "meeting_date",
    "board_question", "owner__username", "owner__first_name", "owner__last_name",
    # The 24-hour clock's referral and MRI report times (board.models.CaseClock).
    "clock__referral_received_at", "clock__mri_report_at",
)  # fmt: skip


def board_queue(
    *,
    user: Any,
    urgency: str = "",
    pathway: str = "",
    histology: str = "",
    meeting_date: datetime.date | None = None,
) -> QuerySet[Case]:
    """Cases waiting for the board: emergency first (``urgency_rank``), then longest waiting.

    Board members only (404 otherwise). Ordered on the ``case_board_queue`` index.
    """
    require_board(user)
    cases = Case.objects.filter(status=CaseStatus.SUBMITTED)
    if urgency:
        cases = cases.filter(urgency=urgency)
    if pathway:
        cases = cases.filter(pathway_code=pathway)
    if histology:
        cases = cases.filter(histology=histology)
    if meeting_date is not None:
        cases = cases.filter(meeting_date=meeting_date)
    return (
        cases.select_related("owner", "clock", "patient")
        .only(*QUEUE_FIELDS)
        .order_by("urgency_rank", "submitted_at", "pk")
    )


def board_queue_page(*, user: User, page: str | None, **filters: Any) -> Page:
    """One page of the queue (``board_queue`` with ``filters``), its cases read once and recorded (``case.view``)."""
    shown = Paginator(board_queue(user=user, **filters), QUEUE_PAGE_SIZE).get_page(page)
    shown.object_list = list(shown.object_list)
    reads_record(user=user, cases=shown.object_list)
    return shown


def board_queue_for_export(*, user: User, limit: int, **filters: Any) -> list[Case] | None:
    """The queue (``board_queue`` with ``filters``) for its CSV, each row's ``case.export`` recorded in one INSERT.

    None, and nothing recorded, when more than ``limit`` cases match: the export is refused.
    """
    cases = list(board_queue(user=user, **filters)[: limit + 1])
    if len(cases) > limit:
        return None
    reads_record(user=user, cases=cases, action="case.export")
    return cases


def board_pack_cases(
    *, user: User, case_ids: list[int] | None = None, meeting_date: datetime.date | None = None, limit: int
) -> list[Case]:
    """Cases for a meeting pack, in queue order: the chosen ids, else the submitted cases for a meeting date.

    Chosen ids that are not with the board (a draft, or a case returned meanwhile)
    are left out, never shown. At most ``limit + 1`` are returned so the caller
    can tell the pack would be too long; up to ``limit``, each is recorded as
    printed (``case.print``, one INSERT), a longer list is refused and not. Each
    case's ``result`` (not saved) is as of now when it depends on the clock
    (``case_result_now``), else the stored one
    with each reason's words (``case_stored_result``).
    """
    require_board(user)
    if case_ids:
        cases = Case.objects.filter(pk__in=case_ids, status__in=BOARD_STATUSES)
    elif meeting_date is not None:
        cases = Case.objects.filter(status=CaseStatus.SUBMITTED, meeting_date=meeting_date)
    else:
        return []
    # The pack prints the discussion and the current decision: fetched in two queries for all cases.
    cases = cases.select_related("owner", "patient").prefetch_related("comments__author", "decisions__signed_by")
    chosen = list(cases.order_by("urgency_rank", "submitted_at", "pk")[: limit + 1])
    if len(chosen) > limit:
        return chosen
    reads_record(user=user, cases=chosen, action="case.print")
    for case in chosen:
        # The pack is read at the meeting: its time alerts count hours to now, not to the last save.
        case.result = case_result_now(case=case) or case_stored_result(case=case)
    return chosen


RECENT_DEPARTURES = 20
DEPARTURE_FIELDS = (
    "pk", "case", "signed_at", "meeting_date", "recommended_pathway_code", "recommended_rule",
    "pathway_code", "other_pathway_text", "reason",
)  # fmt: skip


def board_quality(*, user: Any, since: datetime.datetime) -> dict[str, Any]:
    """The quality dashboard's numbers for the cases first decided at or after ``since`` (a month start).

    Each decided case counts once, with its current decision. Every figure
    is read from the pre-aggregated monthly rows (``board.summary``, kept by the
    services that change them), medians from per-minute histograms, so the work
    depends on the number of months, not of cases; only the 20 most recent
    departures are read from the case table, by the ``decided_at`` index. See docs/board.md.
    """
    require_board(user)
    figures = board_figures(since=timezone.localtime(since).date())
    latest = (
        Case.objects.filter(decided_at__gte=since, board_follows=False)
        .order_by("-decided_at", "-pk")
        .values("pk")[:RECENT_DEPARTURES]
    )
    recent = BoardDecision.objects.current().filter(case__in=latest).only(*DEPARTURE_FIELDS)
    return {**figures, "recent_departures": list(recent.order_by("-case__decided_at", "-pk"))}
