"""Reads of cases, each scoped to what the requesting user may see (``access.cases_visible_to``).

Anything outside that answers 404, so a case id reveals nothing. Also the care-team reads of a
case: who may edit it, the team's list, its handovers and the case page's team section.

A read for a page records what it shows (``access.reads_record``): ``case_get_for_view``, the lists
(``case_list_page``, ``team_case_list_page``, ``recent_cases_for_owner``) and ``case_shown`` for a
form page that read its case to act on it and draws the page instead. ``case_get_visible``,
``case_get_editable`` and ``case_get_owned`` read a case to act on it and record nothing: the
service records what was done.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts import roles
from assessments import rules, search
from assessments.access import care_team_ids, cases_visible_to, reads_record
from assessments.cases.inputs import case_input, case_input_at
from assessments.models import (
    CASE_ORIGIN_RELATIONS,
    CareTeam,
    CareTeamMembership,
    Case,
    CaseComment,
    CaseHandover,
    CaseStatus,
    CommentKind,
    HandoverStatus,
    WorkingCopy,
)


def case_get_visible(*, user: Any, pk: int) -> Case:
    """The case if ``user`` may read it, else 404."""
    try:
        return cases_visible_to(user).select_related("owner", "patient", "team").get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("No such case") from None


def case_get_for_view(*, user: User, pk: int) -> Case:
    """The case if ``user`` may read it (else 404), its ``case.view`` recorded: for a page that shows it.

    Read with the record it was started from (a referral), which the page names.
    """
    try:
        case = cases_visible_to(user).select_related("owner", "patient", "team", *CASE_ORIGIN_RELATIONS).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("No such case") from None
    reads_record(user=user, cases=[case])
    return case


def case_get_for_export(*, user: User, pk: int) -> Case:
    """The case if ``user`` may read it (else 404), its ``case.export`` recorded: for the case-file download."""
    case = case_get_visible(user=user, pk=pk)
    reads_record(user=user, cases=[case], action="case.export")
    return case


def case_shown(*, user: User, case: Case) -> Case:
    """Record the ``case.view`` of a case read to act on (``case_get_owned``…) whose page is drawn instead.

    A form page's first GET and a form shown again with its errors show the patient; a successful
    POST redirects and shows nothing, so the form views call this only where they render. Not for
    an HTMX partial of a page already recorded (the live result panel names no patient).
    """
    reads_record(user=user, cases=[case])
    return case


def case_get_editable(*, user: Any, pk: int) -> Case:
    """The case if ``user`` is a clinician who owns it or is in the care team it is shared with, else 404."""
    if not roles.is_clinician(user):
        raise Http404("No such case")
    try:
        return (
            Case.objects.select_related("owner", "patient")
            .filter(Q(owner=user) | Q(team_id__in=care_team_ids(user)))
            .get(pk=pk)
        )
    except Case.DoesNotExist:
        raise Http404("No such case") from None


def case_get_owned(*, user: Any, pk: int) -> Case:
    """The case if ``user`` is a clinician who owns it, else 404."""
    if not roles.is_clinician(user):
        raise Http404("No such case")
    try:
        return Case.objects.select_related("owner", "patient").get(pk=pk, owner=user)
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
    return _case_list(cases, query=query, status=status, urgency=urgency)


def _case_list(cases: QuerySet[Case], *, query: str, status: str, urgency: str) -> QuerySet[Case]:
    for word in search.query_words(query):
        cases = cases.filter(patient__search_text__contains=word)
    if status:
        cases = cases.filter(status=status)
    if urgency:
        cases = cases.filter(urgency=urgency)
    returned = CaseComment.objects.filter(case=OuterRef("pk"), kind=CommentKind.RETURNED).order_by("-created_at", "-pk")
    return (
        cases.select_related("patient", "owner", "team")
        .only(
            "pk",
            "patient__mrn",
            "patient__name",
            "owner__username",
            "owner__first_name",
            "owner__last_name",
            "team__name",
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


def case_list_page(
    *, user: User, page: str | None, query: str = "", status: str = "", urgency: str = "", discarded: bool = False
) -> tuple[Page, list[CaseHandover]]:
    """One page (25) of My cases (``case_list_for_owner``) and the handovers offered to ``user``, recorded.

    Each case on the page and each offered case is recorded (``case.view``) in one INSERT; the page's
    cases are read once, for the record and the template alike.
    """
    cases = case_list_for_owner(user=user, query=query, status=status, urgency=urgency, discarded=discarded)
    return _page_shown(user=user, cases=cases, page=page)


def team_case_list_page(
    *, user: User, page: str | None, status: str = "", urgency: str = ""
) -> tuple[Page, list[CaseHandover]]:
    """One page (25) of My team's cases (``case_list_for_team``) and the handovers offered to ``user``, recorded."""
    return _page_shown(user=user, cases=case_list_for_team(user=user, status=status, urgency=urgency), page=page)


