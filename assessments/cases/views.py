"""The case pages: entry with its live result, save and edit, the lists, import and export, re-evaluation.

Short functions that call a selector or service and render. The case form view serves both the
full page and, for HTMX requests, the result panel partial (evaluated, never saved), varying on ``HX-Request``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts import roles
from assessments import presenters, rules
from assessments.cases import case_format, selectors, services, starts
from assessments.cases.forms import (
    AssessmentEntry,
    CaseFieldsForm,
    CaseImportForm,
    CaseSearchForm,
    PatientForm,
    PrognosisForm,
    SaveTokenForm,
    VersionForm,
)
from assessments.cases.posted import ADD_COURSE, added_course, posted_entries
from assessments.middleware import pop_stashed_entries
from assessments.models import Case, CaseStatus, WorkingCopy
from assessments.patients import selectors as patient_selectors
from assessments.patients import services as patient_services
from assessments.templatetags import live_update

CASE_FORM = "assessments/case_form.html"


def result_panel(entry: AssessmentEntry, held_back: list[dict[str, str]] | None = None) -> tuple[dict[str, Any], int]:
    """The result panel's context and status: 200 with a full result, 422 while incomplete or invalid.

    While incomplete, each lesion still shows what its findings so far give (SINS so far, grade) and the
    panel names what is missing; no pathway is ever shown from missing inputs, nor while ``held_back``
    names values still to be confirmed (a started case's proposed values).
    """
    if entry.is_valid() and not held_back:
        result_input = entry.to_case_input()
        result = rules.evaluate(result_input)
        panel = presenters.present_result(result.to_snapshot(), expected_survival=result_input.expected_survival)
        panel["hours_derived"] = entry.hours_derived
        return {"panel": panel, **_prognosis_form_context(entry.prognosis_form)}, 200
    lesions = []
    for item in entry.lesion_partials():
        given = item["components"]
        partial = rules.sins_partial(
            spinal_level=_enum_or_none(rules.SpinalLevel, given["spinal_level"]),
            sins_pain=_enum_or_none(rules.SinsPain, given["sins_pain"]),
            sins_bone_lesion=_enum_or_none(rules.SinsBoneLesion, given["sins_bone_lesion"]),
            sins_alignment=_enum_or_none(rules.SinsAlignment, given["sins_alignment"]),
            sins_collapse=_enum_or_none(rules.SinsCollapse, given["sins_collapse"]),
            sins_posterolateral=_enum_or_none(rules.SinsPosterolateral, given["sins_posterolateral"]),
        )
        lesions.append({**item, "spinal_level": given["spinal_level"], "partial": partial})
    panel = presenters.present_partial_lesions(lesions, [*entry.needed(), *(held_back or [])])
    return {"panel": panel, **_prognosis_form_context(entry.prognosis_form)}, 422


def _prognosis_form_context(prognosis_form: PrognosisForm) -> dict[str, Any]:
    """For the entries as typed (live update): the ECOG equivalent shown beside the Karnofsky
    box, and whether the primary site and growth are asked for."""
    data = prognosis_form.data if prognosis_form.is_bound else {}
    return {
        "karnofsky_ecog": presenters.karnofsky_ecog(data.get("karnofsky")),
        "prognosis_fields": presenters.prognosis_fields_shown(data),
    }


def _enum_or_none(enum: type, code: str | None) -> Any:
    return None if code is None else enum(code)


def _assessment_entry(data: Any, patient_form: PatientForm) -> AssessmentEntry:
    lost_at = patient_form.cleaned_data.get("ambulation_lost_at") if patient_form.is_valid() else None
    return AssessmentEntry(data, ambulation_lost_at=lost_at)


def _entries(request: HttpRequest, case: Case | None = None) -> tuple[Any, WorkingCopy | None]:
    """The POSTed entries; on a GET those kept when a save arrived after the session ended, else the
    user's working copy of this form (returned too, for the page to say it was restored).

    Each is brought to the forms' shape once, here (``posted_entries``: an older page's flat lesion
    as one card, removed cards dropped, and without JavaScript "Add a lesion" as one more empty card).
    """
    if request.method == "POST":
        return posted_entries(request.POST, add_lesion=_is_add_lesion(request), add_course=_added_course(request)), None
    restored = pop_stashed_entries(request)
    if restored is not None:
        messages.warning(request, "Your entries from before the session ended are back in the form. Not saved yet.")
        return posted_entries(restored), None
    copy = selectors.working_copy_get(user=request.user, case=case)
    if copy is not None:
        return posted_entries(copy.as_form_data()), copy
    return posted_entries(None), None


def _render_case_form(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    # HTMX gets the result panel plus an out-of-band summary for the sticky bar on small screens.
    template = CASE_FORM + ("#htmx-response" if request.htmx else "")
    if request.htmx:
        # The flowchart is a third of the partial; resend it only when the rule that fired changed.
        shown = request.POST.get("shown_flow_rule", "")
        context["flow_changed"] = shown != (context["panel"].get("pathway_rule") or "none")
        # And the parts the page already shows exactly as they would be sent stay as they are.
        context[live_update.SHOWN_PARTS] = live_update.shown_parts(request)
    else:
        context[live_update.SHOWN_PARTS] = {}  # the full page marks its parts for the first live update
        context |= _lesion_cards(context["assessment"], added=_is_add_lesion(request), course=_added_course(request))
    return TemplateResponse(request, template, context, status=status)


def _lesion_cards(entry: AssessmentEntry, *, added: bool = False, course: int | None = None) -> dict[str, Any]:
    """The lesion cards of a full page; a card or prior course just added does not show "required" yet.

    ``course`` is the card a prior course was just added to (its last entry is the one added).
    """
    cards = entry.cards(quiet=len(entry.lesions.forms) - 1 if added else None, quiet_course_on=course)
    return {
        "lesion_cards": cards,
        "empty_card": entry.empty_card(),
        "empty_course": entry.empty_course(),
        "max_lesions": rules.MAX_LESIONS,
        "max_courses": rules.MAX_COURSES,
    }


def _added_course(request: HttpRequest) -> int | None:
    """Without JavaScript, the card whose "Add a prior course" was pressed (None for any other request)."""
    if request.method != "POST" or request.htmx:
        return None
    return added_course(request.POST.get("action"))


def _is_add_lesion(request: HttpRequest) -> bool:
    return request.method == "POST" and not request.htmx and request.POST.get("action") == ADD_LESION


ADD_LESION = "add_lesion"


def _is_save(request: HttpRequest) -> bool:
    """A plain POST saves; an HTMX POST, "Update result", "Add a lesion" or "Add a prior course" only previews."""
    action = request.POST.get("action")
    return not request.htmx and action not in ("preview", ADD_LESION) and not str(action).startswith(ADD_COURSE)


def _form_status(request: HttpRequest, panel_status: int) -> int:
    if request.method != "POST":
        return 200
    if _is_save(request):
        return 422  # reached only when the save was refused for invalid input
    return panel_status


@never_cache  # Back re-asks the server, which puts the working copy back (or, after a save, an empty form)
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    """New case: GET the empty form (or the user's working copy, or a start's proposed values); HTMX POST
    previews; plain POST saves (PRG). A started case saves only once each proposed value is confirmed."""
    if not roles.is_clinician(request.user):
        raise Http404("Only clinicians create cases")
    save_form = SaveTokenForm(request.POST if request.method == "POST" else None)
    data, working_copy = _entries(request)
    key, start, data, working_copy = _started(request, data, working_copy)
    start_form = None if start is None else starts.CaseStartForm(data, start=start, key=key, entries=data)
    if data is not None:
        patient_form = PatientForm(data)
        entry = _assessment_entry(data, patient_form)
        valid = patient_form.is_valid() and entry.is_valid() and save_form.is_valid()
        valid = valid and (start_form is None or start_form.is_valid())
        if request.method == "POST" and _is_save(request) and valid:
            try:
                case = services.case_create(
                    owner=request.user,
                    patient=patient_form.cleaned_data,
                    assessment=entry.to_case_input(),
                    save_token=save_form.cleaned_data["save_token"],
                    started_from=start,
                )
            except (patient_services.PatientDetailsMismatch, patient_services.PatientCheckLimited) as refusal:
                patient_mismatch_errors(request.user, patient_form, refusal)  # the entries stay
            else:
                messages.success(request, "Case saved.")
                patient_attached_messages(request, case)
                if start is not None:
                    starts.start_forget(request.session, key)
                return redirect(case)
    elif start is not None:
        patient_form, entry = _started_forms(start)
    else:
        patient_form, entry = PatientForm(), AssessmentEntry(initial=CaseFieldsForm.site_defaults())
    # An empty form's panel is computed from the defaults, so they do not show as "still needed".
    held_back = start_form.unconfirmed() if start_form is not None else None
    panel, status = result_panel(entry if entry.is_bound else _unbound_entries(start, key), held_back)
    context = {
        "patient_form": patient_form,
        "assessment": entry,
        "prognosis_form": entry.prognosis_form,
        "save_form": save_form,
        "working_copy": working_copy,
        "working_copy_url": reverse("assessments:working_copy_new"),
        "start_form": start_form,
        **panel,
    }
    return _render_case_form(request, context, _form_status(request, status))


def _started(request: HttpRequest, data: Any, working_copy: WorkingCopy | None) -> tuple[str, Any, Any, Any]:
    """The start this form carries: named by the entries (``case_start``) or, when opened, by ``?start=``.

    Opening a start shows its proposed values, unless the working copy already holds this start's entries
    (a reload): then what was typed wins. A key the session does not hold is no start.
    """
    key = data.get(starts.START_FIELD) if data is not None else None
    opened = request.GET.get("start") if request.method == "GET" else None
    if opened and key != opened:
        key, data, working_copy = opened, None, None
    start = starts.start_read(request.session, key)
    return (key if start is not None else ""), start, data, working_copy


def _started_forms(start: starts.CaseStart) -> tuple[PatientForm, AssessmentEntry]:
    initial = {**CaseFieldsForm.site_defaults(), **start.case_initial()}
    return PatientForm(initial=start.patient_initial()), AssessmentEntry(
        initial=initial, lesions=start.lesions_initial()
    )


def _unbound_entries(start: starts.CaseStart | None, key: str) -> AssessmentEntry:
    if start is None:
        return AssessmentEntry(_default_entries())
    lost_at = start.patient_initial().get("ambulation_lost_at")
    return AssessmentEntry(start.entries(key), ambulation_lost_at=lost_at)


def _default_entries() -> dict[str, str]:
    """An empty page as form data: the site defaults and one card at its default stability assessment."""
    return {
        **CaseFieldsForm.site_defaults(),
        **case_format.lesion_form_data([{"stability_assessment": rules.StabilityAssessment.NOT_ASSESSED.value}]),
    }


@never_cache
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft case; a save based on an older version, or of a case sent to the board meanwhile, is 409."""
    case = selectors.case_get_editable(user=request.user, pk=pk)  # owner or care team
    if not case.is_editable and request.method != "POST":
        raise PermissionDenied("This case is with the tumor board and is read-only until they return it.")
    save_form = SaveTokenForm(request.POST if request.method == "POST" else None)
    data, working_copy = _entries(request, case)
    if data is None:
        patient_form = PatientForm(instance=case)
        entry = AssessmentEntry(initial=_saved_entries(case), lesions=case.stored_lesions())
        version_form = VersionForm(initial={"version": case.version})
        return _case_edit_response(request, case, patient_form, entry, version_form, save_form=save_form)
    patient_form = PatientForm(data, instance=case)
    entry = _assessment_entry(data, patient_form)
    version_form = VersionForm(data)
    # A POST of a case submitted since the form was opened (another tab) keeps the entries and says why.
    conflict, read_only, handed_over = None, not case.is_editable, False
    valid = patient_form.is_valid() and entry.is_valid() and version_form.is_valid()
    valid = valid and save_form.is_valid()
    if request.method == "POST" and _is_save(request) and valid and not read_only:
        try:
            case = services.case_update(
                case_id=case.pk,
                editor=request.user,
                based_on_version=version_form.cleaned_data["version"],
                patient=patient_form.cleaned_data,
                assessment=entry.to_case_input(),
                save_token=save_form.cleaned_data["save_token"],
            )
        except services.StaleVersionError as stale:
            conflict = stale.current
        except (patient_services.PatientDetailsMismatch, patient_services.PatientCheckLimited) as refusal:
            patient_mismatch_errors(request.user, patient_form, refusal)  # the entries stay
        except services.CaseStateError:
            read_only = True  # submitted between our read and the service's locked re-read
        except services.NoLongerEditorError as moved:
            case, read_only, handed_over = moved.current, True, True  # handed over meanwhile; entries stay
        else:
            messages.success(request, f"Case saved (version {case.version}).")
            return redirect(case)
    return _case_edit_response(
        request, case, patient_form, entry, version_form, conflict, read_only, save_form=save_form,
        handed_over=handed_over,
        working_copy=working_copy,
    )  # fmt: skip


