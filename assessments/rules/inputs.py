"""Spec section 1: the case input, and the groupings of input codes the rules use (2.3, 5, 7)."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final

from .codes import (
    CourseTechnique,
    EsccGrade,
    ExpectedSurvival,
    FrankelGrade,
    Histology,
    MotorStatus,
    OtherRadiosensitivity,
    PathwayCode,
    PrimaryGrowth,
    PrimarySite,
    SinsAlignment,
    SinsBoneLesion,
    SinsCollapse,
    SinsPain,
    SinsPosterolateral,
    SpinalLevel,
    StabilityAssessment,
    SurgicalCandidate,
    VisceralMetastases,
)

# --------------------------------------------------------------------------------------------
# Groupings used by the rules (spec 2.3, 5, 7)
# --------------------------------------------------------------------------------------------

SENSITIVE_HISTOLOGIES: Final = frozenset(
    {
        Histology.LYMPHOMA,
        Histology.MYELOMA,
        Histology.SMALL_CELL_LUNG,
        Histology.GERM_CELL,
        Histology.PROSTATE,
        Histology.BREAST,
        Histology.OVARIAN,
    }
)
RESISTANT_HISTOLOGIES: Final = frozenset(
    {
        Histology.MELANOMA,
        Histology.RENAL_CELL,
        Histology.NON_SMALL_CELL_LUNG,
        Histology.GASTROINTESTINAL,
        Histology.SARCOMA,
    }
)
HEMATOLOGIC_HISTOLOGIES: Final = frozenset({Histology.LYMPHOMA, Histology.MYELOMA})
SOLID_RADIOSENSITIVE_HISTOLOGIES: Final = SENSITIVE_HISTOLOGIES - HEMATOLOGIC_HISTOLOGIES
SYSTEMIC_OPTION_HISTOLOGIES: Final = frozenset(
    {
        Histology.LYMPHOMA,
        Histology.GERM_CELL,
        Histology.BREAST,
        Histology.PROSTATE,
    }
)
SURGICAL_PATHWAYS: Final = frozenset(
    {
        PathwayCode.URGENT_DECOMPRESSION,
        PathwayCode.STABILIZATION_THEN_RADIATION,
        PathwayCode.SEPARATION_SURGERY_SBRT,
        PathwayCode.MAXIMAL_EXCISION_CEBRT,
    }
)
HIGH_GRADES: Final = frozenset({EsccGrade.GRADE_2, EsccGrade.GRADE_3})
NOT_AMBULATORY: Final = frozenset({MotorStatus.NONAMBULATORY, MotorStatus.PARAPLEGIC})
VCF_COLLAPSE: Final = frozenset({SinsCollapse.GT_50, SinsCollapse.LT_50})


# --------------------------------------------------------------------------------------------
# Primary site and growth (spec 8.2), needed to validate the prognosis inputs
# --------------------------------------------------------------------------------------------

# The sites histology fixes; "others" is Tokuhashi's "every site not listed".
SITE_BY_HISTOLOGY: Final[Mapping[Histology, str]] = MappingProxyType(
    {
        Histology.SMALL_CELL_LUNG: "lung",
        Histology.NON_SMALL_CELL_LUNG: "lung",
        Histology.BREAST: "breast",
        Histology.PROSTATE: "prostate",
        Histology.RENAL_CELL: "kidney",
        Histology.UNKNOWN_PRIMARY: "unidentified",
        Histology.LYMPHOMA: "others",
        Histology.MYELOMA: "others",
        Histology.MELANOMA: "others",
        Histology.GERM_CELL: "others",
        Histology.OVARIAN: "others",
    }
)
_S = PrimarySite
SITES_ALLOWED: Final[Mapping[Histology, frozenset[PrimarySite]]] = MappingProxyType(
    {
        Histology.GASTROINTESTINAL: frozenset(
            {_S.ESOPHAGUS, _S.STOMACH, _S.PANCREAS, _S.LIVER, _S.GALLBLADDER, _S.COLON, _S.RECTUM}
            | {_S.CARCINOID, _S.OTHER_GASTROINTESTINAL}
        ),
        Histology.SARCOMA: frozenset({_S.OSTEOSARCOMA, _S.OTHER_SARCOMA}),
        Histology.OTHER: frozenset({_S.THYROID, _S.CARCINOID, _S.BLADDER, _S.UTERUS, _S.OTHER_SITE}),
    }
)
# Tomita's table fixes the growth of these sites; every other known site needs primary_growth.
GROWTH_BY_SITE: Final[Mapping[str, PrimaryGrowth]] = MappingProxyType(
    {
        "breast": PrimaryGrowth.SLOW,
        "prostate": PrimaryGrowth.SLOW,
        "thyroid": PrimaryGrowth.SLOW,
        "kidney": PrimaryGrowth.MODERATE,
        "uterus": PrimaryGrowth.MODERATE,
        "lung": PrimaryGrowth.RAPID,
        "liver": PrimaryGrowth.RAPID,
        "stomach": PrimaryGrowth.RAPID,
        "colon": PrimaryGrowth.RAPID,
        "unidentified": PrimaryGrowth.RAPID,
    }
)
MAX_LESIONS: Final = 8
# Prior radiation entries (spec 1): the limits guard against input errors; they are not clinical figures.
MAX_COURSES: Final = 5
MAX_DOSE_GY: Final = Decimal(80)
MAX_FRACTIONS: Final = 40
MAX_SBRT_FRACTIONS: Final = 5
DOSE_DECIMALS: Final = 2
# The keys of one prior radiation entry, required ones first (spec 1, "Prior radiation entry").
COURSE_REQUIRED_FIELDS: Final = ("technique", "total_dose_gy", "fractions", "end_date")
COURSE_FIELDS: Final = (*COURSE_REQUIRED_FIELDS, "cord_max_dose_gy", "same_course_as_previous")

# Field names of the case format (case-format.md), in the order of spec section 1.
LESION_FIELDS: Final = (
    "spinal_level",
    "escc_grade",
    "sins_pain",
    "sins_bone_lesion",
    "sins_alignment",
    "sins_collapse",
    "sins_posterolateral",
    "stability_assessment",
    "retropulsion",
    "prior_radiation_in_field",
)
CASE_FIELDS: Final = (
    "neurologic_deficit",
    "deficit_progressing",
    "motor_status",
    "hours_nonambulatory",
    "urinary_symptoms",
    "urinary_retention",
    "histology",
    "other_radiosensitivity",
    "expected_survival",
    "surgical_candidate",
    "sbrt_available",
    "oligometastatic",
    "vte_contraindication",
)
PROGNOSIS_FIELDS: Final = (
    "karnofsky",
    "extraspinal_bone_metastases",
    "vertebral_metastases",
    "visceral_metastases",
    "frankel_grade",
    "primary_site",
    "primary_growth",
)
# The 23 fields of a 2026.1 (flat) case, in its order: what the web form and the Case model hold.
FLAT_FIELDS: Final = (
    "escc_grade",
    "neurologic_deficit",
    "deficit_progressing",
    "motor_status",
    "hours_nonambulatory",
    "urinary_symptoms",
    "urinary_retention",
    "histology",
    "other_radiosensitivity",
    "prior_radiation_in_field",
    "spinal_level",
    "sins_pain",
    "sins_bone_lesion",
    "sins_alignment",
    "sins_collapse",
    "sins_posterolateral",
    "stability_assessment",
    "retropulsion",
    "expected_survival",
    "surgical_candidate",
    "sbrt_available",
    "oligometastatic",
    "vte_contraindication",
)
_FRANKEL_MOTOR: Final = {
    FrankelGrade.A: frozenset({MotorStatus.PARAPLEGIC}),
    FrankelGrade.B: frozenset({MotorStatus.PARAPLEGIC}),
    FrankelGrade.C: frozenset({MotorStatus.NONAMBULATORY}),
    FrankelGrade.D: frozenset({MotorStatus.AMBULATORY, MotorStatus.AMBULATORY_WITH_AID}),
    FrankelGrade.E: frozenset({MotorStatus.AMBULATORY, MotorStatus.AMBULATORY_WITH_AID}),
}


# --------------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------------


def _json_number(value: Decimal) -> int | float:
    """A dose with at most 2 decimals as a JSON number that reads back to the same decimal text."""
    return int(value) if value == value.to_integral_value() else float(value)


def dose_problem(value: Decimal) -> str | None:
    """Why a dose (``total_dose_gy``, ``cord_max_dose_gy``) is out of range or form, or None when it is fine."""
    if not value.is_finite() or not Decimal(0) < value <= MAX_DOSE_GY:
        return f"a number of Gy above 0 and at most {MAX_DOSE_GY}"
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -DOSE_DECIMALS:
        return f"at most {DOSE_DECIMALS} decimals"
    return None


@dataclass(frozen=True, slots=True)
class PriorCourse:
    """One entry of ``prior_radiation_courses`` (spec 1): an earlier course, or a further phase of one.

    ``end_date`` is the day given, or the first of the month when only the month is known
    (``month_only``); :meth:`end` gives the day the interval is counted from (4.1, RB1). Doses are
    ``Decimal`` s built from the file's decimal text, so the budget's arithmetic is exact.
    """

    technique: CourseTechnique
    total_dose_gy: Decimal
    fractions: int
    end_date: date
    month_only: bool = False
    cord_max_dose_gy: Decimal | None = None
    same_course_as_previous: bool = False

    def to_json(self) -> dict[str, object]:
        """The entry as the case file gives it (spec 1): doses as JSON numbers, a month-only end as ``YYYY-MM``."""
        out: dict[str, object] = {
            "technique": self.technique.value,
            "total_dose_gy": _json_number(self.total_dose_gy),
            "fractions": self.fractions,
            "end_date": self.end_date.isoformat()[:7] if self.month_only else self.end_date.isoformat(),
        }
        if self.cord_max_dose_gy is not None:
            out["cord_max_dose_gy"] = _json_number(self.cord_max_dose_gy)
        if self.same_course_as_previous:
            out["same_course_as_previous"] = True
        return out

    def end(self, evaluation_date: date) -> date:
        """Spec 4.1 RB1: the day given, or for ``YYYY-MM`` the month's last day (the evaluation date if earlier)."""
        if not self.month_only:
            return self.end_date
        year, month = self.end_date.year, self.end_date.month
        last = date(year, month, calendar.monthrange(year, month)[1])
        return min(last, evaluation_date)

    def ends_after(self, evaluation_date: date) -> bool:
        """Spec 1: an end after the evaluation date (for ``YYYY-MM``: a later month) is an error."""
        if self.month_only:
            return (self.end_date.year, self.end_date.month) > (evaluation_date.year, evaluation_date.month)
        return self.end_date > evaluation_date

    def problems(self, *, first: bool) -> dict[str, str]:
        """Each field out of range or form, with why (spec 1); ``first`` is the entry at j = 0."""
        found: dict[str, str] = {}
        problem = dose_problem(self.total_dose_gy)
        if problem is not None:
            found["total_dose_gy"] = problem
        if not 1 <= self.fractions <= MAX_FRACTIONS:
            found["fractions"] = f"a whole number of fractions from 1 to {MAX_FRACTIONS}"
        elif self.technique == CourseTechnique.SBRT and self.fractions > MAX_SBRT_FRACTIONS:
            found["fractions"] = f"SBRT is given in 1 to {MAX_SBRT_FRACTIONS} fractions"
        if self.cord_max_dose_gy is not None:
            problem = dose_problem(self.cord_max_dose_gy)
            if problem is not None:
                found["cord_max_dose_gy"] = problem
        if first and self.same_course_as_previous:
            found["same_course_as_previous"] = "the first entry has no entry above it to continue"
        return found


