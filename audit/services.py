"""Write path and check of the audit trail.

``audit_record`` appends one entry to the hash chain; ``audit_verify`` walks
the chain and names the first entry that does not fit. Appends lock the single
``AuditChainHead`` row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite runs
transactions as ``BEGIN IMMEDIATE``, see settings), so any number of app
servers append one after another and the chain never forks.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from audit.models import GENESIS_HASH, HEAD_ID, Action, AuditChainHead, AuditEntry

logger = logging.getLogger(__name__)

# The request being served, set by audit.middleware.AuditRequestMiddleware, so
# that entries written from model signals (role changes made in the admin)
# still know who did it and from where.
current_request: ContextVar[HttpRequest | None] = ContextVar("audit_current_request", default=None)


def audit_record(
    *,
    action: str,
    actor: Any = None,
    target: Model | None = None,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
    actor_username: str | None = None,
) -> AuditEntry:
    """Append one entry: who (``actor``, else ``request.user``), what, which object, from where.

    ``action`` must be one of ``audit.models.Action`` (ValueError otherwise: a
    typo must fail a test, not vanish from the trail). ``actor_username`` names
    someone who is not a logged-in user, such as the name typed in a failed
    log-in. ``details`` must hold no patient data: ids, versions, role names.
    Runs in the caller's transaction when there is one, so an action that is
    rolled back leaves no entry.
    """
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}; add it to audit.models.Action")
    if request is None:
        request = current_request.get()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor_username is None:
        actor_username = actor.get_username() if actor is not None else ""
    entry = AuditEntry(
        actor=actor,
        actor_username=_printable(actor_username, 150),
        action=action,
        details=_json_safe(details or {}),
        **_target_fields(target),
        **_request_fields(request),
    )
    with transaction.atomic():
        head = _locked_head()
        entry.seq = head.last_seq + 1
        entry.prev_hash = head.last_hash
        entry.at = timezone.now()
        entry.hash = entry.compute_hash()
        entry.save()
        head.last_seq, head.last_hash = entry.seq, entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is not None:
        return head
    # The migration creates the head; it is missing only after a flush (tests)
    # or if someone deleted it, in which case it is rebuilt from the last entry
    # and verify_audit still checks the chain itself.
    last = AuditEntry.objects.order_by("-seq").first()
    if last is not None:
        logger.error("Audit chain head was missing; rebuilt from entry #%s", last.seq)
    AuditChainHead.objects.get_or_create(
        pk=HEAD_ID,
        defaults={"last_seq": last.seq if last else 0, "last_hash": last.hash if last else GENESIS_HASH},
    )
    return AuditChainHead.objects.select_for_update().get(pk=HEAD_ID)


def _target_fields(target: Model | None) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_repr": ""}
    meta = target._meta
    # Never str(target): a case's str() names the patient, and the trail is read by admins.
    if isinstance(target, get_user_model()):
        text = target.get_username()
    else:
        text = f"{meta.verbose_name.capitalize()} {target.pk}"
    return {"target_type": meta.label_lower, "target_id": str(target.pk), "target_repr": _printable(text, 200)}


def _request_fields(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {"ip_address": "", "user_agent": ""}
    return {
        "ip_address": client_ip(request),
        "user_agent": _printable(request.META.get("HTTP_USER_AGENT", ""), 255),
    }


def client_ip(request: HttpRequest) -> str:
    """The client's address as django-axes sees it (so PROXY_COUNT applies to both), or ""."""
    from axes.helpers import get_client_ip_address  # axes reads settings at import

    raw = get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return ""


def _printable(text: str, limit: int) -> str:
    """Drop control and invisible characters (they break exports and PostgreSQL text) and truncate."""
    return "".join(c for c in str(text) if unicodedata.category(c) not in {"Cc", "Cf", "Cs"})[:limit]


def _json_safe(details: dict[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON now so the hash covers exactly what the database
    # will give back: dates become strings, and floats become strings because
    # PostgreSQL's jsonb may print a float differently from Python.
    return json.loads(json.dumps(details, cls=DjangoJSONEncoder), parse_float=str)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ChainReport:
    """The outcome of ``audit_verify``: how many entries, and the first problem if any."""

    count: int
    head_hash: str
    bad_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.bad_seq is None and not self.problem


def audit_verify() -> ChainReport:
    """Walk the chain from the first entry; stop at the first entry that was altered, removed or inserted."""
    expected_seq, expected_prev, count = 1, GENESIS_HASH, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            missing = f"#{expected_seq}" if entry.seq == expected_seq + 1 else f"#{expected_seq} to #{entry.seq - 1}"
            return ChainReport(count, expected_prev, expected_seq, f"entry {missing} is missing (deleted)")
        if entry.compute_hash() != entry.hash:
            return ChainReport(count, expected_prev, entry.seq, f"entry #{entry.seq} was altered")
        if entry.prev_hash != expected_prev:
            return ChainReport(
                count, expected_prev, entry.seq, f"entry #{entry.seq} does not follow #{entry.seq - 1} (inserted)"
            )
        expected_seq, expected_prev, count = expected_seq + 1, entry.hash, count + 1
    head = AuditChainHead.objects.filter(pk=HEAD_ID).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (count, expected_prev):
        return ChainReport(
            count,
            expected_prev,
            min(head_seq, count) + 1,
            f"the chain ends at #{count} but its head records #{head_seq} (entries deleted or appended outside)",
        )
    return ChainReport(count, expected_prev)
