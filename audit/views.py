"""The audit report and its CSV export: admins (staff) only; everyone else gets 404.

404 rather than 403, as for cases elsewhere in the app: a page a user may not
use is not there for them.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import roles
from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from audit.selectors import audit_entries
from audit.services import audit_record

PAGE_SIZE = 50
CSV_COLUMNS = [
    "seq", "at_utc", "user", "action", "target_type", "target_id", "target",
    "ip_address", "user_agent", "details", "prev_hash", "hash",
]  # fmt: skip


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
    # Rows up to now; the export's own entry (written next) belongs to the next export.
    last_seq = AuditEntry.objects.aggregate(last=Max("seq"))["last"] or 0
    audit_record(
        action="audit.export",
        details={"filters": {k: v for k, v in filters.items() if v not in (None, "")}, "up_to": last_seq},
    )
    rows = audit_entries(**filters).filter(seq__lte=last_seq).order_by("seq")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for entry in rows.iterator(chunk_size=2000):
        yield writer.writerow([_spreadsheet_safe(v) for v in _row(entry)])


def _row(e: AuditEntry) -> list[Any]:
    return [
        e.seq, e.at.astimezone(datetime.UTC).isoformat(), e.actor_username, e.action, e.target_type,
        e.target_id, e.target_repr, e.ip_address, e.user_agent,
        json.dumps(e.details, sort_keys=True, ensure_ascii=False), e.prev_hash, e.hash,
    ]  # fmt: skip


def _spreadsheet_safe(value: Any) -> Any:
    """Stop a spreadsheet running a cell as a formula (a failed log-in can type any user name)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
