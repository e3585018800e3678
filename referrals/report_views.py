"""The referral timers of the network audit: a page (and the quality dashboard's section), and its CSV."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from accounts import roles
from board.case_forms import DashboardWindowForm
from board.presenters import months_back
from referrals import reports


def _window(request: HttpRequest) -> tuple[int, datetime.date, datetime.datetime]:
    """The period asked for (the dashboard's choices): months, its first day, and that day's start."""
    if not (roles.is_board_member(request.user) or roles.is_coordinator(request.user)):
        raise Http404("No such page")
    months = DashboardWindowForm(request.GET).window_months()
    since_date = months_back(timezone.localdate(), months)
    return months, since_date, timezone.make_aware(datetime.datetime.combine(since_date, datetime.time.min))


@require_GET
@vary_on_headers("HX-Request")
def referral_audit(request: HttpRequest) -> HttpResponse:
    """Referral timers per month against QS56 and the local targets; the dashboard loads its table section."""
    months, since_date, since = _window(request)
    figures = reports.referral_figures(since=since)
    template = "referrals/referral_audit.html" + ("#referral-timers" if request.htmx else "")
    context = {
        "form": DashboardWindowForm(initial={"months": months}),
        "months": months,
        "since": since_date,
        "figures": figures,
    }
    return render(request, template, context)


@require_GET
def referral_audit_csv(request: HttpRequest) -> HttpResponse:
    """The same figures as CSV (counts only); the download is recorded."""
    months, _, since = _window(request)
    return reports.referral_figures_csv(user=request.user, since=since, months=months)  # type: ignore[arg-type]
