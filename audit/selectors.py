"""Reads of the audit trail (admins only; the views check)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from audit.models import AuditEntry

CASE_TARGET = "assessments.case"


def audit_entries(
    *,
    user: str = "",
    case_id: int | None = None,
    action: str = "",
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> QuerySet[AuditEntry]:
    """Entries, newest first, filtered by username (exact, any case), case id, action and time."""
    entries = AuditEntry.objects.all()
    if user:
        entries = entries.filter(actor_username__iexact=user)
    if case_id is not None:
        entries = entries.filter(target_type=CASE_TARGET, target_id=str(case_id))
    if action:
        entries = entries.filter(action=action)
    if since is not None:
        entries = entries.filter(at__gte=since)
    if until is not None:
        entries = entries.filter(at__lte=until)
    return entries.order_by("-seq")
