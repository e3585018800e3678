"""The referral page's part about the assessment case: the offer to create it, the link to it, and the board's outcome.

Read for the user viewing the referral: a clinician who may see the referral may start the case (on
the rules' offer, or by hand on a provisional report); whoever may see the case gets its link; whoever
may see the referral (its referrer too) sees the board's decision in words and its date, never the case.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from accounts import roles
from assessments.access import cases_visible_to
from assessments.models import BoardDecision
from assessments.rules import referral as triage_rules
from board.presenters import pathway_label
from referrals.models import Referral


class ByHandForm(forms.Form):
    """Creating the assessment before the rules offer it: the clinician says the provisional report is why."""

    provisional_report = forms.BooleanField(
        label="A provisional report shows spinal metastases",
        help_text="The formal report is not in yet; the assessment is recorded as created by hand.",
    )


def referral_case_part(*, user: Any, referral: Referral, by_hand_form: ByHandForm | None = None) -> dict[str, Any]:
    """What the part shows ``user`` about ``referral``'s case (the referral is one the user may see)."""
    may_start = roles.is_clinician(user) and referral.is_open and referral.case_id is None
    offered = referral.next_step == triage_rules.NextStep.CREATE_ASSESSMENT
    return {
        "referral": referral,
        "may_start": may_start,
        "offered": offered,
        "by_hand_form": (by_hand_form or ByHandForm()) if may_start and not offered else None,
        "case_url": _case_url(user, referral),
        "outcome": _outcome(referral),
    }


def _case_url(user: Any, referral: Referral) -> str | None:
    if referral.case_id is None or not cases_visible_to(user).filter(pk=referral.case_id).exists():
        return None
    return referral.case.get_absolute_url()  # type: ignore[union-attr]


def _outcome(referral: Referral) -> dict[str, Any] | None:
    """The board's current decision on the referral's case, in words, with when it was signed."""
    if referral.case_id is None:
        return None
    decision = BoardDecision.objects.filter(case_id=referral.case_id).current().first()
    if decision is None:
        return None
    return {
        "pathway": pathway_label(decision.pathway_code, decision.other_pathway_text),
        "meeting_date": decision.meeting_date,
        "signed_at": timezone.localtime(decision.signed_at),
    }
