"""Which tables hold the clinical record, how each is made tamper-evident, and the keyed row digest that proves it.

Every model of the clinical apps is declared once, at its class, with one of:

- ``tamper_evident(model)``: each write's audit entry records a keyed digest of the row
  (``audit.services``), and ``verify_audit`` checks every row against the newest digest
  recorded for it: changed, deleted, or inserted behind the app is named.
- ``tamper_evident(model, append_only=True)``: the same digest, and the row is never
  changed or removed: a PostgreSQL trigger (``pgtrigger.Protect``) refuses UPDATE and
  DELETE and the app refuses ``save()`` of a stored row and ``delete()``. The digest
  still matters: a database superuser can switch triggers off.
- ``not_clinical_record(model, reason)``: derived, delivery or access-control data,
  with the reason it is not part of the record.

``tests/test_tamper_evidence.py`` walks every model of the ``assessments`` and
``meetings`` labels and fails for one that is not declared.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pgtrigger
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.db.models.signals import pre_delete, pre_save

from audit.models import AppendOnlyError

M = TypeVar("M", bound=type[Model])


class Protection(enum.StrEnum):
    DIGEST = "digest"
    APPEND_ONLY = "append_only"  # and a digest
    NOT_RECORD = "not_record"


@dataclass(frozen=True)
class Declaration:
    model: type[Model]
    protection: Protection
    reason: str = ""
    trigger: str = ""

    @property
    def has_digest(self) -> bool:
        return self.protection is not Protection.NOT_RECORD


_declarations: dict[str, Declaration] = {}


def tamper_evident(model: M, *, append_only: bool = False, trigger: str = "") -> M:
    """Declare ``model`` part of the clinical record: digested on every write, and append-only if asked.

    ``trigger`` names the PostgreSQL trigger of an append-only model (the name is in its
    migration; the default is ``<model_name>_append_only``).
    """
    if not append_only:
        return _declare(Declaration(model, Protection.DIGEST))
    name = trigger or f"{model._meta.model_name}_append_only"
    pgtrigger.register(pgtrigger.Protect(name=name, operation=pgtrigger.Update | pgtrigger.Delete))(model)
    pre_save.connect(_refuse_change, sender=model, weak=False, dispatch_uid=f"append_only:{model._meta.label}")
    pre_delete.connect(_refuse_delete, sender=model, weak=False, dispatch_uid=f"append_only:{model._meta.label}")
    return _declare(Declaration(model, Protection.APPEND_ONLY, trigger=name))


def not_clinical_record(model: M, reason: str) -> M:
    """Declare that ``model`` holds no part of the clinical record, and why (one line)."""
    if not reason.strip():
        raise ValueError(f"Say why {model._meta.label} is not part of the clinical record.")
    return _declare(Declaration(model, Protection.NOT_RECORD, reason=reason))


def _declare(declaration: Declaration) -> Any:
    label = declaration.model._meta.label_lower
    if label in _declarations:
        raise ValueError(f"{label} is declared twice")
    _declarations[label] = declaration
    return declaration.model


def declaration(model: type[Model]) -> Declaration | None:
    """How ``model`` is protected, or None when it was never declared."""
    return _declarations.get(model._meta.label_lower)


def declarations() -> list[Declaration]:
    """Every declaration, by label."""
    return [_declarations[label] for label in sorted(_declarations)]


def digested_models() -> list[type[Model]]:
    """The models whose rows carry a keyed digest in the audit trail, by label."""
    return [d.model for d in declarations() if d.has_digest]


def _refuse_change(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if not instance._state.adding:
        raise AppendOnlyError(f"{sender._meta.verbose_name} {instance.pk} is part of the record and cannot be changed.")


def _refuse_delete(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    raise AppendOnlyError(f"{sender._meta.verbose_name} {instance.pk} is part of the record and cannot be deleted.")


# --- The keyed digest of a row ----------------------------------------------------------------


def row_digest(row: Model, key: bytes) -> str:
    """HMAC-SHA-256 of a stored row: its label, primary key and every column as the database returned it.

    Keyed, so that whoever can write rows cannot compute the digest of a row they
    changed, nor confirm a guess at a row's content from a digest (admins read the trail).
    Pass a row read from the database, so that types match what a later read gives.
    """
    fields = {f.attname: f.value_to_string(row) for f in row._meta.concrete_fields}
    payload = {"model": row._meta.label_lower, "pk": str(row.pk), "fields": fields}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def rows_digests(model: type[Model], pks: set[Any], key: bytes) -> dict[str, str | None]:
    """The digest of each row of ``model`` by primary key (as text); None for a row that is not there (deleted)."""
    found = {str(row.pk): row_digest(row, key) for row in model._base_manager.filter(pk__in=pks)}
    return {str(pk): found.get(str(pk)) for pk in pks}


def all_rows(model: type[Model], chunk: int = 2000) -> Iterator[Model]:
    return model._base_manager.order_by("pk").iterator(chunk_size=chunk)


# --- Checking rows against the digests the trail recorded -------------------------------------


@dataclass(frozen=True)
class Recorded:
    """The newest digest the trail holds for one row: the entry, the key that signed it, the digest."""

    seq: int
    key_id: str
    digest: str | None  # None: the app deleted the row


def record_problems(recorded: dict[tuple[str, str], Recorded], keys: dict[str, bytes]) -> Iterator[str]:
    """Each digest-carrying row changed, deleted or inserted behind the app, by table and primary key.

    ``recorded`` maps ``(label, pk)`` to the newest ``Recorded`` for that row.
    """
    by_label: dict[str, dict[str, Recorded]] = {}
    for (label, pk), entry in recorded.items():
        by_label.setdefault(label, {})[pk] = entry
    for model in digested_models():
        meta = model._meta
        where = f"(table {meta.db_table})"
        expected = by_label.get(meta.label_lower, {})
        for row in all_rows(model):
            pk = str(row.pk)
            name = f"{meta.verbose_name} {pk}"
            entry = expected.pop(pk, None)
            if entry is None:
                yield f"{name} has no recorded digest: inserted behind the app {where}"
            elif entry.digest is None:
                yield f"{name} was deleted by entry #{entry.seq} and inserted again behind the app {where}"
            elif not hmac.compare_digest(row_digest(row, keys[entry.key_id]), entry.digest):
                yield f"{name} was changed after entry #{entry.seq} recorded it {where}"
        for pk, entry in sorted(expected.items(), key=lambda item: item[1].seq):
            if entry.digest is not None:
                yield f"{meta.verbose_name} {pk} was deleted after entry #{entry.seq} recorded it {where}"