@dataclass(frozen=True, slots=True)
class LesionInput:
    """One involved level (spec 1, Lesions): its SINS findings, Bilsky grade, stability and history."""

    spinal_level: SpinalLevel
    escc_grade: EsccGrade
    sins_pain: SinsPain
    sins_bone_lesion: SinsBoneLesion
    sins_alignment: SinsAlignment
    sins_collapse: SinsCollapse
    sins_posterolateral: SinsPosterolateral
    stability_assessment: StabilityAssessment
    retropulsion: bool
    prior_radiation_in_field: bool
    index: bool = True
    prior_radiation_courses: tuple[PriorCourse, ...] = ()


class InputError(ValueError):
    """A contradiction in a :class:`CaseInput`: ``field`` names the input, ``message`` says why."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass(frozen=True, slots=True)
class CaseInput:
    """The inputs of spec section 1 under their spec names: one case with 1 to 8 lesions.

    ``__post_init__`` rejects every contradiction of spec section 1 with an :class:`InputError`
    (a ``ValueError`` whose message starts with the field name). The Django form checks the same
    things first and reports them per field; this check is the last line of defence for other
    callers. The prognosis inputs are optional (None = not recorded).
    """

    neurologic_deficit: bool
    deficit_progressing: bool
    motor_status: MotorStatus
    hours_nonambulatory: int | None
    urinary_symptoms: bool
    urinary_retention: bool
    histology: Histology
    other_radiosensitivity: OtherRadiosensitivity | None
    expected_survival: ExpectedSurvival
    surgical_candidate: SurgicalCandidate
    sbrt_available: bool
    oligometastatic: bool
    vte_contraindication: bool
    lesions: tuple[LesionInput, ...]
    karnofsky: int | None = None
    extraspinal_bone_metastases: int | None = None
    vertebral_metastases: int | None = None
    visceral_metastases: VisceralMetastases | None = None
    frankel_grade: FrankelGrade | None = None
    primary_site: PrimarySite | None = None
    primary_growth: PrimaryGrowth | None = None
    evaluation_date: date | None = None
    index_position: int = field(init=False, repr=False, compare=False)

    @classmethod
    def from_flat(cls, **values: Any) -> CaseInput:
        """A 2026.1-shaped case (the 23 flat fields, plus optional prognosis inputs) as one index lesion."""
        lesion = LesionInput(**{name: values.pop(name) for name in LESION_FIELDS})
        return cls(**values, lesions=(lesion,))

    def __post_init__(self) -> None:
        self._check_lesions()
        if self.histology == Histology.OTHER and self.other_radiosensitivity is None:
            raise InputError("other_radiosensitivity", "required when histology is 'other'")
        if self.histology != Histology.OTHER and self.other_radiosensitivity is not None:
            raise InputError("other_radiosensitivity", "must be empty unless histology is 'other'")
        if self.hours_nonambulatory is not None and self.hours_nonambulatory < 0:
            raise InputError("hours_nonambulatory", "must be 0 or more")
        if self.deficit_progressing and not self.neurologic_deficit:
            raise InputError("deficit_progressing", "a progressing deficit needs neurologic_deficit")
        if self.motor_status == MotorStatus.PARAPLEGIC and not self.neurologic_deficit:
            raise InputError("neurologic_deficit", "paraplegia is a neurologic deficit")
        self._check_prognosis()
        self._check_courses()

    def _check_courses(self) -> None:
        """Spec 1, prior radiation entries: each entry's fields, its dates, and the flag they need."""
        for position, lesion in enumerate(self.lesions):
            courses = lesion.prior_radiation_courses
            if not courses:
                continue
            name = f"lesions[{position}].prior_radiation_courses"
            if len(courses) > MAX_COURSES:
                raise InputError(name, f"give at most {MAX_COURSES} entries")
            if not lesion.prior_radiation_in_field:
                raise InputError(name, "entries need prior_radiation_in_field")
            for number, course in enumerate(courses):
                problems = course.problems(first=number == 0)
                if problems:
                    field_name, message = next(iter(problems.items()))
                    raise InputError(f"{name}[{number}].{field_name}", message)
                if self.evaluation_date is not None and course.ends_after(self.evaluation_date):
                    raise InputError(f"{name}[{number}].end_date", "after the evaluation date")

    def _check_lesions(self) -> None:
        count = len(self.lesions)
        if not 1 <= count <= MAX_LESIONS:
            raise InputError("lesions", f"give 1 to {MAX_LESIONS} lesions")
        seen: set[SpinalLevel] = set()
        for position, lesion in enumerate(self.lesions):
            if lesion.spinal_level in seen:
                # The later lesion repeats a level: name its field (reading 24 in docs/clinical-rules.md).
                raise InputError(f"lesions[{position}].spinal_level", "each lesion must be at a different level")
            seen.add(lesion.spinal_level)
        indexes = [position for position, lesion in enumerate(self.lesions) if lesion.index]
        if len(indexes) != 1:
            raise InputError("lesions", "exactly one lesion must be the index lesion")
        object.__setattr__(self, "index_position", indexes[0])

    def _check_prognosis(self) -> None:
        karnofsky = self.karnofsky
        if karnofsky is not None and not (10 <= karnofsky <= 100 and karnofsky % 10 == 0):
            raise InputError("karnofsky", "a multiple of 10 from 10 to 100")
        extraspinal = self.extraspinal_bone_metastases
        if extraspinal is not None and not 0 <= extraspinal <= 99:
            raise InputError("extraspinal_bone_metastases", "a number from 0 to 99")
        vertebral = self.vertebral_metastases
        if vertebral is not None and not 1 <= vertebral <= 33:
            raise InputError("vertebral_metastases", "a number from 1 to 33")
        if vertebral is not None and vertebral < len(self.lesions):
            raise InputError("vertebral_metastases", "cannot be fewer than the lesions listed")
        if self.frankel_grade is not None and self.motor_status not in _FRANKEL_MOTOR[self.frankel_grade]:
            raise InputError("frankel_grade", f"Frankel {self.frankel_grade} contradicts motor_status")
        fixed_site = SITE_BY_HISTOLOGY.get(self.histology)
        if self.primary_site is not None:
            if fixed_site is not None:
                raise InputError("primary_site", "the histology already fixes the primary site")
            if self.primary_site not in SITES_ALLOWED[self.histology]:
                raise InputError("primary_site", "not a primary site of this histology")
        site = fixed_site if fixed_site is not None else self.primary_site
        if self.primary_growth is not None and site is not None and site in GROWTH_BY_SITE:
            raise InputError("primary_growth", "the primary site already fixes the growth")

    def flat_values(self) -> dict[str, object]:
        """The 23 fields of the 2026.1 (flat) shape: the case's own and the index lesion's."""
        lesion = self.index_lesion
        return {name: getattr(lesion if name in LESION_FIELDS else self, name) for name in FLAT_FIELDS}

    @property
    def index_lesion(self) -> LesionInput:
        """The index lesion: the pathway (spec 3, 4) is decided on it."""
        return self.lesions[self.index_position]

    @property
    def primary_site_resolved(self) -> str | None:
        """The primary site for the scores: fixed by histology, else ``primary_site`` (None if not recorded)."""
        fixed = SITE_BY_HISTOLOGY.get(self.histology)
        if fixed is not None:
            return fixed
        return None if self.primary_site is None else self.primary_site.value
