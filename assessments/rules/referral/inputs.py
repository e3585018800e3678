"""Section 10.1: a referral as the rules read it (one version), its events, and the targets a site may set."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Final

from ..codes import SpinalLevel
from .codes import (
    AmbulatoryStatus,
    CancerStatus,
    CancerType,
    DecisionType,
    ImagingFinding,
    ImagingModality,
    ImagingScope,
    ImagingStatus,
    NeuroExamination,
    NeuroFinding,
    NeuroHistory,
    PainFeature,
    PatientLocation,
    Progression,
    TimerName,
)

# The keys of a referral in the order of 10.1's tables; every one is required (nullable ones as null).
REFERRAL_FIELDS: Final = (
    "received_at",
    "suspected_at",
    "referrer_name",
    "referrer_organisation",
    "referrer_contact",
    "patient_location",
    "cancer_status",
    "cancer_type",
    "pain_features",
    "neuro_findings",
    "neuro_history",
    "neuro_examination",
    "deficit_progressing",
    "ambulatory_status",
    "walking_lost_at",
    "urinary_retention_confirmed",
    "imaging_status",
    "imaging_modality",
    "imaging_booked_for",
    "imaging_at",
    "imaging_reported_at",
    "imaging_scope",
    "imaging_finding",
    "imaging_levels",
    "mri_contraindicated",
    "dexamethasone_given_at",
    "steroid_contraindication",
)
OPTIONAL_FIELDS: Final = ("id", "evaluated_at", "events", "previous_deadlines")
EVENT_FIELDS: Final = ("coordinator_acknowledged_at", "decision_at", "decision_type", "treatment_started_at")


@dataclass(frozen=True, slots=True)
class Events:
    """What has happened to the referral (the same in every version); None = not yet."""

    coordinator_acknowledged_at: datetime | None = None
    decision_at: datetime | None = None
    decision_type: DecisionType | None = None
    treatment_started_at: datetime | None = None


NO_EVENTS: Final = Events()


@dataclass(frozen=True, slots=True)
class ReferralInput:
    """One version of a referral under the names of 10.1, already validated (``validation.read_referral``).

    Times are aware datetimes. ``previous_deadlines`` is None in a first version; in a later version it
    maps each timer that had a deadline in the previous version's result to that deadline.
    """

    received_at: datetime
    suspected_at: datetime | None
    referrer_name: str
    referrer_organisation: str
    referrer_contact: str
    patient_location: PatientLocation
    cancer_status: CancerStatus
    cancer_type: CancerType | None
    pain_features: tuple[PainFeature, ...] | None
    neuro_findings: tuple[NeuroFinding, ...]
    neuro_history: NeuroHistory
    neuro_examination: NeuroExamination
    deficit_progressing: Progression | None
    ambulatory_status: AmbulatoryStatus
    walking_lost_at: datetime | None
    urinary_retention_confirmed: bool | None
    imaging_status: ImagingStatus
    imaging_modality: ImagingModality | None
    imaging_booked_for: datetime | None
    imaging_at: datetime | None
    imaging_reported_at: datetime | None
    imaging_scope: ImagingScope | None
    imaging_finding: ImagingFinding | None
    imaging_levels: tuple[SpinalLevel, ...] | None
    mri_contraindicated: bool
    dexamethasone_given_at: datetime | None
    steroid_contraindication: bool
    evaluated_at: datetime
    id: str | None = None
    events: Events = NO_EVENTS
    previous_deadlines: Mapping[TimerName, datetime] | None = field(default=None, hash=False)


def iso(moment: datetime) -> str:
    """A time as the result gives it: ISO 8601 in UTC ("2027-03-01T09:00:00+00:00")."""
    return moment.astimezone(UTC).isoformat()


# --------------------------------------------------------------------------------------------
# Durations and the targets a site sets (10.10, "Local targets")
# --------------------------------------------------------------------------------------------

_DURATION: Final = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?")


def duration(text: str) -> timedelta:
    """An ISO 8601 duration of days, hours and minutes ("P7D", "PT4H", "PT30M") as a ``timedelta``.

    Raises ``ValueError`` for anything else, or for a duration of nothing ("P", "PT").
    """
    match = _DURATION.fullmatch(text)
    if match is None or not any(match.groups()) or text.endswith("T"):
        raise ValueError(f"not an ISO 8601 duration of days, hours and minutes: {text!r}")
    days, hours, minutes = (int(group or 0) for group in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


# Each target whose basis is ``local``, by name, with the rule set's value. A site may set any of them
# shorter; only ``imaging_immediately`` may be set longer, up to the QS56-3 window it sits inside.
LOCAL_TARGET_DEFAULTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "acknowledge_emergency": "PT30M",  # T2, T3
        "acknowledge_insufficient": "PT2H",  # T4
        "acknowledge_spinal_metastases": "PT24H",  # T5
        "imaging_immediately": "PT4H",
        "imaging_24_hours_no_known_cancer": "PT24H",  # T3's 24 hours is local: outside NG234
        "report_immediately": "PT1H",
        "report_24_hours": "PT4H",
        "report_1_week": "PT48H",
        "decision_immediately": "PT4H",
        "decision_otherwise": "PT12H",
        "treatment_surgery": "PT24H",
    }
)
IMAGING_IMMEDIATELY_LIMIT: Final = "PT24H"


@dataclass(frozen=True, slots=True)
class LocalTargets:
    """The site's targets with a ``local`` basis, as ISO 8601 durations (the rule set's by default).

    ``__post_init__`` refuses a target that is not a duration, or longer than the rule set allows, with a
    ``ValueError`` naming it. The NICE targets (QS56-2, QS56-3, QS56-6) are not here: they are fixed.
    """

    targets: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.targets) - set(LOCAL_TARGET_DEFAULTS))
        if unknown:
            raise ValueError(f"{unknown[0]}: not a local target")
        for name, text in self.targets.items():
            limit = IMAGING_IMMEDIATELY_LIMIT if name == "imaging_immediately" else LOCAL_TARGET_DEFAULTS[name]
            if not timedelta(0) < duration(text) <= duration(limit):
                raise ValueError(f"{name}: {text} is not within the rule set's {limit}")

    def get(self, name: str) -> str:
        """The site's target ``name``, or the rule set's when the site has not set it."""
        return self.targets.get(name, LOCAL_TARGET_DEFAULTS[name])


RULE_SET_TARGETS: Final = LocalTargets()
