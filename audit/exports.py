"""Every CSV download of the app: one writer with the spreadsheet-formula guard, and the audit trail's export.

The board's CSVs (``board.exports``) are built on ``csv_download`` too. It lives in the audit app
because that is the lowest app that writes audit entries: an export leaves the app and is
recorded, and both the audit pages and the board may import it.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Max
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from audit.models import AuditEntry
from audit.selectors import audit_entries
from audit.services import audit_record

# A cell starting with one of these runs as a formula when a spreadsheet opens the file
# (OWASP "CSV injection"); a failed log-in can type any user name, a clinician any question.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

AUDIT_TRAIL_COLUMNS = [
    "seq", "at_utc", "user", "action", "target_type", "target_id", "target",
    "ip_address", "user_agent", "details", "prev_hash", "hash",
]  # fmt: skip


def csv_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: ``None`` is empty, a leading = + - @ (or tab, CR) gets an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Each row as one CSV line (Excel's dialect, CRLF), every cell through ``csv_cell``."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_download(*, filename: str, rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """``rows`` (header first) as a UTF-8 CSV attachment named ``filename``, with a byte-order mark.

    The mark makes spreadsheet programs read the file as UTF-8 rather than the local code page.
    """
    response = HttpResponse("\ufeff" + "".join(csv_lines(rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_stream(*, filename: str, rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    """``rows`` (header first) as a UTF-8 CSV attachment sent as it is written, for files too long to hold in memory."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def audit_trail_csv(*, user: User, filters: dict[str, Any]) -> StreamingHttpResponse:
    """The entries matching ``filters`` as CSV, oldest first, times in UTC; the export is itself an entry.

    The rows end at the last entry before the export's own (``up_to``), which belongs to the next export.
    """
    last_seq = AuditEntry.objects.aggregate(last=Max("seq"))["last"] or 0
    audit_record(
        action="audit.export",
        actor=user,
        details={"filters": {k: v for k, v in filters.items() if v not in (None, "")}, "up_to": last_seq},
    )
    entries = audit_entries(**filters).filter(seq__lte=last_seq).order_by("seq")
    rows = (_audit_row(entry) for entry in entries.iterator(chunk_size=2000))
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return csv_stream(filename=f"audit-{stamp}.csv", rows=_with_header(AUDIT_TRAIL_COLUMNS, rows))


def _with_header(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    yield header
    yield from rows


def _audit_row(e: AuditEntry) -> list[Any]:
    return [
        e.seq, e.at.astimezone(datetime.UTC).isoformat(), e.actor_username, e.action, e.target_type,
        e.target_id, e.target_repr, e.ip_address, e.user_agent,
        json.dumps(e.details, sort_keys=True, ensure_ascii=False), e.prev_hash, e.hash,
    ]  # fmt: skip