def _saved_entries(case: Case) -> dict[str, str]:
    """The saved assessment as form data; hours since loss of ambulation are counted anew from its time."""
    entries = case_format.to_form_data(case_format.export_case(case))
    if case.ambulation_lost_at is not None:
        entries["hours_nonambulatory"] = ""
    return entries


def _case_edit_response(
    request, case, patient_form, entry, version_form, conflict=None, read_only=False, save_form=None,
    handed_over=False, working_copy=None,
) -> HttpResponse:  # fmt: skip
    if conflict is not None:
        # The user's entries stay in the form; the form now carries the newer version so that a
        # second save, after review, is a deliberate choice rather than a silent overwrite.
        version_form = VersionForm(initial={"version": conflict.version})
    if not entry.is_bound:
        panel, status = result_panel(AssessmentEntry(_saved_entries(case), ambulation_lost_at=case.ambulation_lost_at))
    else:
        panel, status = result_panel(entry)
    context = {
        "case": case,
        "patient_form": patient_form,
        "assessment": entry,
        "prognosis_form": entry.prognosis_form,
        "version_form": version_form,
        "save_form": save_form,
        "conflict": conflict,
        "conflict_changes": _differences(conflict, patient_form, entry) if conflict else [],
        "read_only": read_only,
        "handed_over": handed_over,
        "working_copy": working_copy,
        "working_copy_url": reverse("assessments:working_copy", args=[case.pk]),
        **panel,
    }
    refused = conflict is not None or (read_only and _is_save(request))
    if not request.htmx:  # the live result panel belongs to a page already recorded
        selectors.case_shown(user=request.user, case=case)
    return _render_case_form(request, context, 409 if refused else _form_status(request, status))


