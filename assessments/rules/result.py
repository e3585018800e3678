"""The result of an evaluation and its JSON shape (case-format.md, 'Result object')."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from .codes import (
    Alert,
    Bladder,
    BudgetStatus,
    CebrtRegimen,
    EsccGrade,
    LimitStatus,
    Mobility,
    NiederBand,
    NoLimitReason,
    PathwayCode,
    Radiation,
    Radiosensitivity,
    ReferenceCourse,
    Rule,
    SahgalBound,
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
from .facts import Words, text_of, words_to_json
from .record import record
from .texts import (
    ALERT_TEXTS,
    CEBRT_FIELD_TEXT,
    REGIMEN_TEXTS,
    SBRT_DOSES_TEXT,
    STEROID_DOSING_TEXT,
    SUPPORTIVE_CARE_ALWAYS,
)


@record
class SinsComponents:
    """SINS points per component."""

    location: int
    pain: int
    bone_lesion: int
    alignment: int
    collapse: int
    posterolateral: int


@record
class SinsResult:
    """SINS total, category and location class (spec 2.1)."""

    components: SinsComponents
    total: int
    category: SinsCategory
    location: SpineLocation


@record
class CebrtField:
    """The cEBRT field (spec 4): from the level above the index block to the level below it."""

    from_level: SpinalLevel
    to_level: SpinalLevel


@record
class Pathway:
    """The definitive treatment pathway (spec 3) and its cEBRT regimen (spec 4)."""

    code: PathwayCode
    rule: Rule
    stabilization: Stabilization | None
    radiation: Radiation | None
    cebrt_regimen: CebrtRegimen | None
    cebrt_field: CebrtField | None = None


def _number(value: Decimal | None) -> float | None:
    """A dose figure for JSON: every figure has at most 2 decimals, so the float prints as the decimal."""
    return None if value is None else float(value)


@record
class PhaseDose:
    """One entry of a course (4.1, RB3-RB4): the cord dose taken, whether it is assumed, its BED and EQD2."""

    cord_dose_gy: Decimal | None
    cord_dose_assumed: bool
    bed: Decimal | None
    eqd2: Decimal | None

    def to_dict(self) -> dict[str, object]:
        return {
            "cord_dose_gy": _number(self.cord_dose_gy),
            "cord_dose_assumed": self.cord_dose_assumed,
            "bed": _number(self.bed),
            "eqd2": _number(self.eqd2),
        }


@record
class CourseDose:
    """One course (4.1, RB2): the sum of its phases' BED, its EQD2, and the phases in input order."""

    bed: Decimal | None
    eqd2: Decimal | None
    phases: tuple[PhaseDose, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "bed": _number(self.bed),
            "eqd2": _number(self.eqd2),
            "phases": [phase.to_dict() for phase in self.phases],
        }


@record
class ReferenceCalculation:
    """A short reference course held against Nieder 2006 (4.1, RB6); never a prescription."""

    code: ReferenceCourse
    bed: Decimal
    cumulative_bed: Decimal
    band: NiederBand
    status: LimitStatus

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code.value,
            "bed": float(self.bed),
            "cumulative_bed": float(self.cumulative_bed),
            "band": self.band.value,
            "status": self.status.value,
        }


@record
class Nieder2006:
    """Nieder 2006 for a further cEBRT course after one cEBRT course (4.1, RB6)."""

    prior_course_over_98: bool
    interval_met: bool
    reference_calculations: tuple[ReferenceCalculation, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "prior_course_over_98": self.prior_course_over_98,
            "interval_met": self.interval_met,
            "reference_calculations": [item.to_dict() for item in self.reference_calculations],
        }


@record
class Sahgal2012:
    """Sahgal 2012's thecal-sac Pmax limits for a further SBRT course after one cEBRT course (4.1, RB7).

    ``pmax_constraint_gy`` pairs each fraction count (1, 2, 3, 5) with its Pmax constraint in Gy.
    """

    interval_met: bool
    remaining_eqd2: Decimal
    limited_by: tuple[SahgalBound, ...]
    prior_outside_cohort_range: bool
    pmax_constraint_gy: tuple[tuple[int, Decimal], ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "interval_met": self.interval_met,
            "remaining_eqd2": float(self.remaining_eqd2),
            "limited_by": [bound.value for bound in self.limited_by],
            "prior_outside_cohort_range": self.prior_outside_cohort_range,
            "thecal_sac_pmax_constraint_gy": {str(n): float(gy) for n, gy in self.pmax_constraint_gy},
        }


