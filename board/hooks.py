"""The meetings app's part of the decision form (plan, actions, meeting), used by ``assessments.board_views``.

Kept here so the decision path in the assessments app changes by a few marked
lines only: the view builds ``DecisionExtras``, validates it with its own form,
and ``record`` runs in the transaction that signs the decision.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from assessments.models import BoardDecision, Case
from board import services
from board.forms import ActionFormSet, DecisionExtrasForm, actions_from
from board.models import Meeting


class DecisionExtras:
    """The meeting, plan and actions posted with a decision."""

    def __init__(self, request: HttpRequest, case: Case) -> None:
        data = request.POST if request.method == "POST" else None
        initial: dict[str, Any] = {}
        meeting = _meeting_from_query(request, case)
        if meeting is not None:
            initial["meeting"] = meeting
        self.form = DecisionExtrasForm(data, case=case, initial=initial)
        # A post without the action rows (a script, an older page) simply has no actions.
        has_rows = data is not None and "actions-TOTAL_FORMS" in data
        self.actions = ActionFormSet(data if has_rows else None, prefix="actions")

    def is_valid(self) -> bool:
        form_ok = self.form.is_valid()
        return (not self.actions.is_bound or self.actions.is_valid()) and form_ok

    def record(self, *, decision: BoardDecision, signed_by: Any) -> None:
        services.decision_extras_record(
            decision=decision,
            meeting=self.form.cleaned_data["meeting"],
            plan=self.form.cleaned_data["plan"],
            actions=actions_from(self.actions) if self.actions.is_bound else [],
            signed_by=signed_by,
        )

    def redirect_url(self, case: Case) -> str | None:
        """Back to meeting mode after a decision taken there."""
        meeting = self.form.cleaned_data.get("meeting")
        if meeting is None:
            return None
        from django.urls import reverse

        return reverse("meetings:meeting_mode", args=[meeting.pk]) + f"?case={case.pk}"


def _meeting_from_query(request: HttpRequest, case: Case) -> Meeting | None:
    """The meeting named by ``?meeting=`` (from meeting mode) if the case is on its agenda; junk is ignored."""
    meeting_id = request.GET.get("meeting", "")
    if not (meeting_id.isdigit() and len(meeting_id) <= 18):
        return None
    return Meeting.objects.filter(pk=int(meeting_id), agenda__case=case).first()


def initial_attendees(request: HttpRequest, case: Case) -> str:
    """The chosen meeting's attendance as the decision's attendee text ("" without a meeting)."""
    meeting = _meeting_from_query(request, case)
    return services.attendees_text(meeting) if meeting else ""
