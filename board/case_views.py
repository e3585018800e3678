"""The board's work on a case (submit, discuss, return, decide, correct, close) and the queue, pack, CSV and dashboard.

The case page (``case_detail``) lives here too: it is the board's review page
(``board_review``) as well as the clinician's, and shows the stored assessment,
history, discussion, decisions and the actions the user's role allows
(``board.selectors.case_board_context``), so it sits where it may read both the
cases and the board.

Access (docs/decisions/0003-board-access.md): 404 for a case the user may not
see and for a page or action their role does not have; 403, with the reason,
for an action on a case they may act on whose status forbids it (as ``case_edit``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import roles
from assessments import presenters as case_presenters
from assessments.access import cases_visible_to
from assessments.cases import input_rows
from assessments.cases import selectors as case_selectors
from assessments.models import BoardDecision, Case, CaseStatus
from board import charts, exports, presenters, selectors, services
from board.case_forms import (
    PACK_MAX,
    CloseForm,
    CommentForm,
    CorrectionForm,
    DashboardWindowForm,
    DecisionForm,
    PackForm,
    QueueFilterForm,
    ReturnForm,
    SubmitToBoardForm,
    TreatmentStartForm,
)
from board.forms import ActionFormSet, DecisionExtrasForm, actions_from
from board.models import Meeting

ACTION_PAGE = "assessments/board_action.html"
# Each exported row is an audit entry; a queue this long should be filtered first.
CSV_MAX_ROWS = 1000


def _require_board(request: HttpRequest) -> None:
    if not roles.is_board_member(request.user):
        raise Http404("No such page")


def _board_case(request: HttpRequest, pk: int) -> Case:
    """The case for a board action: 404 unless the user is a board member who may see it."""
    _require_board(request)
    return case_selectors.case_get_visible(user=request.user, pk=pk)


def _action_page(request: HttpRequest, case: Case, form: Any, **context: Any) -> HttpResponse:
    """The form of an action on ``case``, which names its patient: first shown, or again with its errors."""
    status = 422 if form.is_bound else 200
    case_selectors.case_shown(user=request.user, case=case)
    return TemplateResponse(request, ACTION_PAGE, {"case": case, "form": form, **context}, status=status)


# --- The case page ---


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The saved case as the clinician saw it: stored result, rationale, history."""
    case = case_selectors.case_get_for_view(user=request.user, pk=pk)
    result_now = case_selectors.case_result_now(case=case)
    board_context = selectors.case_board_context(user=request.user, case=case)
    panel = case_presenters.present_result(
        result_now or case_selectors.case_stored_result(case=case), expected_survival=case.expected_survival
    )
    origin = case_presenters.present_origin(case)
    if origin is not None:
        panel = case_presenters.with_origin_steroids(panel, origin["steroid_started_at"])
    return TemplateResponse(
        request,
        "assessments/case_detail.html",
        {
            "case": case,
            "panel": panel,
            "origin": origin,
            "summary_text": case_presenters.case_summary_text(case=case, panel=panel),
            "evaluated_now": result_now is not None,
            "inputs": input_rows.present_inputs(case),
            "lesion_inputs": input_rows.present_lesion_inputs(case),
            "prognosis_inputs": case_presenters.present_prognosis_inputs(case),
            "can_reevaluate": case_selectors.case_can_reevaluate(user=request.user, case=case),
            "versions": case_presenters.present_versions(case_selectors.case_versions(case=case)),
            "can_edit": case_selectors.case_may_edit(user=request.user, case=case),
            **board_context,
            "comment_form": CommentForm() if board_context["can_comment"] else None,
            **case_selectors.case_team_context(user=request.user, case=case),
        },
    )


# --- The clinician's side -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner sends a draft to the board with a question (and a meeting date if known)."""
    case = case_selectors.case_get_owned(user=request.user, pk=pk)
    if case.status != CaseStatus.DRAFT:
        raise PermissionDenied("This case is already with the tumor board or decided.")
    initial = {"question": case.board_question, "meeting_date": case.meeting_date}
    form = SubmitToBoardForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.case_submit_to_board(case=case, user=request.user, **form.cleaned_data)
        except services.CaseStateError as error:
            raise PermissionDenied(str(error)) from None
        messages.success(request, "Submitted to the tumor board. The case is read-only until the board answers.")
        return redirect(case)
    return _action_page(
        request, case, form, title="Submit to the tumor board", submit_label="Submit to the tumor board"
    )