def _page_shown(*, user: User, cases: QuerySet[Case], page: str | None) -> tuple[Page, list[CaseHandover]]:
    shown = Paginator(cases, 25).get_page(page)
    shown.object_list = list(shown.object_list)
    offered = handovers_offered_to(user=user)
    reads_record(user=user, cases=[*shown.object_list, *(handover.case for handover in offered)])
    return shown, offered


def recent_cases_for_owner(*, user: Any, limit: int = 5) -> list[Case]:
    """The clinician's most recently updated cases (not discarded), with only what the home page shows, recorded.

    Not ``case_list_for_owner``: the home page needs neither the search nor the board's returned
    comment (a correlated subquery) nor the result columns, and it is the page every sign-in lands on.
    """
    if not roles.is_clinician(user):
        raise Http404("No case list for this account")
    cases = Case.objects.filter(owner=user, discarded_at__isnull=True).select_related("patient")
    fields = ("pk", "patient__mrn", "patient__name", "status", "urgency", "updated_at")
    recent = list(cases.only(*fields).order_by("-updated_at", "-pk")[:limit])
    reads_record(user=user, cases=recent)
    return recent


def case_result_now(*, case: Case) -> dict[str, Any] | None:
    """The case re-evaluated now when its result depends on the clock and it still awaits a decision.

    None when the stored snapshot is current (no time of loss of ambulation, a
    walking patient, or a case the board has decided).
    """
    if case.status not in (CaseStatus.DRAFT, CaseStatus.SUBMITTED):
        return None
    if case.rule_set != rules.RULE_SET:
        # A result of an earlier rule set is shown as saved, labelled; only the owner's
        # explicit re-evaluation (cases.views.case_reevaluate) evaluates it under the current one.
        return None
    stored = case_input(case)
    now_input = case_input_at(case=case, assessment=stored, now=timezone.now())
    if now_input == stored:
        return None
    return rules.evaluate(now_input).to_snapshot()


def case_stored_result(*, case: Case) -> dict[str, Any]:
    """The case's stored result with each reason's words, for the page to spell in clinical words.

    A result stored before reasons carried their words holds only each reason's text. Under the
    current rule set the stored inputs are evaluated again as of the stored evaluation time, and a
    reason takes the words of the fresh reason (same topic and rule) only when they spell its stored
    text exactly, so the page shows what was stored. Any other reason, and every reason of an
    earlier rule set, keeps its stored text as it is. The stored record is not changed.
    """
    stored: dict[str, Any] = case.result
    rationale = stored.get("rationale", [])
    if all("words" in item for item in rationale) or case.rule_set != rules.RULE_SET or case.evaluated_at is None:
        return stored
    try:
        assessment = case_input_at(case=case, assessment=case_input(case), now=case.evaluated_at)
    except rules.InputError:
        return stored
    fresh: list[dict[str, Any]] = rules.evaluate(assessment).to_snapshot()["rationale"]  # type: ignore[assignment]
    words = {_reason_key(item): item["words"] for item in fresh}
    return {**stored, "rationale": [_with_words(item, words) for item in rationale]}


def _reason_key(item: dict[str, Any]) -> tuple[str, str, str]:
    return item["topic"], item["rule"], item["text"]