def _differences(saved: Case, patient_form: PatientForm, entry: AssessmentEntry) -> list[dict[str, Any]]:
    """Fields where the user's entries differ from the newer saved version (each lesion's fields too)."""
    mine = {**getattr(patient_form, "cleaned_data", {}), **entry.cleaned_values()}
    return presenters.present_differences(saved, mine)


CASE_QUERY_KEY = "escc_case_query"


@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest) -> HttpResponse:
    """The clinician's cases, newest first, searchable and filterable, 25 a page.

    The name/MRN search is POSTed and kept in the session, never put in a URL, so
    patient identifiers stay out of access logs, browser history and Referer headers.
    """
    search = CaseSearchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and search.is_valid():
        request.session[CASE_QUERY_KEY] = search.cleaned_data["q"]
        # Only values a filter takes go into the URL: the GET ignores any other, and a long one
        # would make a redirect Django refuses.
        allowed = {"status": set(CaseStatus.values), "urgency": {u.value for u in rules.Urgency}}
        filters = {name: value for name in allowed if (value := request.POST.get(name, "")) in allowed[name]}
        return redirect(reverse("assessments:case_list") + (f"?{urlencode(filters)}" if filters else ""))
    query = request.session.get(CASE_QUERY_KEY, "")
    if not search.is_bound:
        search = CaseSearchForm(initial={"q": query})
    status = request.GET.get("status", "")
    urgency = request.GET.get("urgency", "")
    status = status if status in CaseStatus.values else ""
    urgency = urgency if urgency in {u.value for u in rules.Urgency} else ""
    discarded = request.GET.get("discarded") == "1"
    page, offered = selectors.case_list_page(
        user=request.user, page=request.GET.get("page"), query=query, status=status, urgency=urgency,
        discarded=discarded,
    )  # fmt: skip
    return TemplateResponse(
        request,
        "assessments/case_list.html",
        {
            "page": page,
            "handovers_offered": offered,
            "discarded": discarded,
            "query": query,
            "search": search,
            "status": status,
            "urgency": urgency,
            "statuses": CaseStatus.choices,
            "urgencies": presenters.urgency_choices(),
        },
        status=422 if search.errors else 200,
    )