@require_http_methods(["GET", "POST"])
def case_treatment_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner records when treatment started after the board's decision (measured against 24 h)."""
    case = case_selectors.case_get_owned(user=request.user, pk=pk)
    if case.status != CaseStatus.DECIDED:
        raise PermissionDenied("Treatment start is recorded once the tumor board has decided.")
    form = TreatmentStartForm(
        request.POST or None, initial={"treatment_start_at": case.treatment_start_at}, decided_at=case.decided_at
    )
    if form.is_valid():
        services.case_treatment_start_record(
            case=case, user=request.user, started_at=form.cleaned_data["treatment_start_at"]
        )
        messages.success(request, "Treatment start recorded.")
        return redirect(case)
    return _action_page(request, case, form, title="Record treatment start", submit_label="Save")


@require_http_methods(["GET", "POST"])
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner closes a decided case: after treatment start, or with a reason."""
    case = case_selectors.case_get_owned(user=request.user, pk=pk)
    if case.status != CaseStatus.DECIDED:
        raise PermissionDenied("Only a case the board has decided can be closed.")
    form = CloseForm(request.POST or None, treatment_started=case.treatment_start_at is not None)
    if form.is_valid():
        services.case_close(case=case, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "Case closed.")
        return redirect(case)
    return _action_page(request, case, form, title="Close the case", submit_label="Close the case")


# --- Actions of the board on one case -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Add to the board discussion (the case page has the same form inline)."""
    case = _board_case(request, pk)
    form = CommentForm(request.POST or None)
    if form.is_valid():
        try:
            services.case_comment_add(case=case, author=request.user, text=form.cleaned_data["text"])
        except services.CaseStateError as error:
            raise PermissionDenied(str(error)) from None
        return redirect(reverse("assessments:case_detail", args=[case.pk]) + "#discussion")
    return _action_page(request, case, form, title="Comment", submit_label="Add comment")


@require_http_methods(["GET", "POST"])
def case_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a submitted case back to its clinician as a draft, with what the board needs."""
    case = _board_case(request, pk)
    if case.status != CaseStatus.SUBMITTED:
        raise PermissionDenied("Only a case waiting for the board can be returned.")
    form = ReturnForm(request.POST or None)
    if form.is_valid():
        returned_at = timezone.now()
        try:
            services.case_return_to_clinician(case=case, user=request.user, comment=form.cleaned_data["text"])
        except services.CaseStateError as error:
            raise PermissionDenied(str(error)) from None
        messages.success(request, "Returned to the clinician for more information.")
        for name in selectors.not_emailed(case=case, since=returned_at):
            messages.warning(request, f"No e-mail sent to {name}: no e-mail address. They see it in the app.")
        return redirect("assessments:board_queue")
    return _action_page(request, case, form, title="Return to the clinician", submit_label="Return to clinician")


@require_http_methods(["GET", "POST"])
def board_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record and sign the board's decision on a submitted case."""
    case = _board_case(request, pk)
    if case.status != CaseStatus.SUBMITTED:
        raise PermissionDenied("This case is not waiting for a decision; correct the signed decision instead.")
    # A decision is signed at or after its meeting: a planned date still ahead starts as today.
    meeting_date = min(case.meeting_date or timezone.localdate(), timezone.localdate())
    initial = {"meeting_date": meeting_date, "attendees": initial_attendees(request, case)}
    form = DecisionForm(request.POST or None, initial=initial, recommended_code=case.pathway_code)
    extras = DecisionExtras(request, case)
    if form.is_valid() and extras.is_valid():
        return _sign(request, case, form.cleaned_data, supersedes=None, extras=extras)
    return _decision_page(request, case, form, title="Record the board's decision", extras=extras)


