"""One place that writes ``case.view``: every page that shows a patient's identifiers.

Pages are ``TemplateResponse``s, so before they are rendered this middleware
sees what they are about to show: a ``Case`` in the context (the case page, the
edit form, the board's comment/return/decide/correct forms), or a page or list
of cases (My cases, home, the board queue). A ``Patient`` in the context (the
patient page) writes ``patient.view`` as well. It appends one ``case.view`` entry
per case shown, in one INSERT (``audit_record_many``), so a list page costs the
same few queries however many cases it shows. Not recorded: HTMX partials (the
live result panel of a page whose load was recorded), redirects and error pages
(nothing shown). Downloads and printouts write their own ``case.export`` and
``case.print``. tests/test_audit.py walks every patient page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from assessments.models import Case, CaseHandover, Patient
from audit.services import audit_record_many

SHOWN = {200, 409, 422}  # the page, a save conflict, a form with its errors: all show the case


class CaseViewAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_template_response(self, request: HttpRequest, response: TemplateResponse) -> TemplateResponse:
        if response.status_code not in SHOWN or not request.user.is_authenticated:
            return response
        if "#" in str(response.template_name):  # a partial of a page already recorded
            return response
        cases = cases_shown(response.context_data or {})
        if cases:
            audit_record_many(action="case.view", actor=request.user, targets=cases)
        patients = patients_shown(response.context_data or {})  # issue 13a: the patient page
        if patients:
            audit_record_many(action="patient.view", actor=request.user, targets=patients)
        return response


def cases_shown(context: dict[str, Any]) -> list[Case]:
    """The cases a page's context holds, each once, in the order shown."""
    found: dict[int, Case] = {}
    for value in context.values():
        for case in _cases_in(value):
            found.setdefault(case.pk, case)
    return list(found.values())


def _cases_in(value: Any) -> Iterable[Case]:
    if isinstance(value, Case):
        return [value]
    if isinstance(value, Page):
        value = value.object_list
    if isinstance(value, QuerySet) and value.model is Case:
        return list(value)  # the template reuses this result: no second query
    if isinstance(value, list | tuple):
        # A handover offer names its case's patient (My cases lists those waiting for the user).
        return [item.case if isinstance(item, CaseHandover) else item for item in value
                if isinstance(item, Case | CaseHandover)]  # fmt: skip
    return []


def patients_shown(context: dict[str, Any]) -> list[Patient]:
    """The patient records a page's context holds (the patient page), each once."""
    return [value for value in context.values() if isinstance(value, Patient)]
