"""Write path and check of the audit trail.

``audit_record`` appends one entry to the hash chain; ``audit_verify`` walks
the chain and names the first entry that does not fit. Appends lock the single
``AuditChainHead`` row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite runs
transactions as ``BEGIN IMMEDIATE``, see settings), so any number of app
servers append one after another and the chain never forks.

Rows of the clinical record (``audit.tamper``) written in a transaction are noted
as they are saved or deleted (``record_written``, connected to every such model in
``audit.signals``); the next entry appended in that transaction records their keyed
digests, and rows written after the last entry are sealed by an ``audit.seal`` entry
when the transaction commits. So a new write path is covered without remembering to.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from audit import tamper
from audit.models import GENESIS_HASH, HEAD_ID, Action, AuditChainHead, AuditEntry, audit_keys
from escc_site.client_ip import client_ip as _client_ip

logger = logging.getLogger(__name__)

# The request being served, set by audit.middleware.AuditRequestMiddleware, so
# that entries written from model signals (role changes made in the admin)
# still know who did it and from where.
current_request: ContextVar[HttpRequest | None] = ContextVar("audit_current_request", default=None)


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    target: Model | None = None,
    details: dict[str, Any] | None = None,
    actor_username: str | None = None,
) -> AuditEntry:
    """Append one entry: who (``actor``, else the request's user), what, which object, from where.

    Where from is the request being served (``current_request``): a service is
    never handed the request, and an entry written outside one names no address.

    ``action`` must be one of ``audit.models.Action`` (ValueError otherwise: a
    typo must fail a test, not vanish from the trail). ``actor_username`` names
    someone who is not a logged-in user, such as the name typed in a failed
    log-in. ``details`` must hold no patient data: ids, versions, role names.
    Runs in the caller's transaction when there is one, so an action that is
    rolled back leaves no entry.
    """
    return audit_record_many(
        action=action, actor=actor, targets=[target], details=details, actor_username=actor_username
    )[0]


def audit_record_many(
    *,
    action: str,
    targets: list[Model | None],
    actor: User | None = None,
    details: dict[str, Any] | None = None,
    actor_username: str | None = None,
) -> list[AuditEntry]:
    """Append one entry per target, as ``audit_record`` does, under one lock and in one INSERT.

    For a page that shows many cases (the board queue): the number of queries
    does not grow with the number of cases.
    """
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}; add it to audit.models.Action")
    request = current_request.get()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor_username is None:
        actor_username = actor.get_username() if actor is not None else ""
    common = {
        "actor": actor,
        "actor_username": _printable(actor_username, 150),
        "action": action,
        "details": _json_safe(details or {}),
        **_request_fields(request),
    }
    entries = [AuditEntry(**common, **_target_fields(target)) for target in targets]
    return _append(entries, _live_written())


def _append(entries: list[AuditEntry], written: _Written | None) -> list[AuditEntry]:
    if not entries:
        return []
    with transaction.atomic():
        head = _locked_head()
        # Time only moves forward along the chain, even if this server's clock lags another's.
        now = timezone.now()
        at = max(now, head.last_at) if head.last_at else now
        key_id, key = audit_keys()[-1]
        if written is not None and written.rows:
            # The first entry carries the digests of the record rows its transaction wrote.
            records = written.take(key)
            entries[0].details = {**entries[0].details, "records": records}
        seq, prev = head.last_seq, head.last_hash
        for entry in entries:
            seq += 1
            entry.seq, entry.prev_hash, entry.at, entry.key_id = seq, prev, at, key_id
            entry.hash = prev = entry.compute_hash(key)
        if len(entries) == 1:
            entries[0].save()
        else:  # AuditEntry's own manager refuses bulk_create to keep callers on this path
            models.QuerySet(AuditEntry).bulk_create(entries)
        head.last_seq, head.last_hash, head.last_at = seq, prev, at
        head.save(update_fields=["last_seq", "last_hash", "last_at"])
    return entries


class _Written:
    """The clinical-record rows written in one transaction and not yet digested in an entry."""

    def __init__(self) -> None:
        self.rows: dict[type[Model], set[Any]] = {}

    def take(self, key: bytes) -> dict[str, dict[str, str | None]]:
        rows, self.rows = self.rows, {}
        return {model._meta.label_lower: tamper.rows_digests(model, pks, key) for model, pks in rows.items()}

    def seal(self) -> None:
        """After commit: an entry for rows no entry of their transaction recorded (written after its last one)."""
        if self.rows:
            logger.warning("Record rows written after their transaction's last audit entry: sealed on commit")
            _append([_seal_entry({"sealed": "on commit"})], self)


def record_written(*, instance: Model) -> None:
    """Note that a row of the clinical record was saved or deleted, for the digest in the next audit entry."""
    connection = transaction.get_connection()
    written = _live_written()
    if written is None:
        written = connection.escc_written = _Written()  # type: ignore[attr-defined]
        written.rows.setdefault(type(instance), set()).add(instance.pk)
        # Registered after the row is noted: outside a transaction it runs at once.
        transaction.on_commit(written.seal, robust=True)
    else:
        written.rows.setdefault(type(instance), set()).add(instance.pk)


def _live_written() -> _Written | None:
    """The rows noted in the current transaction; None when there are none or their transaction rolled back."""
    connection = transaction.get_connection()
    written: _Written | None = getattr(connection, "escc_written", None)
    if written is None or not connection.in_atomic_block:
        return None
    # A rollback drops the transaction's commit callbacks, and with them our claim on these rows.
    if not any(getattr(func, "__self__", None) is written for _, func, _ in connection.run_on_commit):
        return None
    return written


def _seal_entry(details: dict[str, Any]) -> AuditEntry:
    fields = {**_request_fields(None), **_target_fields(None)}
    return AuditEntry(action=Action.AUDIT_SEAL, actor=None, actor_username="", details=details, **fields)


def records_seal_all(*, chunk: int = 1000) -> int:
    """Record the digest of every row of the clinical record, ``chunk`` rows an entry; the number of rows.

    For a database whose rows were written before digests were recorded (the migration
    that introduced them runs this), so that ``verify_audit`` holds every row to it.
    """
    total = 0
    # A migration that seals runs before later migrations create their tables: nothing to seal there yet.
    tables = set(transaction.get_connection().introspection.table_names())
    for model in tamper.digested_models():
        if model._meta.db_table not in tables:
            continue
        pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), chunk):
            written = _Written()
            written.rows[model] = set(pks[start : start + chunk])
            _append([_seal_entry({"sealed": "baseline"})], written)
        total += len(pks)
    return total


def audit_keying_mark() -> AuditEntry:
    """Append the keyed ``audit.keyed`` entry: how many unkeyed entries come before it, and the last one's hash.

    ``migrate`` writes it (``audit/migrations/0008_keyed_trail_marker.py``), as the first
    entry of a new database's trail; the app never writes another. ``audit_verify`` accepts
    unkeyed entries only as many as it counts, and fails a trail that lacks it: one emptied,
    or rewritten with plain SHA-256 entries by someone who does not hold the key.
    """
    with transaction.atomic():
        _locked_head()  # no entry is appended between the count and the marker
        unkeyed = AuditEntry.objects.filter(key_id="").order_by("-seq")
        last = unkeyed.first()
        details = {"unkeyed_entries": unkeyed.count(), "unkeyed_head": last.hash if last else GENESIS_HASH}
        fields = {**_request_fields(None), **_target_fields(None)}
        marker = AuditEntry(action=Action.AUDIT_KEYED, actor=None, actor_username="", details=details, **fields)
        return _append([marker], None)[0]


def audit_head_signed() -> dict[str, Any]:
    """The last entry's number, hash and time, signed with the audit key: one line of ``manage.py audit_head``.

    The last entry itself, not the head row: the head row is what an intruder would rewrite.
    The signature lets ``verify_audit`` tell the app's exports from lines someone else wrote
    to the same log.
    """
    last = AuditEntry.objects.order_by("-seq").first()
    key_id, key = audit_keys()[-1]
    head = {
        "seq": last.seq if last else 0,
        "hash": last.hash if last else "",
        "at": last.at.isoformat() if last else None,
        "exported_at": timezone.now().isoformat(),
        "key_id": key_id,
    }
    return {**head, "signature": _head_signature(head, key)}


def audit_head_checked(*, head: dict[str, Any]) -> tuple[int, str]:
    """``(seq, hash)`` of a head ``audit_head_signed`` wrote; ValueError unless one of the audit keys signed it."""
    fields = {name: value for name, value in head.items() if name != "signature"}
    key = dict(audit_keys()).get(str(fields.get("key_id")))
    signature = head.get("signature")
    if (
        key is None
        or not isinstance(signature, str)
        or not hmac.compare_digest(signature, _head_signature(fields, key))
    ):
        raise ValueError("not signed with the audit key")
    return int(fields["seq"]), str(fields["hash"])


def _head_signature(fields: dict[str, Any], key: bytes) -> str:
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # Prefixed, so that no entry's hash can ever serve as a head's signature.
    return hmac.new(key, b"escc-audit-head:" + text.encode(), hashlib.sha256).hexdigest()


def content_digest(*, instance: Model) -> str:
    """SHA-256 of a record's stored fields: what entries signing a decision held before keyed row digests."""
    fresh = type(instance)._default_manager.get(pk=instance.pk)
    fields = {f.attname: f.value_to_string(fresh) for f in fresh._meta.concrete_fields}
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


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
        defaults={
            "last_seq": last.seq if last else 0,
            "last_hash": last.hash if last else GENESIS_HASH,
            "last_at": last.at if last else None,
        },
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
        "ip_address": _client_ip(request),  # as django-axes sees it: PROXY_COUNT applies to both
        "user_agent": _printable(request.META.get("HTTP_USER_AGENT", ""), 255),
    }


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


