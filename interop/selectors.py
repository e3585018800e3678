"""The reads behind a FHIR export: a download scoped to the user (404 otherwise) and the batch, each recorded."""

from __future__ import annotations

from django.contrib.auth.models import User

from assessments.access import reads_record
from assessments.cases.selectors import case_get_visible
from assessments.models import Case
from audit.services import audit_record_many
from interop.bundle import CaseRecord, case_record, refusal


def case_get_for_fhir(*, user: User, pk: int, identifiers: bool) -> tuple[CaseRecord | None, str | None]:
    """The case's record for the FHIR export, or (None, why) for a case that cannot be exported.

    A case ``user`` may not read is a 404. An export is recorded as ``case.export`` (format ``fhir``);
    with the patient's identifiers it is a ``patient.view`` of the patient as well.
    """
    case = case_get_visible(user=user, pk=pk)
    message = refusal(case)
    if message:
        return None, message
    reads_record(
        user=user,
        cases=[case],
        patients=[case.patient] if identifiers else [],
        action="case.export",
        details={"format": "fhir", "identifiers": identifiers},
    )
    return case_record(case), None


COMMAND = "manage.py export_fhir"


def cases_for_batch(*, pks: list[int] | None) -> tuple[list[Case], list[int]]:
    """The cases a batch export names (``None``: every case not discarded), and the ids that do not exist."""
    cases = Case.objects.select_related("patient", "owner").order_by("pk")
    if pks is None:
        return list(cases.filter(discarded_at__isnull=True)), []
    found = {case.pk: case for case in cases.filter(pk__in=pks)}
    return [found[pk] for pk in pks if pk in found], [pk for pk in pks if pk not in found]


def batch_export_record(*, cases: list[Case], identifiers: bool) -> list[CaseRecord]:
    """Record a batch export (``case.export`` by the command; ``patient.view`` too with identifiers), read each case."""
    if cases:
        details = {"format": "fhir", "identifiers": identifiers}
        audit_record_many(action="case.export", targets=list(cases), actor_username=COMMAND, details=details)
        if identifiers:
            people = list({case.patient_id: case.patient for case in cases}.values())
            audit_record_many(action="patient.view", targets=people, actor_username=COMMAND, details=details)
    return [case_record(case) for case in cases]
