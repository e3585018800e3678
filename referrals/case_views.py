"""The referral's part about its assessment case: its page, and starting the case from the referral.

Short functions over ``case_part`` (what the part shows) and ``starts`` (what the case starts with). Starting
keeps the start in the clinician's session and opens the new-case page on it, so no patient detail goes
into a URL.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from assessments.cases.starts import start_keep
from referrals import selectors
from referrals.case_part import ByHandForm, referral_case_part
from referrals.starts import referral_case_start

REFERRAL_CASE = "referrals/referral_case.html"


@require_GET
def referral_case(request: HttpRequest, pk: int) -> HttpResponse:
    """The referral's assessment case: the offer to create it, its link, the board's outcome (404 if not visible)."""
    referral = selectors.referral_get_for_view(user=request.user, pk=pk)
    return render(request, REFERRAL_CASE, {"referral": referral})


@require_POST
def referral_case_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A clinician creates the assessment from the referral: on the rules' offer, or by hand on a provisional report.

    Opens the new-case page with the referral's prefill (its ``referral.view`` recorded: that page names
    the patient); nothing is saved until the clinician saves the case. 404 for a referral that already
    has its case, or is closed: there is nothing to create.
    """
    if not roles.is_clinician(request.user):
        raise Http404("Only clinicians create cases")
    referral = selectors.referral_get_for_view(user=request.user, pk=pk)
    part = referral_case_part(user=request.user, referral=referral, by_hand_form=ByHandForm(request.POST))
    if not part["may_start"]:
        raise Http404("This referral already has its assessment, or is closed")
    by_hand = part["by_hand_form"] is not None
    if by_hand and not part["by_hand_form"].is_valid():
        return render(request, REFERRAL_CASE, {"referral": referral, "case_part": part}, status=422)
    key = start_keep(request.session, referral_case_start(referral=referral, by_hand=by_hand))
    return redirect(f"{reverse('assessments:case_create')}?start={key}")