@record
class Reirradiation:
    """The spinal cord dose budget of one level irradiated before (4.1): information, never a prescription."""

    status: BudgetStatus
    no_validated_limit_reasons: tuple[NoLimitReason, ...]
    cord_dose_assumed: bool
    courses: tuple[CourseDose, ...]
    cumulative_bed: Decimal | None
    cumulative_eqd2: Decimal | None
    last_end_date: date | None
    months_since_last: int | None
    nieder_2006: Nieder2006 | None
    sahgal_2012: Sahgal2012 | None

    def to_dict(self) -> dict[str, object]:
        """The ``lesions[i].reirradiation`` object of case-format.md: every key always present."""
        return {
            "status": self.status.value,
            "no_validated_limit_reasons": [reason.value for reason in self.no_validated_limit_reasons],
            "cord_dose_assumed": self.cord_dose_assumed,
            "courses": [course.to_dict() for course in self.courses],
            "cumulative_bed": _number(self.cumulative_bed),
            "cumulative_eqd2": _number(self.cumulative_eqd2),
            "last_end_date": None if self.last_end_date is None else self.last_end_date.isoformat(),
            "months_since_last": self.months_since_last,
            "nieder_2006": None if self.nieder_2006 is None else self.nieder_2006.to_dict(),
            "sahgal_2012": None if self.sahgal_2012 is None else self.sahgal_2012.to_dict(),
        }


@record
class LesionResult:
    """One lesion's derived values (spec 2.1, 2.2, 2.4), with its position in ``lesions``."""

    position: int
    spinal_level: SpinalLevel
    index: bool
    sins: SinsResult
    escc_grade: EsccGrade
    high_grade: bool
    stability: Stability
    reirradiation: Reirradiation | None = None

    def to_dict(self) -> dict[str, object]:
        budget = self.reirradiation
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
            "reirradiation": None if budget is None else budget.to_dict(),
        }


@record
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


@record
class RationaleItem:
    """Why one part of the result is what it is.

    ``topic`` names the result part ("sins", "pathway", ... or "alert:<code>"); ``rule`` the
    spec rule or section ("P8", "2.1 SINS"); ``words`` the reason as plain words and the facts it
    names (``facts.py``); ``text`` the same spelled with the spec's codes ("sins_pain mechanical
    (3)"); ``inputs`` the input field names used; ``source`` the seed section and reference numbers.
    """

    topic: str
    rule: str
    words: Words
    inputs: tuple[str, ...]
    source: str

    @property
    def text(self) -> str:
        """The reason as the engine writes it, each input named with its code."""
        return text_of(self.words)


@record
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


def _reason(item: RationaleItem, *, words: bool) -> dict[str, object]:
    entry: dict[str, object] = {
        "rule": item.rule,
        "text": item.text,
        "source": item.source,
        "topic": item.topic,
        "inputs": list(item.inputs),
    }
    if words:
        entry["words"] = words_to_json(item.words)
    return entry


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------


def _value(code: StrEnum | None) -> str | None:
    return None if code is None else code.value


@record
class Result:
    """The evaluation of one case: every recommendation with its rationale.

    ``sins``, ``escc_grade``, ``high_grade`` and ``stability`` are the index lesion's (as in 2026.1);
    ``lesions`` holds every lesion in the order given, ``prognosis_scores`` the three scores of 8.2 and
    ``alert_details`` each alert with its text (naming levels where the alert does) and source.
    """

    rule_set: str
    evaluation_date: date
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
        return self._as_dict(words=False)

    def _as_dict(self, *, words: bool) -> dict[str, object]:
        sins = self.sins
        pathway = self.pathway
        field = pathway.cebrt_field
        result: dict[str, object] = {
            "rule_set": self.rule_set,
            "evaluation_date": self.evaluation_date.isoformat(),
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
            "rationale": [_reason(item, words=words) for item in self.rationale],
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

    def to_snapshot(self) -> dict[str, object]:
        """What a saved case stores and the page shows: :meth:`to_dict` with each reason's ``words``.

        ``rationale[].words`` holds the parts of the reason (``facts.words_to_json``), so the page
        spells the facts in clinical words without reading ``text``; :meth:`to_dict` itself stays the
        case-format object that ``evaluate_case`` prints.
        """
        return self._as_dict(words=True)