@require_GET
def case_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Download one case in the case-file format."""
    case = selectors.case_get_for_export(user=request.user, pk=pk)
    data = case_format.export_case(case, now=timezone.now())
    response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="case-{case.pk}.json"'
    return response


@require_http_methods(["GET", "POST"])
def case_import(request: HttpRequest) -> HttpResponse:
    """Upload a case file: validated by the same form, then shown pre-filled for the patient details."""
    if not roles.is_clinician(request.user):
        raise Http404("Only clinicians import cases")
    form = CaseImportForm(request.POST or None, request.FILES or None)
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"]
        _, errors = case_format.validate_case(data)
        if not errors:
            services.case_import_record(user=request.user)
            entry = _imported_entry(request, data)
            panel, _ = result_panel(entry)
            messages.info(request, "Case file read. Add the patient's details, check the findings, then save.")
            # The pre-filled form is a new case: it saves (and previews) through case_create, not here.
            context = {
                "patient_form": PatientForm(initial=case_format.record_initial(data)),
                "assessment": entry,
                "prognosis_form": entry.prognosis_form,
                "form_action": reverse("assessments:case_create"),
                "save_form": SaveTokenForm(),  # a repeated save of the imported case stores it once
                "working_copy_url": reverse("assessments:working_copy_new"),  # kept as a new case's entries
                **panel,
                **_lesion_cards(entry),
            }
            return render(request, CASE_FORM, context)
    status = 422 if request.method == "POST" else 200
    return render(request, "assessments/case_import.html", {"form": form, "errors": errors}, status=status)


def _imported_entry(request: HttpRequest, data: dict[str, Any]) -> AssessmentEntry:
    """A read case file as the form's assessment, hours since loss of ambulation counted to now.

    With the time walking was lost in the file's record, the hours are counted from it at this
    import, never taken as written; without it, the file's hours stand, and the page says when
    they were counted, if the file says so.
    """
    entries = case_format.to_form_data(data)
    times = case_format.record_times(data)
    lost = times.get("ambulation_lost_at")
    written = times.get("exported_at")
    if "evaluated_at" in times:
        messages.info(
            request,
            f"The file's result was evaluated on {timezone.localtime(times['evaluated_at']):%d/%m/%Y at %H:%M}; "
            "the result shown here is evaluated now.",
        )
    if lost is not None and data.get("motor_status") in rules.NOT_AMBULATORY:
        entries["hours_nonambulatory"] = ""
        entry = AssessmentEntry(entries, ambulation_lost_at=lost)
        if entry.is_valid():
            messages.info(
                request,
                f"Hours since loss of ambulation counted again from the time walking was lost "
                f"({timezone.localtime(lost):%d/%m/%Y %H:%M}): {entry.to_case_input().hours_nonambulatory} hours now"
                + (
                    f"; the file said {data['hours_nonambulatory']} hours."
                    if data.get("hours_nonambulatory") is not None
                    else "."
                ),
            )
        return entry
    if data.get("hours_nonambulatory") is not None:
        when = (
            f"when the file was written ({timezone.localtime(written):%d/%m/%Y %H:%M})"
            if written
            else "when the file was written"
        )
        messages.warning(
            request,
            f"The file gives {data['hours_nonambulatory']} hours since loss of ambulation, counted {when}, "
            "without the time walking was lost: enter that time so the hours are counted to now.",
        )
    return AssessmentEntry(entries)


@require_POST
def case_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner discards a draft: hidden from My cases, kept and audited, restorable."""
    case = selectors.case_get_owned(user=request.user, pk=pk)
    if not case.is_editable:
        raise PermissionDenied("Only a draft can be discarded.")
    services.case_discard(case=case, user=request.user)
    messages.success(request, f"Draft {case.pk} discarded. Find it under Discarded drafts to restore it.")
    return redirect("assessments:case_list")


