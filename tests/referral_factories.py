"""Referral objects for the tests: the emergency department's night referral of the front door's story, and changes to it."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User

from referrals import services
from referrals.models import Referral


def referral_data(**changes: Any) -> dict[str, Any]:
    """Section 10.1's referral object without ``received_at``, id and events: known breast cancer, leg weakness
    that is not progressing, pain on movement, walking, in the emergency department (T2, MRI within 24 hours).
    """
    data: dict[str, Any] = {
        "suspected_at": None,
        "referrer_name": "Dr Rita Referrer",
        "referrer_organisation": "Riverside Hospital emergency department",
        "referrer_contact": "bleep 4411",
        "patient_location": "emergency_department",
        "cancer_status": "current",
        "cancer_type": "breast",
        "pain_features": ["mechanical", "thoracic_or_cervical"],
        "neuro_findings": ["limb_weakness"],
        "neuro_history": "asked",
        "neuro_examination": "done",
        "deficit_progressing": "no",
        "ambulatory_status": "walks_with_aid",
        "walking_lost_at": None,
        "urinary_retention_confirmed": None,
        "imaging_status": "not_done",
        "imaging_modality": None,
        "imaging_booked_for": None,
        "imaging_at": None,
        "imaging_reported_at": None,
        "imaging_scope": None,
        "imaging_finding": None,
        "imaging_levels": None,
        "mri_contraindicated": False,
        "dexamethasone_given_at": None,
        "steroid_contraindication": False,
    }
    return {**data, **changes}


def make_referral(
    referrer: User, *, patient_name: str = "Dora Example", patient_mrn: str = "RH-20417", **changes: Any
) -> Referral:
    """A referral by ``referrer`` of Dora Example (born 1950) unless named otherwise, made through the service, now."""
    return services.referral_create(
        referrer=referrer,
        patient_name=patient_name,
        patient_date_of_birth=datetime.date(1950, 5, 17),
        patient_mrn=patient_mrn,
        data=referral_data(**changes),
    )
