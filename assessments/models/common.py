"""Field helpers and choices shared by the assessments models (text limit, spec-code choices, decision pathways)."""

from __future__ import annotations

from assessments import rules
from assessments.labels import label

TEXT_MAX = 5000


def choices(enum: type) -> list[tuple[str, str]]:
    """Django choices from a rules enum: spec code as value, the one human label as text."""
    return [(member.value, label(member)) for member in enum]  # type: ignore[attr-defined]


OTHER_PATHWAY = "other"
DECISION_PATHWAY_CHOICES = [*choices(rules.PathwayCode), (OTHER_PATHWAY, "Other (describe)")]
