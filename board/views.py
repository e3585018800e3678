"""Pages of board meetings, meeting mode, the outcome letter, actions, notifications, follow-up and the clock.

Access as on the board pages (docs/decisions/0003-board-access.md): 404 for a
page the user's role does not use or a case they may not see, 403 with the
reason when the case's status forbids the action, 422 for an incomplete form.
Pages that show a patient's identifiers read them through selectors that record
the view (``case.view``), the letter as ``case.print``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts import roles
from assessments.access import cases_visible_to
from assessments.cases import selectors as case_selectors
from assessments.models import CaseStatus
from board import exports, presenters, selectors, services
from board.forms import AgendaAddForm, AgendaFindForm, AttendeeForm, ClockForm, FollowUpForm, MeetingForm
from board.models import FOLLOW_UP_DAYS, Attendee, CaseClock, FollowUp

# The longest return path a form may ask for; a page's own path is far shorter.
NEXT_MAX = 2000

# --- Meetings ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Meetings, newest first, and the form to create one (its agenda is built from the queue)."""
    meetings = selectors.meeting_list(user=request.user)
    form = MeetingForm(request.POST or None, initial={"chair": request.user.pk})
    if form.is_valid():
        meeting = services.meeting_create(
            created_by=request.user, chair=form.cleaned_data["chair"], starts_at=form.starts_at()
        )
        messages.success(request, "Meeting created; its agenda holds the cases waiting for the board.")
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    status = 422 if form.is_bound else 200
    return render(request, "meetings/meeting_list.html", {"meetings": meetings, "form": form}, status=status)


def _detail(request: HttpRequest, meeting, *, status: int = 200, **forms) -> HttpResponse:
    find_form = AgendaFindForm(request.GET if "find" in request.GET else None)
    query = find_form.query() if find_form.is_bound else ""
    if find_form.is_bound and not find_form.errors and not query:
        find_form.add_error("find", "Find a case: type part of the patient's name or MRN.")
    context = {
        "meeting": meeting,
        "items": selectors.agenda_for_view(user=request.user, meeting=meeting),
        "attendees": list(meeting.attendees.all()),
        "missing": meeting.missing_for_quorum(),
        "attendee_form": forms.get("attendee_form") or AttendeeForm(),
        "agenda_form": forms.get("agenda_form"),
        "find_form": find_form,
        "query": query,
        "candidates": selectors.agenda_candidates(user=request.user, meeting=meeting, query=query),
        "next_meeting": services.next_meeting(meeting=meeting),
    }
    if find_form.errors and status == 200:
        status = 422
    return render(request, "meetings/meeting_detail.html", context, status=status)


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The agenda (in order, reorderable, deferrable), the attendance and the quorum.

    ``?find=`` lists the cases with the board whose patient matches, each with a button that adds it.
    """
    return _detail(request, selectors.meeting_get(user=request.user, pk=pk))


@require_POST
def meeting_attendee_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    form = AttendeeForm(request.POST)
    if not form.is_valid():
        return _detail(request, meeting, status=422, attendee_form=form)
    services.attendee_add(meeting=meeting, user=request.user, **form.cleaned_data)
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#attendees")


@require_POST
def meeting_attendee_remove(request: HttpRequest, attendee_pk: int) -> HttpResponse:
    selectors.require_board(request.user)
    attendee = Attendee.objects.filter(pk=attendee_pk).select_related("meeting").first()
    if attendee is None:
        raise Http404("No such attendee")
    services.attendee_remove(attendee=attendee, user=request.user)
    return redirect(reverse("meetings:meeting_detail", args=[attendee.meeting_id]) + "#attendees")


@require_POST
def meeting_agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a case with the board (a search result's button posts its id) at the end of the agenda."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    form = AgendaAddForm(request.POST)
    if form.is_valid():
        visible = cases_visible_to(request.user).filter(pk=form.cleaned_data["case"]).first()
        if visible is None or visible.status not in (CaseStatus.SUBMITTED, CaseStatus.DECIDED):
            form.add_error("case", "Add to agenda: this case is not with the board; find it again by name or MRN.")
        else:
            services.agenda_add(meeting=meeting, case=visible, user=request.user)
            return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#agenda")
    return _detail(request, meeting, status=422, agenda_form=form)


@require_POST
def agenda_item_move(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = selectors.agenda_item_get(user=request.user, pk=item_pk)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is None:
        raise PermissionDenied("The direction must be up or down.")
    try:
        services.agenda_move(item=item, offset=offset, user=request.user)
    except services.AgendaItemGone as gone:
        messages.warning(request, str(gone))
    return redirect(reverse("meetings:meeting_detail", args=[item.meeting_id]) + "#agenda")


@require_POST
def agenda_item_defer(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = selectors.agenda_item_get(user=request.user, pk=item_pk)
    try:
        following = services.agenda_defer(item=item, user=request.user)
    except services.AgendaItemGone as gone:
        messages.warning(request, str(gone))
    except services.MeetingError as error:
        raise PermissionDenied(str(error)) from None
    else:
        messages.success(request, f"Case {item.case_id} deferred to {following}.")
    return redirect(reverse("meetings:meeting_detail", args=[item.meeting_id]) + "#agenda")


@require_GET
def meeting_mode(request: HttpRequest, pk: int) -> HttpResponse:
    """One agenda case at a time: stored result, discussion, decision; keys n/p move, d decides."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    items = selectors.agenda(user=request.user, meeting=meeting)
    if not items:
        messages.info(request, "The agenda is empty.")
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    wanted = request.GET.get("case", "")
    index = next((i for i, item in enumerate(items) if str(item.case_id) == wanted), 0)
    case = case_selectors.case_get_for_view(user=request.user, pk=items[index].case_id)
    context = {
        "meeting": meeting,
        "items": items,
        "index": index,
        "case": case,
        "pack": presenters.present_pack_page(case, timezone.now()),
        "comments": list(case.comments.select_related("author")),
        "previous": items[index - 1] if index > 0 else None,
        "next": items[index + 1] if index + 1 < len(items) else None,
        "missing": meeting.missing_for_quorum(),
    }
    return render(request, "meetings/meeting_mode.html", context)


