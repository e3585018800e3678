"""Reads of patient data. Every one is scoped to what the requesting user may see.

Visibility: a clinician sees the cases they own (any status); a tumor board
member sees every case that has reached the board (submitted, decided,
closed), never a draft; an admin without a clinical role sees nothing.
Anything outside that answers 404, so a case id reveals nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
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


def case_result_now(*, case: Case) -> dict[str, Any] | None:
    """The case re-evaluated now when its result depends on the clock and it still awaits a decision.

    None when the stored snapshot is current (no time of loss of ambulation, a
    walking patient, or a case the board has decided).
    """
    if case.status not in (CaseStatus.DRAFT, CaseStatus.SUBMITTED):
        return None
    stored = case.case_input()
    now_input = services.case_input_at(case=case, assessment=stored, now=timezone.now())
    if now_input == stored:
        return None
    return rules.evaluate(now_input).to_dict()


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
    "pathway_rule", "histology", "escc_grade", "sins_total", "mri_at", "submitted_at", "meeting_date",
    "board_question", "owner__username", "owner__first_name", "owner__last_name",
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
    return cases.select_related("owner").only(*QUEUE_FIELDS).order_by("urgency_rank", "submitted_at", "pk")


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
    chosen = list(cases.select_related("owner").order_by("urgency_rank", "submitted_at", "pk")[: limit + 1])
    for case in chosen:
        # The pack is read at the meeting: its time alerts count hours to now, not to the last save.
        case.result = case_result_now(case=case) or case.result
    return chosen


RECENT_DEPARTURES = 20
# Rows are counted by ``decided_at`` (never NULL in the window) rather than the primary key, so that
# PostgreSQL answers from the ``case_board_quality`` index alone (an index-only scan).
ROW = "decided_at"
DEPARTURE_FIELDS = (
    "pk", "case", "signed_at", "meeting_date", "recommended_pathway_code", "recommended_rule",
    "pathway_code", "other_pathway_text", "reason",
)  # fmt: skip


def board_quality(*, user: Any, since: datetime.datetime) -> dict[str, Any]:
    """The quality dashboard's numbers for the cases first decided at or after ``since``.

    Each decided case counts once, with its current decision, which the case row
    carries (``board_pathway_code``, ``board_follows``): every figure is an aggregate
    over one table and the ``decided_at`` index, in a fixed number of queries
    whatever the amount of data. Python only adds up the grouped rows (at most one
    per recommended x chosen pathway). See docs/board.md.
    """
    _require_board(user)
    decided = Case.objects.filter(decided_at__gte=since)
    per_month = (
        decided.annotate(month=TruncMonth("decided_at"))
        .values("month")
        .annotate(total=Count(ROW), concordant=Count(ROW, filter=Q(board_follows=True)))
        .order_by("month")
    )
    choices = decided.values("pathway_code", "board_pathway_code", "board_follows").annotate(n=Count(ROW)).order_by()
    pathways: dict[str, int] = {}
    departures: dict[tuple[str, str], int] = {}
    for row in choices:
        pathways[row["board_pathway_code"]] = pathways.get(row["board_pathway_code"], 0) + row["n"]
        if row["board_follows"] is False:
            pair = (row["pathway_code"], row["board_pathway_code"])
            departures[pair] = departures.get(pair, 0) + row["n"]
    latest = decided.filter(board_follows=False).order_by("-decided_at", "-pk").values("pk")[:RECENT_DEPARTURES]
    recent = BoardDecision.objects.current().filter(case__in=latest).only(*DEPARTURE_FIELDS)
    return {
        "per_month": list(per_month),
        "pathways": [
            {"pathway_code": code, "n": n} for code, n in sorted(pathways.items(), key=lambda item: (-item[1], item[0]))
        ],
        "departures": [
            {"recommended_pathway_code": recommended, "pathway_code": chosen, "n": n}
            for (recommended, chosen), n in sorted(departures.items(), key=lambda item: (-item[1], item[0]))
        ],
        "recent_departures": list(recent.order_by("-case__decided_at", "-pk")),
        **_interval_metrics(decided),
    }


def _interval_metrics(decided: QuerySet[Case]) -> dict[str, Any]:
    """MRI → decision and decision → treatment start: count, within 24 h, median, missing, out of order.

    An interval whose end comes before its start (treatment begun before the board
    decided, as in an out-of-hours emergency operation) is counted apart, not as 0 h.
    """
    mri = Q(mri_at__isnull=False, mri_at__lte=F("decided_at"))
    treatment = Q(treatment_start_at__isnull=False, treatment_start_at__gte=F("decided_at"))
    counts = decided.aggregate(
        decided=Count(ROW),
        mri_n=Count(ROW, filter=mri),
        mri_within=Count(ROW, filter=mri & Q(decided_at__lte=F("mri_at") + TARGET)),
        mri_missing=Count(ROW, filter=Q(mri_at__isnull=True)),
        mri_out_of_order=Count(ROW, filter=Q(mri_at__gt=F("decided_at"))),
        tx_n=Count(ROW, filter=treatment),
        tx_within=Count(ROW, filter=treatment & Q(treatment_start_at__lte=F("decided_at") + TARGET)),
        tx_missing=Count(ROW, filter=Q(treatment_start_at__isnull=True)),
        tx_out_of_order=Count(ROW, filter=Q(treatment_start_at__lt=F("decided_at"))),
    )
    out = {"decided_cases": counts["decided"]}
    for key, condition, start, end in (
        ("mri_to_decision", mri, "mri_at", "decided_at"),
        ("decision_to_treatment", treatment, "decided_at", "treatment_start_at"),
    ):
        prefix = "mri" if key == "mri_to_decision" else "tx"
        n = counts[f"{prefix}_n"]
        out[key] = {
            "n": n,
            "within": counts[f"{prefix}_within"],
            "missing": counts[f"{prefix}_missing"],
            "out_of_order": counts[f"{prefix}_out_of_order"],
            "median": _median_interval(decided.filter(condition), start, end, n),
        }
    return out


def _median_interval(cases: QuerySet[Case], start: str, end: str, n: int) -> datetime.timedelta | None:
    """The median of ``end - start`` over ``cases`` (``n`` rows), computed by the database.

    The database sorts the intervals and returns only the middle one or two
    (ORDER BY … LIMIT 2 OFFSET (n-1)/2): one query, two rows, on SQLite and
    PostgreSQL alike, whatever ``n`` is.
    """
    if n == 0:
        return None
    interval = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    middle = (n - 1) // 2
    values = list(
        cases.annotate(interval=interval)
        .order_by("interval")
        .values_list("interval", flat=True)[middle : middle + (1 if n % 2 else 2)]
    )
    return sum(values, datetime.timedelta()) / len(values)