def _with_words(item: dict[str, Any], words: dict[tuple[str, str, str], Any]) -> dict[str, Any]:
    """The stored reason with the words that spell its text, if the fresh evaluation has them."""
    if "words" in item or _reason_key(item) not in words:
        return item
    return {**item, "words": words[_reason_key(item)]}


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
        stored = case_input(case)
    except rules.InputError as error:
        return error
    assessment = case_input_at(case=case, assessment=stored, now=timezone.now())
    return rules.evaluate(assessment).to_snapshot()


def case_versions(*, case: Case) -> list[dict[str, Any]]:
    """The saved versions of a case, newest first, each with the record before it and the fields that changed.

    Sharing and handover are entries too (the care team or the owner changed, not the version number).
    """
    records = list(
        case.history.select_related("history_user", "team", "owner").order_by("-history_date", "-history_id")
    )
    out = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=["result", "evaluated_at"])
            changes = [(c.field, c.old, c.new) for c in delta.changes]
        out.append({"record": newer, "older": older, "changes": changes})
    return out


def case_may_edit(*, user: Any, case: Case) -> bool:
    """Whether ``user`` may edit ``case`` (a draft): its owner, or a member of the team it is shared with."""
    if not (case.is_editable and roles.is_clinician(user)):
        return False
    if case.owner_id == user.pk:
        return True
    return case.team_id is not None and CareTeamMembership.objects.filter(user=user, team_id=case.team_id).exists()


def case_list_for_team(*, user: Any, query: str = "", status: str = "", urgency: str = "") -> QuerySet[Case]:
    """The cases shared with the care teams ``user`` is in (theirs too), newest first, as ``case_list_for_owner``."""
    if not roles.is_clinician(user):
        raise Http404("No case list for this account")
    cases = Case.objects.filter(team_id__in=care_team_ids(user), discarded_at__isnull=True)
    return _case_list(cases, query=query, status=status, urgency=urgency)


def teams_of(*, user: Any) -> list[CareTeam]:
    return list(CareTeam.objects.filter(memberships__user=user).order_by("name"))


def case_handovers(*, case: Case) -> list[CaseHandover]:
    """The case's handovers, newest first, with both clinicians (one query)."""
    return list(case.handovers.select_related("from_user", "to_user"))


def handovers_offered_to(*, user: Any) -> list[CaseHandover]:
    """Handovers waiting for ``user`` to accept or decline, oldest first, with their case and patient."""
    if not roles.is_clinician(user):
        return []
    return list(
        CaseHandover.objects.filter(to_user=user, status=HandoverStatus.PENDING)
        .select_related("case__patient", "from_user")
        .order_by("proposed_at", "pk")
    )


def case_team_context(*, user: Any, case: Case) -> dict[str, Any]:
    """The care-team section of the case page: episodes, sharing, handovers and what ``user`` may do.

    A fixed number of queries, whatever the number of episodes, teams or handovers.
    """
    is_owner = roles.is_clinician(user) and case.owner_id == user.pk
    handovers = case_handovers(case=case)
    pending = next((h for h in handovers if h.status == HandoverStatus.PENDING), None)
    visible = cases_visible_to(user).values("pk")
    counts = Case.objects.filter(patient_id=case.patient_id, discarded_at__isnull=True).aggregate(
        total=Count("pk"), seen=Count("pk", filter=Q(pk__in=visible))
    )
    return {
        "team": {
            "episode_count": counts["seen"],
            "hidden_count": counts["total"] - counts["seen"],
            "handovers": handovers,
            "pending": pending,
            "pending_for_me": pending is not None and pending.to_user_id == user.pk,
            "can_share": is_owner,
            "teams": list(CareTeam.objects.order_by("name")) if is_owner else [],
            "can_hand_over": is_owner and case.status != CaseStatus.CLOSED,
            "can_withdraw": is_owner and pending is not None,
        }
    }


def working_copy_get(*, user: Any, case: Case | None) -> WorkingCopy | None:
    """``user``'s own working copy of ``case`` (None: of a new assessment); nobody else's is ever read."""
    return WorkingCopy.objects.filter(user=user, case=case).first()