# --- The outcome letter and actions -----------------------------------------------------------


@require_GET
def decision_letter(request: HttpRequest, decision_pk: int) -> HttpResponse:
    """The one-page outcome letter for the referring clinician and the notes (print to PDF from the browser)."""
    decision = selectors.decision_get_for_print(user=request.user, pk=decision_pk)
    record = selectors.decision_record(decision)
    context = {
        "decision": decision,
        "case": decision.case,
        "record": record,
        "attendance": presenters.present_attendance(selectors.decision_attendance([decision.pk]).get(decision.pk, [])),
        "actions": selectors.decision_actions([decision.pk]),
        "presented": presenters.present_decision(decision, is_current=not hasattr(decision, "superseded_by")),
        "budgets": presenters.present_letter_budgets(decision.case),
        "printed_at": timezone.now(),
    }
    return render(request, "meetings/decision_letter.html", context)


@require_POST
def action_done(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = selectors.action_get(user=request.user, pk=action_pk)
    services.action_tick(action=action, user=request.user)
    messages.success(request, "Action ticked off.")
    # Back to the page the form was on: a path on this site, or else the start page. redirect()
    # would read any other text as a URL name, and refuses a location over 16 KB.
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if target.startswith("/") and len(target) <= NEXT_MAX and safe:
        return HttpResponseRedirect(target)
    return redirect("home")


# --- Notifications -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first; POST marks them all read."""
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("meetings:notification_list")
    context = {"notifications": selectors.notifications_for(user=request.user)}
    return render(request, "meetings/notification_list.html", context)


@require_GET
@vary_on_headers("HX-Request")
def notification_count(request: HttpRequest) -> HttpResponse:
    """The unread badge of the navigation bar (polled with HTMX)."""
    return render(request, "meetings/_notification_badge.html", {"unread": selectors.unread_count(user=request.user)})


@require_GET
def delivery_failures(request: HttpRequest) -> HttpResponse:
    """Admins: notification e-mails not (yet) sent, with the error and the number of tries."""
    deliveries = selectors.failed_deliveries(user=request.user)[:200]
    return render(request, "meetings/delivery_failures.html", {"deliveries": deliveries})


# --- Follow-up and the clock (the case's owner) -----------------------------------------------


@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, pk: int, days: int) -> HttpResponse:
    case = case_selectors.case_get_owned(user=request.user, pk=pk)
    if days not in FOLLOW_UP_DAYS:
        raise Http404("No such follow-up")
    if case.status not in (CaseStatus.DECIDED, CaseStatus.CLOSED):
        raise PermissionDenied("Follow-up is recorded once the tumor board has decided.")
    existing = FollowUp.objects.filter(case=case, days=days).first()
    form = FollowUpForm(request.POST or None, instance=existing, window=selectors.follow_up_window(case, days))
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.follow_up_record(case=case, days=days, user=request.user, data=data)
        messages.success(request, f"{days}-day follow-up recorded.")
        return redirect(case)
    status = 422 if form.is_bound else 200
    case_selectors.case_shown(user=request.user, case=case)
    return render(request, "meetings/follow_up_form.html", {"case": case, "form": form, "days": days}, status=status)


@require_GET
def follow_up_worklist(request: HttpRequest) -> HttpResponse:
    """The owner's follow-ups that are due and not recorded."""
    return render(request, "meetings/follow_up_worklist.html", {"rows": selectors.follow_ups_due(user=request.user)})


@require_http_methods(["GET", "POST"])
def case_clock(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner records when the referral came and when the MRI was reported."""
    case = case_selectors.case_get_owned(user=request.user, pk=pk)
    clock = CaseClock.objects.filter(case=case).first()
    initial = (
        {"referral_received_at": clock.referral_received_at, "mri_report_at": clock.mri_report_at} if clock else {}
    )
    form = ClockForm(request.POST or None, initial=initial)
    if form.is_valid():
        services.clock_record(case=case, user=request.user, data=form.cleaned_data)
        messages.success(request, "Times recorded.")
        return redirect(case)
    status = 422 if form.is_bound else 200
    case_selectors.case_shown(user=request.user, case=case)
    return render(request, "meetings/clock_form.html", {"case": case, "form": form}, status=status)


# --- The network audit export --------------------------------------------------------------------


@require_GET
def audit_measures_csv(request: HttpRequest) -> HttpResponse:
    """The network audit measures per month, pathway and concordance (no patient data; docs/audit-measures.md)."""
    if not roles.is_board_member(request.user):
        raise Http404("No such page")
    return exports.audit_measures_csv()


@require_GET
def audit_dictionary_csv(request: HttpRequest) -> HttpResponse:
    """The data dictionary of the audit CSV: each column's heading, code, type and meaning."""
    if not roles.is_board_member(request.user):
        raise Http404("No such page")
    return exports.audit_dictionary_csv()