@require_POST
def case_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner brings a discarded draft back to My cases."""
    case = selectors.case_get_owned(user=request.user, pk=pk)
    if case.discarded_at is None:
        raise PermissionDenied("This case is not discarded.")
    services.case_restore(case=case, user=request.user)
    messages.success(request, "Draft restored.")
    return redirect(case)


@require_http_methods(["GET", "POST"])
def case_reevaluate(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner re-evaluates a draft saved under an earlier rule set: GET shows what changes, POST saves.

    Nothing is saved on GET; the POST names the version the differences were shown for, so a
    version saved meanwhile (another tab) is refused with 409 rather than re-evaluated unseen.
    """
    case = selectors.case_get_owned(user=request.user, pk=pk)
    version_form = VersionForm(request.POST if request.method == "POST" else None, initial={"version": case.version})
    status, refused = 200, ""
    if request.method == "POST" and version_form.is_valid():
        try:
            case = services.case_reevaluate(
                case_id=case.pk,
                editor=request.user,
                based_on_version=version_form.cleaned_data["version"],
            )
        except services.StaleVersionError as stale:
            case, status = stale.current, 409
            refused = f"Not saved: version {case.version} was saved meanwhile. Review the differences again."
            version_form = VersionForm(initial={"version": case.version})
        except services.CaseStateError as error:
            case, status, refused = Case.objects.get(pk=case.pk), 409, f"Not saved: {error}"
        else:
            messages.success(request, f"Re-evaluated under rule set {case.rule_set} (version {case.version}).")
            return redirect(case)
    new = selectors.case_reevaluation_preview(case=case)
    contradiction = presenters.present_contradiction(new) if isinstance(new, rules.InputError) else None
    context = {
        "case": case,
        "allowed": contradiction is None and selectors.case_can_reevaluate(user=request.user, case=case),
        "contradiction": contradiction,
        "stored": presenters.present_rule_set(case.rule_set),
        "to_rule_set": rules.RULE_SET,
        "version_form": version_form,
        "refused": refused,
    }
    if contradiction is None:
        context["diff"] = presenters.present_reevaluation(case.result, new)
        context["panel"] = presenters.present_result(new, expected_survival=case.expected_survival)
    selectors.case_shown(user=request.user, case=case)
    return TemplateResponse(request, "assessments/case_reevaluate.html", context, status=status)