@require_http_methods(["GET", "POST"])
def board_decision_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a signed decision: a new signed decision that supersedes it (the old one stays as it was)."""
    _require_board(request)
    visible = cases_visible_to(request.user)
    decision = (
        BoardDecision.objects.filter(pk=pk, case__in=visible)
        .select_related("case", "case__owner", "case__patient")
        .first()
    )
    if decision is None:
        raise Http404("No such decision")
    if BoardDecision.objects.filter(supersedes=decision).exists():
        raise PermissionDenied("This decision has already been corrected; correct the current one.")
    initial = {
        field: getattr(decision, field)
        for field in ("pathway_code", "other_pathway_text", "reason", "attendees", "meeting_date")
    }
    form = CorrectionForm(request.POST or None, initial=initial, recommended_code=decision.case.pathway_code)
    extras = DecisionExtras(request, decision.case)
    if form.is_valid() and extras.is_valid():
        return _sign(request, decision.case, form.cleaned_data, supersedes=decision, extras=extras)
    return _decision_page(
        request, decision.case, form, title="Correct the signed decision", corrects=decision, extras=extras
    )


def _decision_page(request: HttpRequest, case: Case, form: DecisionForm, **context: Any) -> HttpResponse:
    return _action_page(
        request,
        case,
        form,
        submit_label="Sign decision",
        recommended=case_presenters.pathway_title(case.pathway_code, case.pathway_rule),
        decision_form=True,
        **context,
    )


def _sign(
    request: HttpRequest, case: Case, data: dict[str, Any], *, supersedes: BoardDecision | None, extras: DecisionExtras
) -> HttpResponse:
    try:
        # The plan, actions and meeting link are written in the signing transaction.
        with transaction.atomic():
            decision = services.board_decision_record(
                case=case,
                signed_by=request.user,
                meeting_date=data["meeting_date"],
                pathway_code=data["pathway_code"],
                other_pathway_text=data["other_pathway_text"],
                reason=data["reason"],
                attendees=data["attendees"],
                supersedes=supersedes,
                correction_reason=data.get("correction_reason", ""),
            )
            extras.record(decision=decision, signed_by=request.user)
    except services.CaseStateError as error:
        raise PermissionDenied(str(error)) from None
    messages.success(request, "Decision corrected and signed." if supersedes else "Decision signed.")
    unsent = selectors.not_emailed(case=case, since=decision.signed_at)
    if unsent:
        messages.warning(request, f"No e-mail sent to {', '.join(unsent)}: no e-mail address. They see it in the app.")
    return redirect(extras.redirect_url(case) or reverse("assessments:case_detail", args=[case.pk]) + "#decisions")


class DecisionExtras:
    """The meeting, plan and actions posted with a decision, validated with it and recorded in its transaction."""

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
    return services.attendees_text(meeting=meeting) if meeting else ""


# --- Board pages ----------------------------------------------------------------------------


@require_GET
def board_queue(request: HttpRequest) -> HttpResponse:
    """Submitted cases, emergency first then longest waiting, with the time since MRI flagged past 24 h."""
    _require_board(request)
    form = QueueFilterForm(request.GET)
    page = selectors.board_queue_page(user=request.user, page=request.GET.get("page"), **form.filters())
    now = timezone.now()
    rows = [presenters.present_queue_row(case, now) for case in page.object_list]
    return TemplateResponse(request, "assessments/board_queue.html", {"form": form, "page": page, "rows": rows})


@require_GET
def board_queue_csv(request: HttpRequest) -> HttpResponse:
    """The queue with its current filters as CSV (UTF-8, header row, formulas neutralised); each row audited."""
    _require_board(request)
    filters = QueueFilterForm(request.GET).filters()
    cases = selectors.board_queue_for_export(user=request.user, limit=CSV_MAX_ROWS, **filters)
    if cases is None:
        messages.error(request, f"More than {CSV_MAX_ROWS} cases match: narrow the filters to export.")
        return redirect(reverse("assessments:board_queue") + "?" + request.GET.urlencode())
    return exports.board_queue_csv(cases=cases, now=timezone.now())


@require_GET
def board_pack(request: HttpRequest) -> HttpResponse:
    """The meeting pack: one printed page per case, for the chosen cases or a meeting date; each audited."""
    _require_board(request)
    form = PackForm(request.GET)
    if not form.is_valid():
        return render(request, "assessments/board_pack.html", {"form": form, "packs": []}, status=422)
    ids, meeting_date = form.cleaned_data["case"], form.cleaned_data["meeting_date"]
    cases = selectors.board_pack_cases(
        user=request.user, case_ids=ids, meeting_date=None if ids else meeting_date, limit=PACK_MAX
    )
    if len(cases) > PACK_MAX:
        form.add_error(None, f"More than {PACK_MAX} cases for this meeting: choose the cases in the queue.")
        return render(request, "assessments/board_pack.html", {"form": form, "packs": []}, status=422)
    now = timezone.now()
    packs = [presenters.present_pack_page(case, now) for case in cases]
    context = {
        "form": form,
        "packs": packs,
        "meeting_date": None if ids else meeting_date,
        "left_out": len(ids) - len(cases) if ids else 0,
        "printed_at": now,
    }
    return render(request, "assessments/board_pack.html", context)


@require_GET
def board_dashboard(request: HttpRequest) -> HttpResponse:
    """Decisions per month, concordance, times against the 24 h targets, pathways chosen."""
    _require_board(request)
    months = DashboardWindowForm(request.GET).window_months()
    form = DashboardWindowForm(initial={"months": months})  # shows the period in use, also the default
    today = timezone.localdate()
    since_date = presenters.months_back(today, months)
    since = timezone.make_aware(datetime.datetime.combine(since_date, datetime.time.min))
    metrics = selectors.board_quality(user=request.user, since=since)
    dashboard = charts.present_dashboard(metrics, since=since_date, today=today)
    return render(
        request,
        "assessments/board_dashboard.html",
        {"form": form, "months": months, "since": since_date, "dashboard": dashboard},
    )
