"""A referral as the start of an assessment case (10.8): the prefill, the patient, and where each value came from.

The newest version is evaluated now; its ``prefill`` (present only when the next step is
``create_assessment``) becomes the values the case form proposes, each shown with the version, the
referrer and the time it was recorded. A case created by hand (a provisional report) gets the patient's
identifiers and no finding. The referral's mechanical pain goes with it as a hint beside SINS pain.
"""

from __future__ import annotations

from django.urls import reverse

from assessments.cases.starts import CaseStart
from assessments.rules import referral as triage_rules
from referrals.evaluation import evaluate_version
from referrals.models import Referral

ORIGIN_KIND = "referral"
MECHANICAL_HINT = (
    "The referral reports pain on movement (mechanical pain): a hint for each lesion's SINS pain, "
    "not a value. Choose the pain from your own assessment."
)


def referral_case_start(*, referral: Referral, by_hand: bool) -> CaseStart:
    """What the assessment made from ``referral`` starts with; ``by_hand``: no prefill, only the patient."""
    version = referral.versions.select_related("recorded_by").get(number=referral.version)
    result = evaluate_version(referral, version)
    prefill = dict(result.prefill or {}) if not by_hand else {}
    lost_at = prefill.pop("walking_lost_at", None)
    pain = version.data.get("pain_features") or []
    return CaseStart(
        origin={
            "kind": ORIGIN_KIND,
            "id": referral.pk,
            "label": f"Referral {referral.pk}",
            "url": reverse("referrals:referral_detail", args=[referral.pk]),
        },
        source=f"referral {referral.pk} version {version.number}",
        recorded_by=version.data.get("referrer_name") or _name(referral.referrer),
        recorded_at=version.recorded_at.isoformat(),
        values=prefill,
        patient={
            "patient_name": referral.patient_name,
            "date_of_birth": referral.patient_date_of_birth.isoformat(),
            "mrn": referral.patient_mrn,
        },
        ambulation_lost_at=lost_at if isinstance(lost_at, str) else None,
        hints=(MECHANICAL_HINT,) if triage_rules.PainFeature.MECHANICAL.value in pain else (),
        by_hand=by_hand,
    )


def _name(user: object) -> str:
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
