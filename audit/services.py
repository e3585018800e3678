"""Write path of the audit trail. (Skeleton: the append-only, hash-chained store comes with issue 6.)"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest


def audit_record(
    *,
    action: str,
    actor: Any = None,
    target: Model | None = None,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry: who (actor, or request.user), what (action), which object, from where."""
    return None