PATIENT_CHECK_ADVICE = (
    "Check the MRN, name, date of birth and sex against the hospital record (the wristband or the patient "
    "administration system). If you have access to this patient, open their record to compare. Everything "
    "you typed is kept."
)


def patient_mismatch_errors(
    user: Any,
    patient_form: PatientForm,
    refusal: patient_services.PatientDetailsMismatch | patient_services.PatientCheckLimited,
) -> None:
    """Put a refused save's reason on the form, saying which details differ only to a user who may see the patient.

    Anyone else is told that the details, as a group, do not match, never which one: a refusal per
    field would let them find the record's birth date and sex by trying (and their tries are limited).
    """
    if isinstance(refusal, patient_services.PatientCheckLimited):
        retry = timezone.localtime(refusal.retry_at).strftime("%H:%M")
        patient_form.add_error(
            "mrn",
            f"{patient_form['mrn'].label}: not checked, too many saves with details that did not match. "
            f"Try at {retry}.",
        )
        patient_form.add_error(
            None,
            "Not saved: several saves in the last minutes named a hospital number with details that did not "
            f"match its patient record, so this one was not checked. Try again after {retry}. {PATIENT_CHECK_ADVICE}",
        )
        return
    if not refusal.visible:
        patient_form.add_error(
            "mrn",
            f"{patient_form['mrn'].label}: this hospital number is registered to a patient whose name, date of birth "
            "or sex differ from those typed here.",
        )
        patient_form.add_error(
            None,
            "Not saved: the patient details (name, date of birth, sex) do not match the patient record for this "
            f"hospital number. {PATIENT_CHECK_ADVICE}",
        )
        return
    # The user may see the patient (and read these details on the patient's page): say which differ.
    patient = patient_selectors.patient_shown(user=user, patient=refusal.patient)
    stored = {"patient_name": patient.name, "date_of_birth": patient.date_of_birth, "sex": patient.get_sex_display()}
    for name in refusal.fields:
        shown = stored[name].strftime("%d/%m/%Y") if name == "date_of_birth" else stored[name]
        patient_form.add_error(name, f"{patient_form[name].label}: the patient record for this MRN has {shown!s}.")
    patient_form.add_error(
        None,
        "Not saved: this hospital number is already registered with other details. Check the MRN and the "
        "patient's identity; the stored record is never overwritten from a new case. If the record is wrong, "
        "correct it by editing one of the patient's episodes.",
    )


