"""The referral pages: refer with the live triage, add a version, a referral's page, the referrer's list.

Short functions that call a selector or service and render. The form views serve the full page and,
for HTMX requests, the triage panel (evaluated, never saved), varying on ``HX-Request``; a plain POST
saves and redirects (post/redirect/get), and a refused save keeps everything typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts import roles
from escc_site.time_text import moment_text
from referrals import presenters, selectors, services
from referrals.evaluation import evaluate_draft, evaluate_version
from referrals.forms import ReferralForm
from referrals.models import Referral

REFERRAL_FORM = "referrals/referral_form.html"


def _may_refer(user: Any) -> bool:
    return roles.is_referrer(user) or roles.is_coordinator(user)


def _may_edit(user: Any, referral: Referral) -> bool:
    """The coordinator or the referrer records a new version of an open referral (a closed one takes none)."""
    return referral.is_open and (roles.is_coordinator(user) or referral.referrer_id == user.pk)


def _is_save(request: HttpRequest) -> bool:
    """A plain POST saves; an HTMX POST or "Update triage" (Enter in a box, or no JavaScript) only shows the triage."""
    return request.method == "POST" and not request.htmx and request.POST.get("action") != "preview"


def _panel(request: HttpRequest, form: ReferralForm, referral: Referral | None) -> tuple[dict[str, Any], int]:
    """The triage panel for what is typed: the triage (200), or what stops it, each named by its field (422)."""
    if not form.is_bound:
        return {"panel": None, "problems": []}, 200
    ready, problems = form.triage_ready()
    if not ready:
        return {"panel": None, "problems": problems}, 422
    data = form.to_data()
    result, errors = evaluate_draft(data, referral=referral, now=timezone.now())
    if result is None:
        return {"panel": None, "problems": presenters.present_rule_errors(errors)}, 422
    return {"panel": presenters.present_triage(result, data), "problems": []}, 200


def _render_form(request: HttpRequest, context: dict[str, Any], referral: Referral | None = None) -> HttpResponse:
    panel, status = _panel(request, context["form"], referral)
    template = REFERRAL_FORM + ("#referral-panel" if request.htmx else "")
    return TemplateResponse(request, template, {**context, **panel}, status=422 if _is_save(request) else status)


@never_cache  # Back asks the server again: after a save, an empty form with a new save token
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest) -> HttpResponse:
    """Refer a patient: GET the form; an HTMX POST shows the triage; a plain POST saves (PRG)."""
    if not _may_refer(request.user):
        raise Http404("Only referrers and the MSCC coordinator refer")
    if request.method != "POST":
        name = request.user.get_full_name() or request.user.get_username()
        return _render_form(request, {"form": ReferralForm(initial={"referrer_name": name})})
    form = ReferralForm(request.POST)
    if _is_save(request) and form.is_valid():
        try:
            referral = services.referral_create(
                referrer=request.user, **form.patient(), data=form.to_data(), save_token=form.cleaned_data["save_token"]
            )
        except services.ReferralInvalid as refused:
            form.add_rule_errors(refused.errors)  # everything typed stays in the form
        else:
            messages.success(request, "Referral sent. Call the coordinator now if the triage says so.")
            return redirect(referral)
    return _render_form(request, {"form": form})


@never_cache
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def referral_update(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of the referral, from the newest; a save based on an older version keeps what was typed."""
    referral = selectors.referral_get_visible(user=request.user, pk=pk)
    if not _may_edit(request.user, referral):
        raise PermissionDenied("Only the MSCC coordinator or the referrer adds a version, and only while it is open.")
    if not request.htmx:  # the full page names the patient; the live panel does not
        selectors.referral_reads_record(user=request.user, referrals=[referral])
    if request.method != "POST":
        newest = referral.versions.get(number=referral.version)
        initial = {**ReferralForm.initial_from(newest.data), "based_on": referral.version}
        return _render_form(
            request, _update_context(referral, ReferralForm(initial=initial, later_version=True)), referral
        )
    form = ReferralForm(request.POST, later_version=True)
    conflict = None
    if _is_save(request) and form.is_valid():
        try:
            services.referral_version_add(
                referral=referral, user=request.user, data=form.to_data(), based_on=form.cleaned_data["based_on"]
            )
        except services.ReferralConflict:
            if selectors.referral_version_repeats(referral=referral, user=request.user, data=form.to_data()):
                return redirect(referral)  # the same save sent again: it is already the newest version
            conflict, form = referral.version, form.rebased(referral.version)
        except services.ReferralClosed:
            raise PermissionDenied("This referral is closed: it takes no new version.") from None
        except services.ReferralInvalid as refused:
            form.add_rule_errors(refused.errors)
        else:
            messages.success(request, f"Referral updated (version {referral.version}).")
            return redirect(referral)
    return _render_form(request, {**_update_context(referral, form), "conflict": conflict}, referral)


def _update_context(referral: Referral, form: ReferralForm) -> dict[str, Any]:
    return {"form": form, "referral": referral}


@vary_on_headers("HX-Request")
@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A referral: who and by whom, the current triage and advice, the timers, the versions and the log."""
    referral = selectors.referral_get_for_view(user=request.user, pk=pk)
    versions = selectors.referral_versions(referral=referral)
    now = timezone.now()
    result = evaluate_version(referral, versions[-1], now=now)
    context = {
        "referral": referral,
        "triage": presenters.present_triage(result, versions[-1].data),
        "timers": presenters.present_timers(result, now),
        "versions": presenters.present_versions(versions),
        "entries": presenters.present_entries(selectors.referral_entries(referral=referral)),
        "received": moment_text(referral.received_at),
        "may_edit": _may_edit(request.user, referral),
    }
    return TemplateResponse(request, "referrals/referral_detail.html", context)


@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    """The referrer's own referrals, newest first, each with its triage and next step."""
    if not _may_refer(request.user):
        raise Http404("Only referrers and the MSCC coordinator refer")
    rows = [
        presenters.present_referral_row(referral) for referral in selectors.referrals_of_referrer(user=request.user)
    ]
    return TemplateResponse(request, "referrals/referral_list.html", {"rows": rows})
