"""Where a case came from, for its page: the record it was started from, and dexamethasone already started there.

A record above the cases that a case was started from (a referral) hangs on the case by a one-to-one
named ``referral`` and answers ``origin_label``, ``origin_url`` and ``steroid_started_at``; the cases
read it through that relation only, importing nothing of the app above them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from assessments import rules
from assessments.models import CASE_ORIGIN_RELATIONS

TRIAGE_STEROID_TEXT = "Started at triage at {time}: continue 16 mg a day in divided doses; no further loading dose"


def case_origin(case: Any) -> Any:
    """The record ``case`` was started from, or None."""
    for relation in CASE_ORIGIN_RELATIONS:
        origin = getattr(case, relation, None)
        if origin is not None:
            return origin
    return None


def present_origin(case: Any) -> dict[str, Any] | None:
    """The case page's line "From referral N" with its link, and when dexamethasone was started there."""
    origin = case_origin(case)
    if origin is None:
        return None
    return {"label": origin.origin_label, "url": origin.origin_url, "steroid_started_at": origin.steroid_started_at}


def with_origin_steroids(panel: dict[str, Any], started_at: datetime.datetime | None) -> dict[str, Any]:
    """``panel`` with section 5's high-dose text replaced by "Started at triage at TIME ..." (10.8; display only)."""
    if started_at is None or panel.get("steroids_code") != rules.Steroids.HIGH_DOSE:
        return panel
    moment = timezone.localtime(started_at)
    text = TRIAGE_STEROID_TEXT.format(time=f"{moment.day} {moment:%b %Y %H:%M}")
    texts = [t for t in panel["texts"] if t != panel.get("steroid_dosing_text")]
    return {**panel, "texts": [*texts, text], "steroid_dosing_text": text}