def patient_attached_messages(request: HttpRequest, case: Case) -> None:
    """Say that a saved case joined an existing patient, and that episodes not shared with the user exist (audited)."""
    summary = patient_selectors.patient_episode_summary(user=request.user, case=case)
    hidden = summary["hidden"]
    if not (summary["others"] or hidden["count"]):
        return
    earlier = summary["others"] + hidden["count"]
    messages.info(
        request,
        f"Attached to the existing patient record for MRN {case.patient.mrn}: "
        f"{earlier} other episode{'s' if earlier != 1 else ''}. See the patient record below.",
    )
    if hidden["count"]:
        patient_services.patient_hidden_episodes_disclose(user=request.user, patient=case.patient, hidden=hidden)
        holders = ", ".join(hidden["owners"])
        teams = f"; or a member of {', '.join(hidden['teams'])}" if hidden["teams"] else ""
        messages.warning(
            request,
            f"{hidden['count']} of them {'is' if hidden['count'] == 1 else 'are'} not shared with you. "
            f"Who can share {'it' if hidden['count'] == 1 else 'them'}: {holders}{teams}.",
        )


@require_POST
def working_copy_save(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Keep the open form's entries as the user's working copy (HTMX, a moment after they stop typing).

    Answers the line that says when they were last kept; nothing is kept for a case that went to the
    board meanwhile (it is read-only), and the answer says so.
    """
    case = _working_copy_case(request, pk)
    if case is not None and not case.is_editable:
        return render(request, WORKING_COPY_STATUS, {"read_only": True})
    entries = {key: request.POST.getlist(key) for key in request.POST}
    unstorable = sorted(key for key, values in entries.items() if any("\x00" in v for v in [key, *values]))
    if unstorable:
        # A NUL character cannot be stored (PostgreSQL refuses it); keep nothing and say which entry holds it.
        refusal = {"refused": f"Not kept: {unstorable[0]} holds a character that cannot be stored."}
        return render(request, WORKING_COPY_STATUS, refusal, status=400)
    copy = services.working_copy_save(user=request.user, case=case, entries=entries)
    return render(request, WORKING_COPY_STATUS, {"working_copy": copy})


WORKING_COPY_STATUS = "assessments/_working_copy_status.html"


@require_POST
def working_copy_discard(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Throw away the entries brought back from the working copy and open the form as saved (or empty)."""
    case = _working_copy_case(request, pk)
    if services.working_copy_discard(user=request.user, case=case):
        messages.info(request, "Unsaved entries discarded.")
    return redirect(reverse("assessments:case_create") if case is None else reverse("assessments:case_edit", args=[pk]))


def _working_copy_case(request: HttpRequest, pk: int | None) -> Case | None:
    """The case a working copy belongs to, if the user may edit it (404 otherwise); None for a new case."""
    if pk is None:
        if not roles.is_clinician(request.user):
            raise Http404("Only clinicians create cases")
        return None
    return selectors.case_get_editable(user=request.user, pk=pk)
