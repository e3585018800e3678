"""The audit report and its CSV export: admins (staff) only; everyone else gets 404.

404 rather than 403, as for cases elsewhere in the app: a page a user may not
use is not there for them.
"""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import roles
from audit import exports
from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from audit.selectors import audit_entries

PAGE_SIZE = 50


def _require_admin(request: HttpRequest) -> None:
    if not roles.is_admin(request.user):
        raise Http404("No such page")


@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """Filterable, paginated list of audit entries, newest first, times in UTC."""
    _require_admin(request)
    with timezone.override(datetime.UTC):
        form = AuditFilterForm(request.GET)
        if form.is_valid():
            entries, status = audit_entries(**form.filters()), 200
        else:
            entries, status = AuditEntry.objects.none(), 422
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "audit/report.html", {"form": form, "page": page}, status=status)


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    """The filtered entries as CSV, oldest first. The export is itself an audit entry."""
    _require_admin(request)
    with timezone.override(datetime.UTC):
        form = AuditFilterForm(request.GET)
        if not form.is_valid():
            return HttpResponse("Invalid filter: " + "; ".join(form.errors), status=400, content_type="text/plain")
        filters = form.filters()
    return exports.audit_trail_csv(user=request.user, filters=filters)
