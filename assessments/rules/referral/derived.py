"""Section 10.2: the values every triage rule reads, derived once from a referral."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from .codes import (
    AmbulatoryStatus,
    CancerStatus,
    CancerType,
    ImagingFinding,
    ImagingModality,
    ImagingScope,
    ImagingStatus,
    NeuroFinding,
    PainFeature,
    Progression,
)
from .inputs import ReferralInput

# Walking lost up to this long before the suspicion counts as an emergency (10.2, emergency 3), and up
# to this long before the evaluation raises time_critical (10.9). Compared exactly.
WALKING_LOST_LIMIT: Final = timedelta(hours=48)

WITH_DIAGNOSIS: Final = frozenset({CancerStatus.CURRENT, CancerStatus.PAST})
HAEMATOLOGICAL: Final = frozenset({CancerType.LYMPHOMA, CancerType.MYELOMA})
LOST_WALKING: Final = frozenset({AmbulatoryStatus.CANNOT_WALK, AmbulatoryStatus.PARAPLEGIC})
WEAKNESS: Final = frozenset({NeuroFinding.LIMB_WEAKNESS, NeuroFinding.GAIT_DIFFICULTY})
SPHINCTER_OR_SADDLE: Final = frozenset(
    {
        NeuroFinding.PERINEAL_NUMBNESS,
        NeuroFinding.BLADDER_DYSFUNCTION,
        NeuroFinding.BOWEL_DYSFUNCTION,
        NeuroFinding.CAUDA_EQUINA_SIGNS,
    }
)
METASTASES: Final = frozenset({ImagingFinding.MSCC, ImagingFinding.SPINAL_METASTASES_NO_COMPRESSION})
NEGATIVE: Final = frozenset({ImagingFinding.NO_SPINAL_METASTASES, ImagingFinding.OTHER_CAUSE})
SCANNED: Final = frozenset({ImagingStatus.DONE_NOT_REPORTED, ImagingStatus.REPORTED})


@dataclass(frozen=True, slots=True)
class Derived:
    """The derived values of 10.2, under their spec names."""

    effective_suspected_at: datetime
    qualifying_pain: bool
    any_pain: bool
    haematological: bool
    no_tissue_diagnosis: bool
    new_nonambulatory: bool
    instability_suggested: bool
    emergency: bool
    scan_done: bool
    qualifying_scan: bool
    metastases_reported: bool
    mscc_reported: bool
    mscc_excluded: bool


def walking_lost_recently(referral: ReferralInput, moment: datetime) -> bool:
    """Walking was lost at most 48 h before ``moment`` (a time after it counts too), or when is unknown."""
    lost = referral.walking_lost_at
    return lost is None or moment - lost <= WALKING_LOST_LIMIT


def derive(referral: ReferralInput) -> Derived:
    """The derived values of 10.2. ``emergency`` reads the referral's own times only, never ``evaluated_at``."""
    pain = referral.pain_features or ()
    findings = frozenset(referral.neuro_findings)
    status, cancer_type = referral.cancer_status, referral.cancer_type
    suspected = referral.suspected_at or referral.received_at
    new_nonambulatory = referral.ambulatory_status in LOST_WALKING
    weak = bool(findings & WEAKNESS)
    progressing = referral.deficit_progressing
    emergency = (
        progressing == Progression.YES
        or (progressing == Progression.NOT_KNOWN and weak)
        or (new_nonambulatory and walking_lost_recently(referral, suspected))
        or (referral.ambulatory_status == AmbulatoryStatus.NOT_KNOWN and weak)
        or bool(findings & SPHINCTER_OR_SADDLE)
    )
    scan_done = referral.imaging_status in SCANNED
    qualifying_scan = (
        scan_done
        and referral.imaging_scope == ImagingScope.WHOLE_SPINE
        and (
            referral.imaging_modality == ImagingModality.MRI
            or (referral.imaging_modality == ImagingModality.CT and referral.mri_contraindicated)
        )
    )
    reported = referral.imaging_status == ImagingStatus.REPORTED
    return Derived(
        effective_suspected_at=suspected,
        qualifying_pain=any(feature != PainFeature.OTHER_SPINAL_PAIN for feature in pain),
        any_pain=bool(pain) or NeuroFinding.RADICULAR_PAIN in findings,
        haematological=status in WITH_DIAGNOSIS and cancer_type in HAEMATOLOGICAL,
        no_tissue_diagnosis=status not in WITH_DIAGNOSIS
        or (status == CancerStatus.PAST and cancer_type == CancerType.LYMPHOMA),
        new_nonambulatory=new_nonambulatory,
        instability_suggested=bool(findings)
        and (PainFeature.MECHANICAL in pain or progressing == Progression.YES or new_nonambulatory),
        emergency=emergency,
        scan_done=scan_done,
        qualifying_scan=qualifying_scan,
        metastases_reported=reported and referral.imaging_finding in METASTASES,
        mscc_reported=reported and referral.imaging_finding == ImagingFinding.MSCC,
        mscc_excluded=qualifying_scan and reported and referral.imaging_finding in NEGATIVE,
    )
