"""The result of an evaluation and its JSON shape (case-format.md, 'Result object')."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from .codes import (
    Alert,
    Bladder,
    CebrtRegimen,
    EsccGrade,
    Mobility,
    PathwayCode,
    Radiation,
    Radiosensitivity,
    Rule,
    ScoreBand,
    ScoreName,
    SinsCategory,
    SpinalLevel,
    SpineLocation,
    Stability,
    Stabilization,
    Steroids,
    Urgency,
    VteProphylaxis,
)
from .inputs import LESION_FIELDS, MAX_LESIONS, LesionInput
from .texts import (
    ALERT_TEXTS,
    CEBRT_FIELD_TEXT,
    REGIMEN_TEXTS,
    SBRT_DOSES_TEXT,
    SINS_INPUTS,
    STABILITY_INPUTS,
    STEROID_DOSING_TEXT,
    SUPPORTIVE_CARE_ALWAYS,
)


@dataclass(frozen=True, slots=True)
class SinsComponents:
    """SINS points per component."""

    location: int
    pain: int
    bone_lesion: int
    alignment: int
    collapse: int
    posterolateral: int


@dataclass(frozen=True, slots=True)
class SinsResult:
    """SINS total, category and location class (spec 2.1)."""

    components: SinsComponents
    total: int
    category: SinsCategory
    location: SpineLocation


@dataclass(frozen=True, slots=True)
class CebrtField:
    """The cEBRT field (spec 4): from the level above the index block to the level below it."""

    from_level: SpinalLevel
    to_level: SpinalLevel


@dataclass(frozen=True, slots=True)
class Pathway:
    """The definitive treatment pathway (spec 3) and its cEBRT regimen (spec 4)."""

    code: PathwayCode
    rule: Rule
    stabilization: Stabilization | None
    radiation: Radiation | None
    cebrt_regimen: CebrtRegimen | None
    cebrt_field: CebrtField | None = None


@dataclass(frozen=True, slots=True)
class LesionResult:
    """One lesion's derived values (spec 2.1, 2.2, 2.4), with its position in ``lesions``."""

    position: int
    spinal_level: SpinalLevel
    index: bool
    sins: SinsResult
    escc_grade: EsccGrade
    high_grade: bool
    stability: Stability

    def to_dict(self) -> dict[str, object]:
        return {
            "spinal_level": self.spinal_level.value,
            "index": self.index,
            "sins": {
                "total": self.sins.total,
                "category": self.sins.category.value,
                "components": _components(self.sins),
            },
            "escc": {"grade": self.escc_grade.value, "high_grade": self.high_grade},
            "stability": self.stability.value,
        }


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """One prognosis score (spec 8.2): computed (``score``, ``band``, ``items``) or ``missing`` inputs."""

    name: ScoreName
    maximum: int
    score: int | None = None
    band: ScoreBand | None = None
    items: tuple[tuple[str, int], ...] = ()
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        if self.score is None:
            return {"missing": list(self.missing)}
        assert self.band is not None
        return {"score": self.score, "max": self.maximum, "band": self.band.value, "items": dict(self.items)}


@dataclass(frozen=True, slots=True)
class RationaleItem:
    """Why one part of the result is what it is.

    ``topic`` names the result part ("sins", "pathway", ... or "alert:<code>"); ``rule`` the
    spec rule or section ("P8", "2.1 SINS"); ``text`` the reason in words, naming the inputs
    and their values; ``inputs`` the input field names used; ``source`` the seed section and
    reference numbers.
    """

    topic: str
    rule: str
    text: str
    inputs: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class AlertItem:
    """An alert code with its explanatory text and source."""

    code: Alert
    text: str
    source: str


ALERT_ITEMS: Final[Mapping[Alert, AlertItem]] = MappingProxyType(
    {code: AlertItem(code, note.text, note.source) for code, note in ALERT_TEXTS.items()}
)


def _components(sins: SinsResult) -> dict[str, int]:
    points = sins.components
    return {
        "location": points.location,
        "pain": points.pain,
        "bone_lesion": points.bone_lesion,
        "alignment": points.alignment,
        "collapse": points.collapse,
        "posterolateral": points.posterolateral,
    }


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------


def _value(code: StrEnum | None) -> str | None:
    return None if code is None else code.value


