"""Reads of patient data. Every one is scoped to what the requesting user may see.

Visibility: a clinician sees the cases they own (any status); a tumor board
member sees every case that has reached the board (submitted, decided,
closed), never a draft; an admin without a clinical role sees nothing.
Anything outside that answers 404, so a case id reveals nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from assessments import presenters, roles, rules, search, services
from assessments.models import BoardDecision, Case, CaseComment, CaseStatus, CommentKind

BOARD_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.DECIDED, CaseStatus.CLOSED)
# The dashboard's targets: a definitive plan within 24 h of the MRI (NICE), treatment within 24 h of the plan.
TARGET = datetime.timedelta(hours=24)


def cases_visible_to(user: Any) -> QuerySet[Case]:
    """All cases ``user`` may read."""
    visible = Q(pk__in=[])
    if roles.is_clinician(user):
        visible |= Q(owner=user)
    if roles.is_board_member(user):
        visible |= Q(status__in=BOARD_STATUSES)
    return Case.objects.filter(visible)


def case_get_visible(*, user: Any, pk: int) -> Case:
    """The case if ``user`` may read it, else 404."""
    try:
        return cases_visible_to(user).select_related("owner").get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("No such case") from None


def case_get_owned(*, user: Any, pk: int) -> Case:
    """The case if ``user`` is a clinician who owns it, else 404."""
    if not roles.is_clinician(user):
        raise Http404("No such case")
    try:
        return Case.objects.select_related("owner").get(pk=pk, owner=user)
    except Case.DoesNotExist:
        raise Http404("No such case") from None


def case_list_for_owner(
    *, user: Any, query: str = "", status: str = "", urgency: str = "", discarded: bool = False
) -> QuerySet[Case]:
    """The clinician's own cases, newest first, filtered by patient name/MRN, status and urgency.

    Discarded drafts are left out, or are the only ones listed with ``discarded``.
    Every word of ``query`` must appear in the name or MRN, in any order, ignoring
    case, accents and apostrophes (``Case.search_text``).
    """
    if not roles.is_clinician(user):
        raise Http404("No case list for this account")
    cases = Case.objects.filter(owner=user, discarded_at__isnull=not discarded)
    for word in search.query_words(query):
        cases = cases.filter(search_text__contains=word)
    if status:
        cases = cases.filter(status=status)
    if urgency:
        cases = cases.filter(urgency=urgency)
    returned = CaseComment.objects.filter(case=OuterRef("pk"), kind=CommentKind.RETURNED).order_by("-created_at", "-pk")
    return (
        cases.only(
            "pk",
            "mrn",
            "patient_name",
            "status",
            "urgency",
            "pathway_code",
            "sins_total",
            "updated_at",
            "version",
            "board_pathway_code",
            "board_follows",
        )
        # The board's last "returned" comment: My cases shows it on a draft the board sent back.
        .annotate(returned_comment=Subquery(returned.values("text")[:1]))
        .order_by("-updated_at", "-pk")
    )


def recent_cases_for_owner(*, user: Any, limit: int = 5) -> list[Case]:
    """The clinician's most recently updated cases (not discarded), with only what the home page shows.

    Not ``case_list_for_owner``: the home page needs neither the search nor the board's returned
    comment (a correlated subquery) nor the result columns, and it is the page every sign-in lands on.
    """
    if not roles.is_clinician(user):
        raise Http404("No case list for this account")
    cases = Case.objects.filter(owner=user, discarded_at__isnull=True)
    return list(
        cases.only("pk", "mrn", "patient_name", "status", "urgency", "updated_at").order_by("-updated_at", "-pk")[
            :limit
        ]
    )


def case_result_now(*, case: Case) -> dict[str, Any] | None:
    """The case re-evaluated now when its result depends on the clock and it still awaits a decision.

    None when the stored snapshot is current (no time of loss of ambulation, a
    walking patient, or a case the board has decided).
    """
    if case.status not in (CaseStatus.DRAFT, CaseStatus.SUBMITTED):
        return None
    if case.rule_set != rules.RULE_SET:
        # Issue 13c: a result of an earlier rule set is shown as saved, labelled; only the owner's
        # explicit re-evaluation (views.case_reevaluate) evaluates it under the current one.
        return None
    stored = case.case_input()
    now_input = services.case_input_at(case=case, assessment=stored, now=timezone.now())
    if now_input == stored:
        return None
    return rules.evaluate(now_input).to_dict()


# --- Rule-set versions (issue 13c) ----------------------------------------------------------------


def case_can_reevaluate(*, user: Any, case: Case) -> bool:
    """Whether ``user`` may re-evaluate ``case`` under the current rule set.

    Only its owner, only while it is an editable draft, and only when its stored result is from an
    earlier rule set. A case with the board, decided or closed keeps the result it was submitted or
    decided with (docs/board.md, "Rule-set versions").
    """
    return case.owner_id == getattr(user, "pk", None) and case.is_editable and case.rule_set != rules.RULE_SET


def case_reevaluation_preview(*, case: Case) -> dict[str, Any] | rules.InputError:
    """The case's stored inputs evaluated now under the current rule set (nothing saved).

    The current rule set may refuse findings an earlier one accepted (2027.1 refuses paraplegia
    without a neurologic deficit): then the contradiction is returned instead, for the page to name.
    """
    try:
        stored = case.case_input()
    except rules.InputError as error:
        return error
    assessment = services.case_input_at(case=case, assessment=stored, now=timezone.now())
    return rules.evaluate(assessment).to_dict()


# --- end rule-set versions ---


def case_versions(*, case: Case) -> list[dict[str, Any]]:
    """The saved versions of a case, newest first, each with the fields that changed from the one before."""
    records = list(case.history.select_related("history_user").order_by("-history_date", "-history_id"))
    out = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=["result", "evaluated_at"])
            changes = [(c.field, c.old, c.new) for c in delta.changes]
        out.append({"record": newer, "changes": changes})
    return out


def case_board_context(*, user: Any, case: Case) -> dict[str, Any]:
    """The board question, discussion, decisions and the actions ``user`` may take, for the case page.

    The flags only decide which buttons show; every action's view checks again.
    """
    from assessments.board_forms import CommentForm  # forms import models; keep this module light

    decisions = list(case.decisions.select_related("signed_by"))
    superseded = {d.supersedes_id for d in decisions if d.supersedes_id is not None}
    presented = [presenters.present_decision(d, is_current=d.pk not in superseded) for d in decisions]
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
        "comment_form": CommentForm() if can_comment else None,
        "with_board_read_only": is_owner and case.status == CaseStatus.SUBMITTED,
    }


# --- Tumor board ---------------------------------------------------------------------


def _require_board(user: Any) -> None:
    # 404 like every other page a role may not use (docs/decisions/0003-board-access.md).
    if not roles.is_board_member(user):
        raise Http404("No such page")


QUEUE_FIELDS = (
    "pk", "mrn", "patient_name", "date_of_birth", "status", "urgency", "urgency_rank", "pathway_code",
    "pathway_rule", "rule_set", "histology", "escc_grade", "sins_total",
    "spinal_level", "lesion_count", "mri_at", "submitted_at", "meeting_date",
    "board_question", "owner__username", "owner__first_name", "owner__last_name",
    # Issue 14: the 24-hour clock's referral and MRI report times (meetings.CaseClock).
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
    _require_board(user)
    cases = Case.objects.filter(status=CaseStatus.SUBMITTED)
    if urgency:
        cases = cases.filter(urgency=urgency)
    if pathway:
        cases = cases.filter(pathway_code=pathway)
    if histology:
        cases = cases.filter(histology=histology)
    if meeting_date is not None:
        cases = cases.filter(meeting_date=meeting_date)
    return cases.select_related("owner", "clock").only(*QUEUE_FIELDS).order_by("urgency_rank", "submitted_at", "pk")


def board_pack_cases(
    *, user: Any, case_ids: list[int] | None = None, meeting_date: datetime.date | None = None, limit: int
) -> list[Case]:
    """Cases for a meeting pack, in queue order: the chosen ids, else the submitted cases for a meeting date.

    Chosen ids that are not with the board (a draft, or a case returned meanwhile)
    are left out, never shown. At most ``limit + 1`` are returned so the caller
    can tell the pack would be too long. Each case's ``result`` (not saved) is as
    of now when it depends on the clock (``case_result_now``).
    """
    _require_board(user)
    if case_ids:
        cases = Case.objects.filter(pk__in=case_ids, status__in=BOARD_STATUSES)
    elif meeting_date is not None:
        cases = Case.objects.filter(status=CaseStatus.SUBMITTED, meeting_date=meeting_date)
    else:
        return []
    # The pack prints the discussion and the current decision: fetched in two queries for all cases.
    cases = cases.select_related("owner").prefetch_related("comments__author", "decisions__signed_by")
    chosen = list(cases.order_by("urgency_rank", "submitted_at", "pk")[: limit + 1])
    for case in chosen:
        # The pack is read at the meeting: its time alerts count hours to now, not to the last save.
        case.result = case_result_now(case=case) or case.result
    return chosen


RECENT_DEPARTURES = 20
DEPARTURE_FIELDS = (
    "pk", "case", "signed_at", "meeting_date", "recommended_pathway_code", "recommended_rule",
    "pathway_code", "other_pathway_text", "reason",
)  # fmt: skip


def board_quality(*, user: Any, since: datetime.datetime) -> dict[str, Any]:
    """The quality dashboard's numbers for the cases first decided at or after ``since`` (a month start).

    Each decided case counts once, with its current decision. Issue 14: every figure
    is read from the pre-aggregated monthly rows (``meetings.summary``, kept by the
    services that change them), medians from per-minute histograms, so the work
    depends on the number of months, not of cases; only the 20 most recent
    departures are read from the case table, by the ``decided_at`` index. See docs/board.md.
    """
    from meetings.summary import board_figures

    _require_board(user)
    figures = board_figures(since=timezone.localtime(since).date())
    latest = (
        Case.objects.filter(decided_at__gte=since, board_follows=False)
        .order_by("-decided_at", "-pk")
        .values("pk")[:RECENT_DEPARTURES]
    )
    recent = BoardDecision.objects.current().filter(case__in=latest).only(*DEPARTURE_FIELDS)
    return {**figures, "recent_departures": list(recent.order_by("-case__decided_at", "-pk"))}
