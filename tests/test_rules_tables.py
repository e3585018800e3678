"""The tables the rules build at import, built again while a test runs and held against what the spec says.

The rules look names, locations and point facts up in tables made once at import (``lesions.LESION_NAMES``,
``sins.LOCATION_BY_LEVEL``, the SINS point facts, the words of each history without a validated limit). The
other tests read every table through the answers it gives, but only a test that calls a table's builder runs it
while the test runs, which is when mutation testing switches a mutant on (docs/mutation-testing.md): these do.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from assessments import rules
from assessments.rules import lesions, reirradiation, sins
from assessments.rules.codes import (
    CourseTechnique,
    NoLimitReason,
    SinsAlignment,
    SinsBoneLesion,
    SinsCollapse,
    SinsPain,
    SinsPosterolateral,
    SpinalLevel,
)
from assessments.rules.facts import Fact, Form
from tests.test_rules import LEVEL_POINTS, LOCATION_OF_POINTS


def test_the_location_table_gives_each_level_its_spec_location_in_anatomical_order() -> None:
    table = sins._location_table()
    assert list(table) == list(SpinalLevel)
    assert {level.value: location.value for level, location in table.items()} == {
        level: LOCATION_OF_POINTS[points] for level, points in LEVEL_POINTS.items()
    }


def test_the_names_of_several_lesions_run_position_by_position() -> None:
    names = lesions.FieldNames((0, 2))
    assert names.escc == ("lesions[0].escc_grade", "lesions[2].escc_grade")
    sins_fields = ("spinal_level", "sins_pain", "sins_bone_lesion", "sins_alignment", "sins_collapse")
    sins_fields += ("sins_posterolateral",)
    assert names.sins == tuple(f"lesions[{p}].{f}" for p in (0, 2) for f in sins_fields)
    assert names.stability == tuple(f"lesions[{p}].{f}" for p in (0, 2) for f in ("stability_assessment", *sins_fields))
    assert names.escc_and_stability == tuple(
        f"lesions[{p}].{f}" for p in (0, 2) for f in ("escc_grade", "stability_assessment", *sins_fields)
    )
    assert names.escc_and_pain == (
        "lesions[0].escc_grade",
        "lesions[0].sins_pain",
        "lesions[2].escc_grade",
        "lesions[2].sins_pain",
    )
    assert names.pain_and_assessment == (
        "lesions[0].sins_pain",
        "lesions[0].stability_assessment",
        "lesions[2].sins_pain",
        "lesions[2].stability_assessment",
    )
    assert names.level_and_index == (
        "lesions[0].spinal_level",
        "lesions[0].index",
        "lesions[2].spinal_level",
        "lesions[2].index",
    )
    assert names.prior_radiation == ("lesions[0].prior_radiation_in_field", "lesions[2].prior_radiation_in_field")
    assert names.budget == (
        "lesions[0].prior_radiation_in_field",
        "lesions[0].prior_radiation_courses",
        "lesions[2].prior_radiation_in_field",
        "lesions[2].prior_radiation_courses",
        "evaluation_date",
    )
    assert lesions.FieldNames(()).budget == ("evaluation_date",)


def test_the_names_of_one_lesion_name_each_of_its_fields() -> None:
    names = lesions.LesionNames(3)
    assert names.escc == ("lesions[3].escc_grade",)
    assert names.level_and_index == ("lesions[3].spinal_level", "lesions[3].index")
    assert dict(names.field) == {
        name: f"lesions[3].{name}"
        for name in (
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
            "index",
            "prior_radiation_courses",
        )
    }
    assert names.qualify(("escc_grade", "histology", "index")) == (
        "lesions[3].escc_grade",
        "histology",
        "lesions[3].index",
    )
    with pytest.raises(TypeError):
        names.field["escc_grade"] = "changed"  # type: ignore[index]


POINTS = [
    (
        "sins_pain",
        sins.PAIN_POINTS,
        {SinsPain.MECHANICAL: 3, SinsPain.OCCASIONAL_NONMECHANICAL: 1, SinsPain.PAIN_FREE: 0},
    ),
    (
        "sins_bone_lesion",
        sins.BONE_LESION_POINTS,
        {SinsBoneLesion.LYTIC: 2, SinsBoneLesion.MIXED: 1, SinsBoneLesion.BLASTIC: 0},
    ),
    (
        "sins_alignment",
        sins.ALIGNMENT_POINTS,
        {SinsAlignment.SUBLUXATION: 4, SinsAlignment.DE_NOVO_DEFORMITY: 2, SinsAlignment.NORMAL: 0},
    ),
    (
        "sins_collapse",
        sins.COLLAPSE_POINTS,
        {
            SinsCollapse.GT_50: 3,
            SinsCollapse.LT_50: 2,
            SinsCollapse.NO_COLLAPSE_GT_50_INVOLVED: 1,
            SinsCollapse.NONE: 0,
        },
    ),
    (
        "sins_posterolateral",
        sins.POSTEROLATERAL_POINTS,
        {SinsPosterolateral.BILATERAL: 3, SinsPosterolateral.UNILATERAL: 1, SinsPosterolateral.NONE: 0},
    ),
]


@pytest.mark.parametrize(("field", "table", "points"), POINTS, ids=[field for field, _, _ in POINTS])
def test_each_sins_point_fact_names_its_field_code_and_points(field, table, points) -> None:
    assert sins._point_facts(field, table) == {
        code: Fact(field, code, value, None, Form.POINTS) for code, value in points.items()
    }


NO_LIMIT_WORDS = [
    ((), ""),
    ((NoLimitReason.PRIOR_SBRT_COURSE,), "no_validated_limit_reason prior_sbrt_course"),
    ((NoLimitReason.TWO_OR_MORE_COURSES,), "no_validated_limit_reason two_or_more_courses"),
    (
        (NoLimitReason.PRIOR_SBRT_COURSE, NoLimitReason.TWO_OR_MORE_COURSES),
        "no_validated_limit_reason prior_sbrt_course, no_validated_limit_reason two_or_more_courses",
    ),
    (
        (NoLimitReason.TWO_OR_MORE_COURSES, NoLimitReason.PRIOR_SBRT_COURSE),
        "no_validated_limit_reason two_or_more_courses, no_validated_limit_reason prior_sbrt_course",
    ),
]


@pytest.mark.parametrize(("reasons", "text"), NO_LIMIT_WORDS, ids=[text or "none" for _, text in NO_LIMIT_WORDS])
def test_the_words_of_why_no_limit_covers_a_history_name_each_reason_in_order(reasons, text) -> None:
    words = reirradiation._no_limit_words(reasons)
    assert rules.text_of(words) == text
    assert words == tuple(
        part
        for number, reason in enumerate(reasons)
        for part in ((", ",) if number else ()) + (Fact("no_validated_limit_reason", reason),)
    )
    assert reirradiation.no_limit_words(reasons) == words


def test_a_whole_dose_is_a_json_integer_and_any_other_a_json_decimal() -> None:
    course = rules.PriorCourse(
        technique=CourseTechnique.CEBRT,
        total_dose_gy=Decimal("30.00"),
        fractions=10,
        end_date=date(2026, 3, 1),
        month_only=True,
        cord_max_dose_gy=Decimal("31.25"),
    )
    assert json.dumps(course.to_json()) == (
        '{"technique": "cebrt", "total_dose_gy": 30, "fractions": 10, "end_date": "2026-03", "cord_max_dose_gy": 31.25}'
    )