@dataclass(frozen=True, slots=True)
class Result:
    """The evaluation of one case: every recommendation with its rationale.

    ``sins``, ``escc_grade``, ``high_grade`` and ``stability`` are the index lesion's (as in 2026.1);
    ``lesions`` holds every lesion in the order given, ``prognosis_scores`` the three scores of 8.2 and
    ``alert_details`` each alert with its text (naming levels where the alert does) and source.
    """

    rule_set: str
    sins: SinsResult
    escc_grade: EsccGrade
    high_grade: bool
    radiosensitivity: Radiosensitivity
    stability: Stability
    significant_deficit: bool
    pathway: Pathway
    urgency: Urgency
    steroids: Steroids
    vte_prophylaxis: VteProphylaxis
    bladder: Bladder
    mobility: Mobility
    alerts: tuple[Alert, ...]
    rationale: tuple[RationaleItem, ...]
    lesions: tuple[LesionResult, ...]
    prognosis_scores: tuple[ScoreResult, ...]
    alert_details: tuple[AlertItem, ...]

    @property
    def alert_items(self) -> tuple[AlertItem, ...]:
        """The alerts with their texts and sources, in :class:`Alert` order."""
        return self.alert_details

    def to_dict(self) -> dict[str, object]:
        """The JSON result object of ``case-format.md`` (plain str, int, bool and None).

        Extra keys beyond the case format: ``significant_deficit``, ``sins.location``,
        ``rationale[].topic``,
        ``alert_details``, ``supportive_care_always``, and when they apply
        ``regimen_text``, ``field_text``, ``sbrt_dose_text`` and ``steroid_dosing_text``.
        """
        sins = self.sins
        pathway = self.pathway
        field = pathway.cebrt_field
        result: dict[str, object] = {
            "rule_set": self.rule_set,
            "sins": {
                "total": sins.total,
                "category": sins.category.value,
                "components": _components(sins),
                "location": sins.location.value,
            },
            "escc": {"grade": self.escc_grade.value, "high_grade": self.high_grade},
            "radiosensitivity": self.radiosensitivity.value,
            "stability": self.stability.value,
            "significant_deficit": self.significant_deficit,
            "pathway": {
                "code": pathway.code.value,
                "rule": pathway.rule.value,
                "stabilization": _value(pathway.stabilization),
                "radiation": _value(pathway.radiation),
                "cebrt_regimen": _value(pathway.cebrt_regimen),
                "cebrt_field": None if field is None else {"from": field.from_level.value, "to": field.to_level.value},
            },
            "lesions": [lesion.to_dict() for lesion in self.lesions],
            "urgency": self.urgency.value,
            "steroids": self.steroids.value,
            "vte_prophylaxis": self.vte_prophylaxis.value,
            "bladder": self.bladder.value,
            "mobility": self.mobility.value,
            "alerts": [code.value for code in self.alerts],
            "alert_details": [
                {"code": item.code.value, "text": item.text, "source": item.source} for item in self.alert_items
            ],
            "rationale": [
                {
                    "rule": item.rule,
                    "text": item.text,
                    "source": item.source,
                    "topic": item.topic,
                    "inputs": list(item.inputs),
                }
                for item in self.rationale
            ],
            "supportive_care_always": SUPPORTIVE_CARE_ALWAYS.text,
            "prognosis_scores": {score.name.value: score.to_dict() for score in self.prognosis_scores},
        }
        if pathway.cebrt_regimen is not None:
            result["regimen_text"] = REGIMEN_TEXTS[pathway.cebrt_regimen]
        if pathway.radiation == Radiation.CEBRT:
            result["field_text"] = CEBRT_FIELD_TEXT.text
        if pathway.radiation == Radiation.SBRT or Alert.HYPOFRACTIONATED_SBRT_OPTION in self.alerts:
            result["sbrt_dose_text"] = SBRT_DOSES_TEXT.text
        if self.steroids == Steroids.HIGH_DOSE:
            result["steroid_dosing_text"] = STEROID_DOSING_TEXT.text
        return result


class FieldNames:
    """The case-format names of the lesion fields the rules read together, for the lesions at ``positions``.

    Names run position by position: ``FieldNames((2,)).stability`` is lesion 2's stability inputs,
    ``EVERY_LESION[3].stability`` those of every lesion of a three-lesion case. Only constant tables
    hold these (:data:`LESION_NAMES`, :data:`EVERY_LESION`, built at import): an evaluation looks
    names up, it never builds them.
    """

    __slots__ = (
        "escc_and_pain",
        "escc_and_stability",
        "level_and_index",
        "pain_and_assessment",
        "prior_radiation",
        "sins",
        "stability",
    )

    def __init__(self, positions: tuple[int, ...]) -> None:
        def named(*fields: str) -> tuple[str, ...]:
            return tuple(f"lesions[{position}].{name}" for position in positions for name in fields)

        self.sins = named(*SINS_INPUTS)
        self.stability = named(*STABILITY_INPUTS)
        self.escc_and_stability = named("escc_grade", *STABILITY_INPUTS)
        self.escc_and_pain = named("escc_grade", "sins_pain")
        self.pain_and_assessment = named("sins_pain", "stability_assessment")
        self.level_and_index = named("spinal_level", "index")
        self.prior_radiation = named("prior_radiation_in_field")


class LesionNames(FieldNames):
    """The names of one lesion's fields, such as ``lesions[1].escc_grade``, also one by one (``field``)."""

    __slots__ = ("field",)

    def __init__(self, position: int) -> None:
        super().__init__((position,))
        self.field: Mapping[str, str] = MappingProxyType(
            {name: f"lesions[{position}].{name}" for name in (*LESION_FIELDS, "index")}
        )

    def qualify(self, inputs: tuple[str, ...]) -> tuple[str, ...]:
        """``inputs`` with each bare lesion field name (``escc_grade``) named for this lesion."""
        field = self.field
        return tuple(field.get(name, name) for name in inputs)


LESION_NAMES: Final = tuple(LesionNames(position) for position in range(MAX_LESIONS))
# EVERY_LESION[n]: the names of every lesion of a case with n lesions, in position order.
EVERY_LESION: Final = tuple(FieldNames(tuple(range(count))) for count in range(MAX_LESIONS + 1))


def every_lesion(lesions: tuple[LesionView, ...]) -> FieldNames:
    """The field names of every lesion of a case, ``lesions`` being all of them in position order."""
    return EVERY_LESION[len(lesions)]


class LesionView:
    """A lesion as the any-lesion rules read it: its inputs, derived values and field names."""

    __slots__ = ("derived", "given", "names")

    def __init__(self, *, given: LesionInput, derived: LesionResult) -> None:
        self.given = given
        self.derived = derived
        self.names = LESION_NAMES[derived.position]

    def name(self, field_name: str) -> str:
        """The case-format name of one of this lesion's fields, such as ``lesions[1].escc_grade``."""
        return self.names.field[field_name]