def audit_verify(*, exported_heads: list[tuple[int, str]] | None = None) -> ChainReport:
    """Walk the chain from the first entry; stop at the first entry that was altered, removed, inserted or forged.

    Checks per entry: consecutive ``seq``; the hash, keyed with the key its
    ``key_id`` names (unkeyed entries only before the first keyed one, keys only
    ever newer); the link to the entry before; time never going backwards; an
    ``audit.keyed`` marker counts the unkeyed entries before it. Then the head row,
    each head in ``exported_heads`` (``(seq, hash)`` pairs kept outside the
    database: a truncated or rewritten tail misses them), that the trail holds the
    keyed marker ``migrate`` wrote (without it, an empty trail or one of unkeyed
    entries would verify: anyone can compute those), and then
    every row of the clinical record against the newest keyed digest an entry
    holds for it (``audit.tamper.record_problems``): all such rows are named.
    """
    keys = {key_id: (index, key) for index, (key_id, key) in enumerate(audit_keys())}
    expected_seq, expected_prev, count = 1, GENESIS_HASH, 0
    last_at: datetime.datetime | None = None
    key_index = -1  # -1: still in the unkeyed prefix
    digests: list[tuple[int, dict[str, Any]]] = []
    recorded: dict[tuple[str, str], tamper.Recorded] = {}
    hashes: dict[int, str] = {}
    wanted = {seq for seq, _ in exported_heads or []}
    unkeyed, unkeyed_head, marked = 0, GENESIS_HASH, False
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        problem = _entry_problem(entry, expected_seq, expected_prev, last_at, key_index, keys)
        if not problem and entry.key_id and entry.action == Action.AUDIT_KEYED:
            problem = _marker_problem(entry, unkeyed, unkeyed_head)
            marked = True
        if problem:
            bad = expected_seq if "missing" in problem else entry.seq
            return ChainReport(count, expected_prev, bad, problem)
        if entry.key_id:
            key_index = keys[entry.key_id][0]
        else:
            unkeyed_head, unkeyed = entry.hash, unkeyed + 1
        if isinstance(entry.details, dict) and isinstance(entry.details.get("content"), dict):
            digests.append((entry.seq, entry.details["content"]))
        if isinstance(entry.details, dict) and isinstance(entry.details.get("records"), dict):
            _collect_records(recorded, entry)
        if entry.seq in wanted:
            hashes[entry.seq] = entry.hash
        expected_seq, expected_prev, last_at, count = expected_seq + 1, entry.hash, entry.at, count + 1
    head = AuditChainHead.objects.filter(pk=HEAD_ID).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (count, expected_prev):
        return ChainReport(
            count,
            expected_prev,
            min(head_seq, count) + 1,
            f"the chain ends at #{count} but its head records #{head_seq} (entries deleted or appended outside)",
        )
    for seq, digest in sorted(exported_heads or []):
        if seq == 0:  # exported while the trail was empty
            continue
        if seq > count:
            return ChainReport(
                count,
                expected_prev,
                count + 1,
                f"an exported head records #{seq} but the trail ends at #{count} "
                "(entries deleted from the end, or the table emptied)",
            )
        if hashes.get(seq) != digest:
            return ChainReport(
                count, expected_prev, seq, f"entry #{seq} is not the one an exported head records (rewritten)"
            )
    if not marked:  # then no entry of it can be trusted, from the first
        return ChainReport(0, GENESIS_HASH, 1, _unmarked_problem(count))
    for seq, content in digests:
        problem = _content_problem(content)
        if problem:
            return ChainReport(count, expected_prev, seq, f"{problem} after entry #{seq} recorded it")
    row_problems = list(islice(tamper.record_problems(recorded, {k: v for k, (_, v) in keys.items()}), MAX_NAMED + 1))
    if row_problems:
        named = "; ".join(row_problems[:MAX_NAMED]) + ("; and more" if len(row_problems) > MAX_NAMED else "")
        return ChainReport(count, expected_prev, None, named)
    return ChainReport(count, expected_prev)


