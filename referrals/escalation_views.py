"""The coordinator's escalation of a referral: the button of the referral page's escalation part posts here."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import roles
from referrals import selectors, services


@require_POST
def referral_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """Escalate as the rules say now (404 for anyone but the coordinator); HTMX gets the part back, else the page.

    A refusal (nobody on call, an escalation that calls nobody, a closed referral) is said where the
    button was, and nothing is sent.
    """
    if not roles.is_coordinator(request.user):
        raise Http404("No such page")
    referral = selectors.referral_get_visible(user=request.user, pk=pk)
    escalated, refused = None, ""
    try:
        escalated = services.referral_escalate(referral=referral, user=request.user)  # type: ignore[arg-type]
    except (services.EscalationRefused, services.ReferralClosed) as error:
        refused = str(error)
    if request.htmx:  # type: ignore[attr-defined]
        referral.refresh_from_db()
        context = {"referral": referral, "escalated": escalated, "refused": refused}
        return render(request, "referrals/_escalation.html", context)
    if escalated is not None:
        messages.success(request, f"{escalated.text}: told in the app and by e-mail.")
    else:
        messages.error(request, refused)
    return redirect(referral)
