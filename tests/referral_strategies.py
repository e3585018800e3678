"""Hypothesis strategies for consistent referrals (section 10.1), every contradiction of 10.11 avoided."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from assessments.rules import SpinalLevel
from assessments.rules.referral import (
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
)

RECEIVED = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
_SIGNS = {NeuroFinding.CORD_COMPRESSION_SIGNS, NeuroFinding.CAUDA_EQUINA_SIGNS}
_WEAK = {NeuroFinding.LIMB_WEAKNESS, NeuroFinding.GAIT_DIFFICULTY}


def iso(moment: datetime) -> str:
    return moment.isoformat()


def _hours(low: int, high: int) -> st.SearchStrategy[timedelta]:
    return st.integers(low * 4, high * 4).map(lambda quarters: timedelta(minutes=15 * quarters))


@st.composite
def referrals(draw: st.DrawFn, *, received: datetime = RECEIVED) -> dict[str, Any]:
    """One valid referral file object (a first version: no ``previous_deadlines``)."""
    evaluated = received + draw(_hours(0, 300))
    suspected = draw(st.none() | _hours(0, 72).map(lambda back: received - back))
    status = draw(st.sampled_from(CancerStatus))
    cancer_type = draw(st.sampled_from(CancerType)) if status in (CancerStatus.CURRENT, CancerStatus.PAST) else None
    pain_kind = draw(st.sampled_from(["none", "null", "other", "features"]))
    features = [f for f in PainFeature if f != PainFeature.OTHER_SPINAL_PAIN]
    pain = {
        "none": [],
        "null": None,
        "other": [PainFeature.OTHER_SPINAL_PAIN],
        "features": draw(st.lists(st.sampled_from(features), min_size=1, max_size=4, unique=True)),
    }[pain_kind]
    history = draw(st.sampled_from(NeuroHistory))
    examination = draw(st.sampled_from(NeuroExamination))
    allowed = [f for f in NeuroFinding if examination == NeuroExamination.DONE or f not in _SIGNS]
    findings = draw(st.lists(st.sampled_from(allowed), max_size=4, unique=True))
    progressing = draw(st.sampled_from(Progression)) if findings else None
    walking_codes = list(AmbulatoryStatus)
    if not set(findings) & _WEAK:
        walking_codes = [
            a for a in walking_codes if a not in (AmbulatoryStatus.CANNOT_WALK, AmbulatoryStatus.PARAPLEGIC)
        ]
    walking = draw(st.sampled_from(walking_codes))
    lost = None
    if walking in (AmbulatoryStatus.CANNOT_WALK, AmbulatoryStatus.PARAPLEGIC):
        lost = draw(st.none() | _hours(0, 120).map(lambda back: iso(received - back)))
    retention_choices: list[bool | None] = [None, False]
    if NeuroFinding.BLADDER_DYSFUNCTION in findings:
        retention_choices.append(True)
    imaging = draw(_imaging(received, evaluated))
    if imaging["mri_contraindicated"] is None:
        imaging["mri_contraindicated"] = draw(st.booleans())
    dexamethasone = draw(st.none() | _hours(0, 24).map(lambda back: iso(evaluated - back)))
    events: dict[str, str] = {}
    if draw(st.booleans()):
        events["coordinator_acknowledged_at"] = iso(received + draw(_hours(0, 30)))
    if draw(st.booleans()):
        decided = received + draw(_hours(0, 200))
        events["decision_at"] = iso(decided)
        events["decision_type"] = draw(st.sampled_from(DecisionType))
        if draw(st.booleans()):
            events["treatment_started_at"] = iso(decided + draw(_hours(0, 48)))
    data: dict[str, Any] = {
        "id": "generated",
        "received_at": iso(received),
        "suspected_at": None if suspected is None else iso(suspected),
        "evaluated_at": iso(max([evaluated, *(datetime.fromisoformat(t) for t in events.values() if "T" in t)])),
        "referrer_name": "Dr A. Example",
        "referrer_organisation": "Riverside Surgery",
        "referrer_contact": "01632 960001",
        "patient_location": draw(st.sampled_from(PatientLocation)),
        "cancer_status": status,
        "cancer_type": cancer_type,
        "pain_features": pain,
        "neuro_history": history,
        "neuro_examination": examination,
        "neuro_findings": findings,
        "deficit_progressing": progressing,
        "ambulatory_status": walking,
        "walking_lost_at": lost,
        "urinary_retention_confirmed": draw(st.sampled_from(retention_choices)),
        **imaging,
        "dexamethasone_given_at": dexamethasone,
        "steroid_contraindication": draw(st.booleans()),
    }
    if events:
        data["events"] = events
    return _plain(data)


@st.composite
def _imaging(draw: st.DrawFn, received: datetime, evaluated: datetime) -> dict[str, Any]:
    status = draw(st.sampled_from(ImagingStatus))
    out: dict[str, Any] = {
        "imaging_status": status,
        "imaging_modality": None,
        "imaging_booked_for": None,
        "imaging_at": None,
        "imaging_reported_at": None,
        "imaging_scope": None,
        "imaging_finding": None,
        "imaging_levels": None,
        "mri_contraindicated": None,
    }
    if status == ImagingStatus.NOT_DONE:
        return out
    modality = draw(st.sampled_from(ImagingModality))
    out["imaging_modality"] = modality
    out["mri_contraindicated"] = False if modality == ImagingModality.MRI else draw(st.booleans())
    if status == ImagingStatus.BOOKED:
        out["imaging_booked_for"] = iso(received + draw(_hours(0, 240)))
        return out
    scanned = evaluated - draw(_hours(0, 12))
    out["imaging_at"] = iso(scanned)
    out["imaging_scope"] = draw(st.sampled_from(ImagingScope))
    if status == ImagingStatus.REPORTED:
        out["imaging_reported_at"] = iso(min(evaluated, scanned + draw(_hours(0, 6))))
        finding = draw(st.sampled_from(ImagingFinding))
        out["imaging_finding"] = finding
        if finding in (ImagingFinding.MSCC, ImagingFinding.SPINAL_METASTASES_NO_COMPRESSION):
            out["imaging_levels"] = draw(st.lists(st.sampled_from(SpinalLevel), min_size=1, max_size=3, unique=True))
    return out


def _plain(value: Any) -> Any:
    """Enum members as their codes, recursively (the file holds plain JSON)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value.value if hasattr(value, "value") else value
