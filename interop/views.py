"""The FHIR download of one case: a document Bundle as a file, for those who may see the case."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from interop import selectors
from interop.bundle import bundle_json, case_bundle

FHIR_JSON = "application/fhir+json"


@require_GET
def case_fhir(request: HttpRequest, pk: int) -> HttpResponse:
    """The case as a FHIR R4 document Bundle; ``?identifiers=1`` puts the patient's identifiers in.

    A draft the rules have not evaluated is refused (409) with the reason in words.
    """
    identifiers = request.GET.get("identifiers") == "1"
    record, refused = selectors.case_get_for_fhir(user=request.user, pk=pk, identifiers=identifiers)
    if record is None:
        return HttpResponse(refused, status=409, content_type="text/plain; charset=utf-8")
    bundle = case_bundle(record, identifiers=identifiers, now=timezone.now())
    response = HttpResponse(bundle_json(bundle), content_type=FHIR_JSON)
    name = f"case-{pk}{'-identified' if identifiers else ''}.fhir.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
