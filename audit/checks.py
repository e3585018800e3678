"""``check --deploy``: a production site exports the audit trail's head (docs/deployment.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def audit_head_file_is_set(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.AUDIT_HEAD_FILE:
        return []
    return [
        Warning(
            "AUDIT_HEAD_FILE is not set: verify_audit cannot find entries cut from the end of the audit trail, "
            "or the trail emptied and written again.",
            hint="Set it, and export the head every hour from a timer (docs/deployment.md, "
            "'Exporting the audit trail's head').",
            id="audit.W001",
        )
    ]
