"""Section 10.11 (T1): a referral file's object read into a :class:`ReferralInput`, or every error, by field.

Two passes: keys, types and codes first; then, only when the first found nothing, the contradictions and
the order of the times. Every error a pass finds is reported, each under the field at fault (``events.KEY``
and ``previous_deadlines.KEY`` inside those objects). The messages are plain words for the referrer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

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
from .inputs import EVENT_FIELDS, OPTIONAL_FIELDS, REFERRAL_FIELDS, Events, ReferralInput

Errors = dict[str, list[str]]

MAX_TEXT: Final = 200
# A recorded time may be this far after evaluated_at (clocks of different systems disagree a little).
CLOCK_SKEW: Final = timedelta(minutes=5)

_CODES: Final[Mapping[str, type[StrEnum]]] = MappingProxyType(
    {
        "patient_location": PatientLocation,
        "cancer_status": CancerStatus,
        "cancer_type": CancerType,
        "neuro_history": NeuroHistory,
        "neuro_examination": NeuroExamination,
        "deficit_progressing": Progression,
        "ambulatory_status": AmbulatoryStatus,
        "imaging_status": ImagingStatus,
        "imaging_modality": ImagingModality,
        "imaging_scope": ImagingScope,
        "imaging_finding": ImagingFinding,
    }
)
_LISTS: Final[Mapping[str, type[StrEnum]]] = MappingProxyType(
    {"pain_features": PainFeature, "neuro_findings": NeuroFinding, "imaging_levels": SpinalLevel}
)
_TIMES: Final = frozenset(
    {
        "received_at",
        "suspected_at",
        "walking_lost_at",
        "imaging_booked_for",
        "imaging_at",
        "imaging_reported_at",
        "dexamethasone_given_at",
    }
)
_TIMER_NAMES: Final = frozenset(name.value for name in TimerName)
_TEXTS: Final = frozenset({"referrer_name", "referrer_organisation", "referrer_contact"})
_BOOLS: Final = frozenset({"urinary_retention_confirmed", "mri_contraindicated", "steroid_contraindication"})
NULLABLE_FIELDS: Final = frozenset(
    {
        "suspected_at",
        "cancer_type",
        "pain_features",
        "deficit_progressing",
        "walking_lost_at",
        "urinary_retention_confirmed",
        "imaging_modality",
        "imaging_booked_for",
        "imaging_at",
        "imaging_reported_at",
        "imaging_scope",
        "imaging_finding",
        "imaging_levels",
        "dexamethasone_given_at",
    }
)
_WITH_CANCER_TYPE: Final = frozenset({CancerStatus.CURRENT, CancerStatus.PAST})
_SIGNS: Final = frozenset({NeuroFinding.CORD_COMPRESSION_SIGNS, NeuroFinding.CAUDA_EQUINA_SIGNS})
_WALKING_FINDINGS: Final = frozenset({NeuroFinding.LIMB_WEAKNESS, NeuroFinding.GAIT_DIFFICULTY})
_LOST_WALKING: Final = frozenset({AmbulatoryStatus.CANNOT_WALK, AmbulatoryStatus.PARAPLEGIC})
_METASTASES: Final = frozenset({ImagingFinding.MSCC, ImagingFinding.SPINAL_METASTASES_NO_COMPRESSION})
# Which imaging fields each status needs (10.1 Imaging); every other imaging field must be null.
_IMAGING_NEEDS: Final[Mapping[ImagingStatus, frozenset[str]]] = MappingProxyType(
    {
        ImagingStatus.NOT_DONE: frozenset(),
        ImagingStatus.BOOKED: frozenset({"imaging_modality", "imaging_booked_for"}),
        ImagingStatus.DONE_NOT_REPORTED: frozenset({"imaging_modality", "imaging_at", "imaging_scope"}),
        ImagingStatus.REPORTED: frozenset(
            {"imaging_modality", "imaging_at", "imaging_reported_at", "imaging_scope", "imaging_finding"}
        ),
    }
)
_IMAGING_FIELDS: Final = (
    "imaging_modality",
    "imaging_booked_for",
    "imaging_at",
    "imaging_reported_at",
    "imaging_scope",
    "imaging_finding",
)


class Wrong(str):
    """A message in place of a value that cannot be read."""


def _time(value: object) -> datetime | Wrong:
    """An ISO 8601 date-time with a UTC offset, or the message saying why not."""
    if not isinstance(value, str):
        return Wrong("an ISO 8601 date-time with a UTC offset, as a string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return Wrong("not an ISO 8601 date-time")
    if moment.utcoffset() is None:
        return Wrong("give the UTC offset (for example +00:00)")
    return moment


def _code(kind: type[StrEnum], value: object) -> StrEnum | Wrong:
    if not isinstance(value, str):
        return Wrong("a code, as a string")
    try:
        return kind(value)
    except ValueError:
        return Wrong(f"unknown code {value!r}")


def _codes(kind: type[StrEnum], value: object) -> tuple[StrEnum, ...] | Wrong:
    if not isinstance(value, list):
        return Wrong("a list of codes")
    read = [_code(kind, item) for item in value]
    for item in read:
        if isinstance(item, Wrong):
            return item
    if len(set(read)) != len(read):
        return Wrong("a code is repeated")
    return tuple(item for item in read if isinstance(item, StrEnum))


def _text(value: object) -> str | Wrong:
    if not isinstance(value, str):
        return Wrong("text, as a string")
    if not value.strip() or len(value) > MAX_TEXT:
        return Wrong(f"text of 1 to {MAX_TEXT} characters")
    return value


def _value(name: str, value: object) -> object:
    """One top-level value read for its field: the typed value, or a :class:`Wrong` message."""
    if name in _TIMES or name == "evaluated_at":
        return _time(value)
    if name in _CODES:
        return _code(_CODES[name], value)
    if name in _LISTS:
        return _codes(_LISTS[name], value)
    if name in _TEXTS:
        return _text(value)
    # The remaining fields are the flags.
    return value if isinstance(value, bool) else Wrong("true or false")


class _Reader:
    """Pass 1 over one object: each value typed, or its error recorded under its name."""

    def __init__(self) -> None:
        self.errors: Errors = {}
        self.values: dict[str, Any] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def keep(self, name: str, typed: object) -> None:
        if isinstance(typed, Wrong):
            self.fail(name, str(typed))
        else:
            self.values[name] = typed

    def read(self, name: str, value: object, *, nullable: bool) -> None:
        if value is None:
            if nullable:
                self.values[name] = None
            else:
                self.fail(name, "required: this field cannot be null")
            return
        self.keep(name, _value(name, value))


def _read_events(reader: _Reader, data: object) -> None:
    if not isinstance(data, dict):
        reader.fail("events", "an object of event times")
        return
    for key in data:
        if key not in EVENT_FIELDS:
            reader.fail(f"events.{key}", "unknown field")
    for key in EVENT_FIELDS:
        if key not in data:
            continue
        value, name = data[key], f"events.{key}"
        if value is None:
            reader.fail(name, "give the event, or leave the key out until it happens")
        else:
            reader.keep(name, _code(DecisionType, value) if key == "decision_type" else _time(value))


def _read_previous(reader: _Reader, data: object) -> None:
    if not isinstance(data, dict):
        reader.fail("previous_deadlines", "an object from timer name to deadline")
        return
    deadlines: dict[TimerName, datetime] = {}
    for key, value in data.items():
        name = f"previous_deadlines.{key}"
        if key not in _TIMER_NAMES:
            reader.fail(name, "unknown timer")
            continue
        moment = _time(value)
        if isinstance(moment, Wrong):
            reader.fail(name, moment)
        else:
            deadlines[TimerName(key)] = moment
    reader.values["previous_deadlines"] = MappingProxyType(deadlines)


def _pass_one(data: dict[str, Any], default_evaluated_at: datetime) -> _Reader:
    reader = _Reader()
    for key in data:
        if key not in REFERRAL_FIELDS and key not in OPTIONAL_FIELDS:
            reader.fail(str(key), "unknown field")
    for name in REFERRAL_FIELDS:
        if name not in data:
            reader.fail(name, "required" + (": give null when it does not apply" if name in NULLABLE_FIELDS else ""))
        else:
            reader.read(name, data[name], nullable=name in NULLABLE_FIELDS)
    if data.get("id") is not None and not isinstance(data["id"], str):
        reader.fail("id", "the id must be a string")
    if "evaluated_at" in data:
        reader.read("evaluated_at", data["evaluated_at"], nullable=False)
    else:
        reader.values["evaluated_at"] = default_evaluated_at
    if "events" in data:
        _read_events(reader, data["events"])
    if "previous_deadlines" in data:
        _read_previous(reader, data["previous_deadlines"])
    return reader


def _contradictions(values: Mapping[str, Any]) -> Errors:
    """Pass 2: contradictions between fields, and the order of the times."""
    errors: Errors = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    status, cancer_type = values["cancer_status"], values["cancer_type"]
    if status in _WITH_CANCER_TYPE and cancer_type is None:
        fail("cancer_type", "required when cancer_status is current or past")
    if status not in _WITH_CANCER_TYPE and cancer_type is not None:
        fail("cancer_type", "only when cancer_status is current or past")
    pain = values["pain_features"]
    if pain is not None and PainFeature.OTHER_SPINAL_PAIN in pain and len(pain) > 1:
        fail("pain_features", "other_spinal_pain cannot be combined with another pain feature")
    findings = set(values["neuro_findings"])
    if findings & _SIGNS and values["neuro_examination"] == NeuroExamination.NOT_DONE:
        fail("neuro_findings", "examination signs recorded without an examination")
    if findings and values["deficit_progressing"] is None:
        fail("deficit_progressing", "required when there are neurological findings")
    if not findings and values["deficit_progressing"] is not None:
        fail("deficit_progressing", "null when there are no neurological findings")
    walking = values["ambulatory_status"]
    if walking in _LOST_WALKING and not findings & _WALKING_FINDINGS:
        fail("neuro_findings", "a patient who cannot walk needs limb_weakness or gait_difficulty")
    if values["walking_lost_at"] is not None and walking not in _LOST_WALKING:
        fail("walking_lost_at", "only when ambulatory_status is cannot_walk or paraplegic")
    if values["urinary_retention_confirmed"] is True and NeuroFinding.BLADDER_DYSFUNCTION not in findings:
        fail("neuro_findings", "confirmed retention needs bladder_dysfunction")
    _imaging_contradictions(values, fail)
    _time_order(values, fail)
    return errors


def _imaging_contradictions(values: Mapping[str, Any], fail: Callable[[str, str], None]) -> None:
    needs = _IMAGING_NEEDS[values["imaging_status"]]
    for name in _IMAGING_FIELDS:
        if name in needs and values[name] is None:
            fail(name, f"required when imaging_status is {values['imaging_status']}")
        elif name not in needs and values[name] is not None:
            fail(name, f"null when imaging_status is {values['imaging_status']}")
    levels = values["imaging_levels"]
    if values["imaging_finding"] in _METASTASES and not levels:
        fail("imaging_levels", "a non-empty list of levels when the report shows spinal metastases")
    if values["imaging_finding"] not in _METASTASES and levels is not None:
        fail("imaging_levels", "null unless the report shows spinal metastases")
    if values["mri_contraindicated"] and values["imaging_modality"] == ImagingModality.MRI:
        fail("mri_contraindicated", "contradicts imaging_modality mri")


def _time_order(values: Mapping[str, Any], fail: Callable[[str, str], None]) -> None:
    latest = values["evaluated_at"] + CLOCK_SKEW
    recorded = [name for name in sorted(_TIMES - {"imaging_booked_for"}) if values[name] is not None]
    recorded += [f"events.{key}" for key in EVENT_FIELDS if key != "decision_type" and f"events.{key}" in values]
    for name in recorded:
        if values[name] > latest:
            fail(name, "more than 5 minutes after evaluated_at")
    suspected, received = values["suspected_at"], values["received_at"]
    if suspected is not None and suspected > received and values.get("previous_deadlines") is None:
        fail("suspected_at", "after received_at: only a later version (with previous_deadlines) may suspect later")
    scanned, reported = values["imaging_at"], values["imaging_reported_at"]
    if scanned is not None and reported is not None and reported < scanned:
        fail("imaging_reported_at", "before imaging_at")
    acknowledged = values.get("events.coordinator_acknowledged_at")
    if acknowledged is not None and acknowledged < received:
        fail("events.coordinator_acknowledged_at", "before received_at")
    decided, decision_type = values.get("events.decision_at"), values.get("events.decision_type")
    if (decided is None) != (decision_type is None):
        fail("events.decision_type", "events.decision_at and events.decision_type are given together")
    started = values.get("events.treatment_started_at")
    if started is not None and (decided is None or started < decided):
        fail("events.treatment_started_at", "needs a decision, and cannot be before events.decision_at")


def read_referral(data: object, *, evaluated_at: datetime) -> tuple[ReferralInput | None, Errors]:
    """Validate one referral object (10.11): ``(input, {})``, or ``(None, {field: [messages]})``.

    ``evaluated_at`` is the evaluation time used when the object has none of its own.
    """
    if not isinstance(data, dict):
        return None, {"__all__": ["A referral must be a JSON object with the fields of section 10.1."]}
    reader = _pass_one(data, evaluated_at)
    if reader.errors:
        return None, reader.errors
    values = reader.values
    errors = _contradictions(values)
    if errors:
        return None, errors
    events = Events(
        coordinator_acknowledged_at=values.get("events.coordinator_acknowledged_at"),
        decision_at=values.get("events.decision_at"),
        decision_type=values.get("events.decision_type"),
        treatment_started_at=values.get("events.treatment_started_at"),
    )
    return (
        ReferralInput(
            **{name: values[name] for name in REFERRAL_FIELDS},
            evaluated_at=values["evaluated_at"],
            id=data.get("id"),
            events=events,
            previous_deadlines=values.get("previous_deadlines"),
        ),
        {},
    )
