"""The patient page: the patient, the episodes the user may see, and those held by others named but never shown."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from assessments.patients import selectors, services


@require_GET
def patient_detail(request: HttpRequest, patient_pk: int) -> HttpResponse:
    """The patient and their episodes the user may see, newest first; the others are named, never shown."""
    patient, episodes = selectors.patient_get_for_view(user=request.user, pk=patient_pk)
    hidden = selectors.patient_hidden_episodes(user=request.user, patient_id=patient.pk)
    services.patient_hidden_episodes_disclose(user=request.user, patient=patient, hidden=hidden)
    return TemplateResponse(
        request,
        "assessments/patient_detail.html",
        {
            "patient": patient,
            "episodes": episodes,
            "hidden": hidden,
            "conflicts": list(selectors.patient_open_conflicts(patient=patient)),
        },
    )
