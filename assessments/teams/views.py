"""The care-team pages: My team's cases, sharing a case with a care team, handing a case over.

Access as everywhere: 404 for a case the user may not see (``cases.selectors``);
the services refuse an action the user may not take (not the owner, no offer waiting).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import presenters, rules
from assessments.cases import selectors, services
from assessments.models import CaseStatus
from assessments.teams.forms import HandoverAnswerForm, HandoverForm, ShareForm


@require_GET
def team_case_list(request: HttpRequest) -> HttpResponse:
    """My team's cases: those shared with the care teams the clinician is in, newest first, 25 a page."""
    status = request.GET.get("status", "")
    urgency = request.GET.get("urgency", "")
    status = status if status in CaseStatus.values else ""
    urgency = urgency if urgency in {u.value for u in rules.Urgency} else ""
    page, offered = selectors.team_case_list_page(
        user=request.user, page=request.GET.get("page"), status=status, urgency=urgency
    )
    return TemplateResponse(
        request,
        "assessments/case_list.html",
        {
            "page": page,
            "team_view": True,
            "handovers_offered": offered,
            "teams": selectors.teams_of(user=request.user),
            "status": status,
            "urgency": urgency,
            "statuses": CaseStatus.choices,
            "urgencies": presenters.urgency_choices(),
        },
    )


@require_POST
def case_share(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner shares the case with a care team, or stops sharing it."""
    case = selectors.case_get_owned(user=request.user, pk=pk)
    form = ShareForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the care teams listed.")
        return redirect(case)
    team = form.cleaned_data["team"]
    services.case_share_with_team(case=case, user=request.user, team=team)
    messages.success(request, f"Case shared with {team.name}." if team else "Case no longer shared with a team.")
    return redirect(case)


@require_http_methods(["GET", "POST"])
def case_handover_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner offers the case to another clinician with a handover note (a refused offer keeps the note)."""
    case = selectors.case_get_owned(user=request.user, pk=pk)
    form = HandoverForm(request.POST or None, user=request.user)
    if form.is_valid():
        to = form.cleaned_data["to_user"]
        try:
            services.case_handover_propose(case=case, user=request.user, to_user=to, note=form.cleaned_data["note"])
        except services.HandoverError as refused:
            form.add_error(None, str(refused))
        else:
            name = to.get_full_name() or to.username
            messages.success(request, f"Handover offered to {name}. You own the case until they accept.")
            return redirect(case)
    status = 422 if form.is_bound else 200
    selectors.case_shown(user=request.user, case=case)
    return TemplateResponse(request, "assessments/case_handover.html", {"case": case, "form": form}, status=status)


def _answer(request: HttpRequest, pk: int, *, accept: bool) -> HttpResponse:
    case = selectors.case_get_visible(user=request.user, pk=pk)
    form = HandoverAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e[0] for e in form.errors.values()))
        return redirect(case)
    try:
        services.case_handover_answer(
            case=case, user=request.user, accept=accept, response_note=form.cleaned_data["response_note"],
        )  # fmt: skip
    except services.HandoverError:
        raise Http404("No handover of this case is waiting for you") from None
    if accept:
        messages.success(request, "Handover accepted: you now own this case.")
        return redirect(case)
    messages.success(request, "Handover declined; the case stays with its clinician.")
    return redirect("assessments:case_list")


@require_POST
def case_handover_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """The clinician offered the case takes it over."""
    return _answer(request, pk, accept=True)


@require_POST
def case_handover_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """The clinician offered the case declines; the owner keeps it."""
    return _answer(request, pk, accept=False)


@require_POST
def case_handover_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner takes back an offer not yet answered."""
    case = selectors.case_get_owned(user=request.user, pk=pk)
    try:
        services.case_handover_withdraw(case=case, user=request.user)
    except services.HandoverError as refused:
        raise PermissionDenied(str(refused)) from None
    messages.success(request, "Handover withdrawn.")
    return redirect(case)
