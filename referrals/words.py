"""The referral object's fields in words: what the form asks, and what the pages and refusals call each field.

One table, read by the form (its labels) and the presenters (the inputs a reason read, what a version
changed), so a field is called the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

FIELD_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "patient_name": "Patient name",
        "patient_date_of_birth": "Date of birth",
        "patient_mrn": "Hospital or NHS number",
        "referrer_name": "Your name",
        "referrer_organisation": "Your hospital, ward or practice",
        "referrer_contact": "Phone or bleep to call you back on now",
        "patient_location": "Where the patient is now",
        "cancer_status": "Cancer",
        "cancer_type": "Cancer type",
        "pain_assessed": "Spinal pain",
        "pain_features": "Pain features",
        "neuro_findings": "Neurological findings",
        "neuro_history": "Neurological history",
        "neuro_examination": "Neurological examination",
        "deficit_progressing": "Are the findings getting worse?",
        "ambulatory_status": "Walking now",
        "walking_lost_at": "Walking lost at",
        "urinary_retention_confirmed": "Urinary retention confirmed (bladder scan or catheter)",
        "imaging_status": "Spinal imaging (MRI or CT)",
        "imaging_modality": "Scan",
        "imaging_booked_for": "Scan booked for",
        "imaging_at": "Scan done at",
        "imaging_reported_at": "Scan reported at",
        "imaging_scope": "Scan covers",
        "imaging_finding": "Report shows",
        "imaging_levels": "Levels with metastases",
        "mri_contraindicated": "MRI cannot be done (for example a pacemaker that is not MRI-conditional)",
        "dexamethasone_given_at": "First dexamethasone dose given at",
        "steroid_contraindication": (
            "Dexamethasone is unsafe now (suspected infection, active GI bleeding, a previous severe reaction)"
        ),
        "suspected_at": "Findings first suspected at",
        "received_at": "Referral received",
        "evaluated_at": "Time of this triage",
        "events.coordinator_acknowledged_at": "Coordinator acknowledged",
        "events.decision_at": "Treatment decision",
        "events.decision_type": "Kind of decision",
        "events.treatment_started_at": "Treatment started",
    }
)


def field_words(key: str) -> str:
    """A field of the referral object (or an event) by its words; an unknown key spelled out."""
    return FIELD_LABELS.get(key) or key.removeprefix("events.").replace("_", " ").capitalize()


def rule_message_words(message: str) -> str:
    """A refusal of the rules (10.11), which names the object's keys and codes, in the page's words."""
    return message.replace("_", " ")
