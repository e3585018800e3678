"""Hypothesis strategies for consistent cases (every contradiction of spec section 1 avoided), with prior courses."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from assessments import rules
from assessments.rules import (
    MAX_COURSES,
    CaseInput,
    CourseTechnique,
    EsccGrade,
    ExpectedSurvival,
    FrankelGrade,
    Histology,
    LesionInput,
    MotorStatus,
    OtherRadiosensitivity,
    PrimaryGrowth,
    PriorCourse,
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

FRANKEL_FOR_MOTOR = {
    MotorStatus.PARAPLEGIC: [FrankelGrade.A, FrankelGrade.B],
    MotorStatus.NONAMBULATORY: [FrankelGrade.C],
    MotorStatus.AMBULATORY: [FrankelGrade.D, FrankelGrade.E],
    MotorStatus.AMBULATORY_WITH_AID: [FrankelGrade.D, FrankelGrade.E],
}


@st.composite
def lesion_fields(draw: st.DrawFn, level: SpinalLevel) -> dict[str, Any]:
    return {
        "spinal_level": level,
        "escc_grade": draw(st.sampled_from(EsccGrade)),
        "sins_pain": draw(st.sampled_from(SinsPain)),
        "sins_bone_lesion": draw(st.sampled_from(SinsBoneLesion)),
        "sins_alignment": draw(st.sampled_from(SinsAlignment)),
        "sins_collapse": draw(st.sampled_from(SinsCollapse)),
        "sins_posterolateral": draw(st.sampled_from(SinsPosterolateral)),
        "stability_assessment": draw(st.sampled_from(StabilityAssessment)),
        "retropulsion": draw(st.booleans()),
        "prior_radiation_in_field": draw(st.booleans()),
    }


@st.composite
def case_fields(draw: st.DrawFn) -> dict[str, Any]:
    """The case-level clinical fields (spec 1, Neurologic, Oncologic and Systemic)."""
    histology = draw(st.sampled_from(Histology))
    motor = draw(st.sampled_from(MotorStatus))
    deficit = motor == MotorStatus.PARAPLEGIC or draw(st.booleans())
    return {
        "neurologic_deficit": deficit,
        "deficit_progressing": deficit and draw(st.booleans()),
        "motor_status": motor,
        "hours_nonambulatory": draw(st.none() | st.integers(min_value=0, max_value=10_000)),
        "urinary_symptoms": draw(st.booleans()),
        "urinary_retention": draw(st.booleans()),
        "histology": histology,
        "other_radiosensitivity": (
            draw(st.sampled_from(OtherRadiosensitivity)) if histology == Histology.OTHER else None
        ),
        "expected_survival": draw(st.sampled_from(ExpectedSurvival)),
        "surgical_candidate": draw(st.sampled_from(SurgicalCandidate)),
        "sbrt_available": draw(st.booleans()),
        "oligometastatic": draw(st.booleans()),
        "vte_contraindication": draw(st.booleans()),
    }


@st.composite
def prognosis_fields(draw: st.DrawFn, fields: dict[str, Any], lesion_count: int) -> dict[str, Any]:
    """Optional prognosis inputs, each present or absent, never contradicting the case."""
    maybe = st.booleans()
    histology = fields["histology"]
    out: dict[str, Any] = {}
    if draw(maybe):
        out["karnofsky"] = draw(st.sampled_from(range(10, 101, 10)))
    if draw(maybe):
        out["extraspinal_bone_metastases"] = draw(st.integers(min_value=0, max_value=99))
    if draw(maybe):
        out["vertebral_metastases"] = draw(st.integers(min_value=lesion_count, max_value=33))
    if draw(maybe):
        out["visceral_metastases"] = draw(st.sampled_from(VisceralMetastases))
    if draw(maybe):
        out["frankel_grade"] = draw(st.sampled_from(FRANKEL_FOR_MOTOR[fields["motor_status"]]))
    site = rules.SITE_BY_HISTOLOGY.get(histology)
    if site is None and draw(maybe):
        chosen = draw(st.sampled_from(sorted(rules.SITES_ALLOWED[histology])))
        out["primary_site"] = chosen
        site = chosen.value
    growth_fixed = site is not None and site in rules.GROWTH_BY_SITE
    if not growth_fixed and draw(maybe):
        out["primary_growth"] = draw(st.sampled_from(PrimaryGrowth))
    return out


@st.composite
def cases(draw: st.DrawFn, *, max_lesions: int = 8, prognosis: bool = True) -> CaseInput:
    """A consistent case (spec section 1) with 1 to ``max_lesions`` lesions at distinct levels."""
    fields = draw(case_fields())
    levels = draw(st.lists(st.sampled_from(SpinalLevel), min_size=1, max_size=max_lesions, unique=True))
    index = draw(st.integers(min_value=0, max_value=len(levels) - 1))
    lesions = tuple(
        LesionInput(**draw(lesion_fields(level)), index=(position == index)) for position, level in enumerate(levels)
    )
    extra = draw(prognosis_fields(fields, len(lesions))) if prognosis else {}
    return CaseInput(**fields, lesions=lesions, **extra)


@st.composite
def flat_cases(draw: st.DrawFn) -> dict[str, Any]:
    """A consistent 2026.1-shaped (flat) case as keyword arguments of ``CaseInput.from_flat``."""
    fields = draw(case_fields())
    lesion = draw(lesion_fields(draw(st.sampled_from(SpinalLevel))))
    return {**fields, **lesion}


EVALUATION_DATE = datetime.date(2027, 3, 15)


@st.composite
def prior_courses(draw: st.DrawFn, evaluation_date: datetime.date = EVALUATION_DATE) -> tuple[PriorCourse, ...]:
    """0 to 5 valid prior radiation entries ending on or before ``evaluation_date`` (spec 1)."""
    count = draw(st.integers(min_value=0, max_value=MAX_COURSES))
    entries = []
    for number in range(count):
        technique = draw(st.sampled_from(CourseTechnique))
        limit = 5 if technique == CourseTechnique.SBRT else 40
        dose = st.integers(min_value=1, max_value=8000).map(lambda cgy: Decimal(cgy) / 100)
        end = draw(st.dates(min_value=datetime.date(2015, 1, 1), max_value=evaluation_date))
        entries.append(
            PriorCourse(
                technique=technique,
                total_dose_gy=draw(dose),
                fractions=draw(st.integers(min_value=1, max_value=limit)),
                end_date=end,
                month_only=draw(st.booleans()),
                cord_max_dose_gy=draw(st.none() | dose),
                same_course_as_previous=number > 0 and draw(st.booleans()),
            )
        )
    return tuple(entries)


@st.composite
def cases_with_courses(draw: st.DrawFn, *, max_lesions: int = 4) -> CaseInput:
    """A consistent 2027.2 case: every lesion irradiated before may record its courses; evaluated on 2027-03-15."""
    base = draw(cases(max_lesions=max_lesions, prognosis=False))
    lesions = tuple(
        dataclasses.replace(lesion, prior_radiation_courses=draw(prior_courses()))
        if lesion.prior_radiation_in_field
        else lesion
        for lesion in base.lesions
    )
    return dataclasses.replace(base, lesions=lesions, evaluation_date=EVALUATION_DATE)