# Rows named at most in one report: enough to see the pattern, short enough to read.
MAX_NAMED = 20


def _collect_records(recorded: dict[tuple[str, str], tamper.Recorded], entry: AuditEntry) -> None:
    if not entry.key_id:  # only keyed entries hold keyed digests
        return
    for label, rows in entry.details["records"].items():
        if isinstance(rows, dict):
            for pk, digest in rows.items():
                recorded[(str(label), str(pk))] = tamper.Recorded(entry.seq, entry.key_id, digest)


def _entry_problem(
    entry: AuditEntry,
    expected_seq: int,
    expected_prev: str,
    last_at: datetime.datetime | None,
    key_index: int,
    keys: dict[str, tuple[int, bytes]],
) -> str:
    if entry.seq != expected_seq:
        missing = f"#{expected_seq}" if entry.seq == expected_seq + 1 else f"#{expected_seq} to #{entry.seq - 1}"
        return f"entry {missing} is missing (deleted)"
    if not entry.key_id and key_index >= 0:
        return f"entry #{entry.seq} has an unkeyed hash after keyed entries (forged)"
    if entry.key_id and entry.key_id not in keys:
        return (
            f"entry #{entry.seq} is signed with an unknown key "
            "(forged, or a retired key is missing from AUDIT_HMAC_PREVIOUS_KEYS)"
        )
    if entry.key_id and keys[entry.key_id][0] < key_index:
        return f"entry #{entry.seq} is signed with a key retired before the entry ahead of it (forged)"
    key = keys[entry.key_id][1] if entry.key_id else None
    if entry.compute_hash(key) != entry.hash:
        return f"entry #{entry.seq} was altered (or forged without the key)"
    if entry.prev_hash != expected_prev:
        return f"entry #{entry.seq} does not follow #{entry.seq - 1} (inserted)"
    if last_at is not None and entry.at < last_at:
        return f"entry #{entry.seq} is dated before entry #{entry.seq - 1} (back-dated)"
    return ""


