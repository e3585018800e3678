"""The MSCC coordinator's pages: the live worklist, and each action on a referral (its own form, or from its page).

Coordinator only: anyone else gets 404 from the selectors. An action posts, the service records and
audits it, and the browser is sent back to the referral page (post/redirect/get); refused, the form
comes back with its errors, and on a conflict (the referral moved on) with what was typed kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from referrals import coordinator_forms as forms
from referrals import selectors, services
from referrals import worklist_presenters as presenters
from referrals.models import EntryKind, Referral, ReferralStatus

ACTION_PAGE = "referrals/coordinator_action.html"


@require_GET
@vary_on_headers("HX-Request")
def worklist(request: HttpRequest) -> HttpResponse:
    """Open (or ended) referrals, most urgent first, each timer counting down; an HTMX poll redraws the list alone."""
    shown = forms.WorklistFilterForm(request.GET or None)
    show = shown.chosen() if shown.is_bound else "open"
    referrals = selectors.worklist_referrals(user=request.user, show=show)
    rows = presenters.worklist_rows(referrals, selectors.referral_newest_versions(referrals=referrals))
    template = "referrals/worklist.html" + ("#worklist-rows" if request.htmx else "")
    context = {
        "rows": rows,
        "timer_titles": presenters.TIMER_TITLES,
        "filter_form": shown,
        "poll_url": f"{reverse('referrals:worklist')}?{urlencode({'show': show})}",
    }
    return TemplateResponse(request, template, context)


# What each action does with its valid form, and what it says when done.
Perform = Callable[[Referral, Any, Any], object]


def _acknowledge(referral: Referral, user: Any, form: Any) -> object:
    based_on = form.cleaned_data["version"]
    return services.referral_coordinator_acknowledge(referral=referral, user=user, based_on=based_on)


def _imaging(referral: Referral, user: Any, form: Any) -> object:
    return services.referral_imaging_record(
        referral=referral, user=user, based_on=form.cleaned_data["version"], changes=form.changes()
    )


def _entry(kind: EntryKind) -> Perform:
    def perform(referral: Referral, user: Any, form: Any) -> object:
        data = form.cleaned_data
        return services.referral_coordinator_entry_add(
            referral=referral, user=user, based_on=data["version"], kind=kind, text=data["text"], at=data.get("at")
        )

    return perform


def _end(status: ReferralStatus) -> Perform:
    def perform(referral: Referral, user: Any, form: Any) -> object:
        data = form.cleaned_data
        return services.referral_coordinator_end(
            referral=referral, user=user, based_on=data["version"], status=status, reason=data["reason"]
        )

    return perform


# Per action: its form, what it does, its page's title, and what it says once done.
ACTIONS: dict[str, tuple[type[forms.CoordinatorForm], Perform, str, str]] = {
    "acknowledge": (forms.AcknowledgeForm, _acknowledge, "Acknowledge the referral", "Referral acknowledged."),
    "booked": (forms.ImagingBookedForm, _imaging, "Record the scan as booked", "Scan booking recorded."),
    "done": (forms.ImagingDoneForm, _imaging, "Record the scan as done", "Scan recorded as done."),
    "reported": (forms.ImagingReportedForm, _imaging, "Record the scan's report", "Report recorded."),
    "advice": (forms.AdviceForm, _entry(EntryKind.ADVICE), "Record advice given by phone", "Advice recorded."),
    "note": (forms.NoteForm, _entry(EntryKind.NOTE), "Add a note", "Note added."),
    "close": (forms.CloseForm, _end(ReferralStatus.CLOSED), "Close the referral", "Referral closed."),
    "withdraw": (
        forms.WithdrawForm,
        _end(ReferralStatus.WITHDRAWN),
        "Withdraw the referral as entered in error",
        "Referral withdrawn as entered in error.",
    ),
}


# Each action's path under the referral, its key in ``ACTIONS`` and its URL name.
ACTION_ROUTES = (
    ("acknowledge", "acknowledge", "referral_acknowledge"),
    ("imaging/booked", "booked", "referral_imaging_booked"),
    ("imaging/done", "done", "referral_imaging_done"),
    ("imaging/reported", "reported", "referral_imaging_reported"),
    ("advice", "advice", "referral_advice"),
    ("note", "note", "referral_note"),
    ("close", "close", "referral_close"),
    ("withdraw", "withdraw", "referral_withdraw"),
)
URL_NAMES = {action: f"referrals:{name}" for _, action, name in ACTION_ROUTES}


def _kept(form: forms.CoordinatorForm, referral: Referral) -> forms.CoordinatorForm:
    """The form again with what was typed, now based on the referral's newest version (sent again, it applies)."""
    data: QueryDict = form.data.copy()  # type: ignore[assignment]
    data[form.add_prefix("version")] = str(referral.version)
    return type(form)(data, referral=referral)


@require_http_methods(["GET", "POST"])
def referral_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One coordinator's action on the referral: its form (GET), or recorded and back to the referral page."""
    referral = selectors.referral_get_for_coordinator(user=request.user, pk=pk)
    form_class, perform, title, done = ACTIONS[action]
    form = form_class(request.POST if request.method == "POST" else None, referral=referral)
    conflict = None
    if form.is_valid():
        try:
            perform(referral, request.user, form)
        except services.ReferralConflict as error:
            conflict = error.referral
            referral = selectors.referral_get_for_coordinator(user=request.user, pk=pk)
            form = _kept(form, referral)
        except services.ReferralClosed as error:
            form.add_error(None, f"{error} It takes no further action.")
        except services.ReferralInvalid as error:
            form.rule_errors(error.errors)
        else:
            messages.success(request, done)
            return redirect(referral)
    selectors.referral_reads_record(user=request.user, referrals=[referral])
    status = 409 if conflict is not None else (422 if form.is_bound else 200)
    context = {"referral": referral, "form": form, "title": title, "action": action, "conflict": conflict}
    return TemplateResponse(request, ACTION_PAGE, context, status=status)
