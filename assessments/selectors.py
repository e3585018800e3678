"""Reads of patient data. Every one is scoped to what the requesting user may see.

Visibility: a clinician sees the cases they own (any status); a tumor board
member sees every case that has reached the board (submitted, decided,
closed), never a draft; an admin without a clinical role sees nothing.
Anything outside that answers 404, so a case id reveals nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from assessments import roles
from assessments.models import Case, CaseStatus

BOARD_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.DECIDED, CaseStatus.CLOSED)


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


def case_list_for_owner(*, user: Any, query: str = "", status: str = "", urgency: str = "") -> QuerySet[Case]:
    """The clinician's own cases, newest first, filtered by patient name/MRN, status and urgency."""
    if not roles.is_clinician(user):
        raise Http404("No case list for this account")
    cases = Case.objects.filter(owner=user)
    if query:
        cases = cases.filter(Q(patient_name__icontains=query) | Q(mrn__iexact=query) | Q(mrn__istartswith=query))
    if status:
        cases = cases.filter(status=status)
    if urgency:
        cases = cases.filter(urgency=urgency)
    return cases.only(
        "pk", "mrn", "patient_name", "status", "urgency", "pathway_code", "sins_total", "updated_at", "version"
    ).order_by("-updated_at", "-pk")


def case_versions(*, case: Case) -> list[dict[str, Any]]:
    """The saved versions of a case, newest first, each with the fields that changed from the one before."""
    records = list(case.history.select_related("history_user").order_by("-history_date", "-history_id"))
    out = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=["result"])
            changes = [(c.field, c.old, c.new) for c in delta.changes]
        out.append({"record": newer, "changes": changes})
    return out


def case_board_context(*, user: Any, case: Case) -> dict[str, Any]:
    """The board discussion and decisions shown on a case page (both roles see them)."""
    return {
        "comments": list(case.comments.select_related("author")),
        "decisions": list(case.decisions.select_related("signed_by", "supersedes")),
    }