def _marker_problem(entry: AuditEntry, unkeyed: int, unkeyed_head: str) -> str:
    details = entry.details if isinstance(entry.details, dict) else {}
    marked = details.get("unkeyed_entries")
    if marked != unkeyed:
        return f"entry #{entry.seq} marks {marked} unkeyed entries before keying, but the trail has {unkeyed}"
    if details.get("unkeyed_head") != unkeyed_head:
        return f"entry #{entry.seq} marks another last unkeyed entry than the trail's #{unkeyed}"
    return ""


def _unmarked_problem(count: int) -> str:
    if count == 0:
        return "the trail is empty, but migrate starts every trail with a keyed entry (the table was emptied)"
    return (
        "no keyed entry marks where the keyed trail begins (migrate writes it): the trail was emptied and "
        "written again, or rewritten with entries anyone can compute"
    )


def _content_problem(content: dict[str, Any]) -> str:
    try:
        model = apps.get_model(str(content.get("model")))
    except (LookupError, ValueError):
        return f"record {content.get('model')!r} is of no known kind"
    instance = model._default_manager.filter(pk=content.get("id")).first()
    label = f"{model._meta.verbose_name} {content.get('id')}"
    if instance is None:
        return f"{label} was deleted"
    if content_digest(instance=instance) != content.get("sha256"):
        return f"{label} was changed"
    return ""
