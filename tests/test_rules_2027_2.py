"""Rule set 2027.2: the spinal cord dose budget (4.1), the P3 bony-compression change, the new alerts (no database).

Worked figures at each limit and one step past it, the reader of prior radiation entries, the last-line
checks of ``CaseInput``, and hypothesis properties over consistent cases with recorded courses
(``tests/rules_strategies.cases_with_courses``).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import rules
from assessments.rules import (
    Alert,
    BudgetStatus,
    CaseInput,
    CourseTechnique,
    ExpectedSurvival,
    InputError,
    NiederBand,
    PriorCourse,
    SahgalBound,
    Stabilization,
    evaluate,
)
from assessments.rules import reirradiation as rb
from tests.rules_strategies import EVALUATION_DATE, cases_with_courses
from tests.test_rules import case as base_case
from tests.test_rules_2027 import _by_level

SETTINGS = settings(max_examples=120, deadline=None)
DAY = EVALUATION_DATE


def course(
    dose: str | int,
    fractions: int,
    end: datetime.date = datetime.date(2026, 3, 2),
    *,
    technique: CourseTechnique = CourseTechnique.CEBRT,
    cord: str | None = None,
    phase: bool = False,
    month_only: bool = False,
) -> PriorCourse:
    return PriorCourse(
        technique=technique,
        total_dose_gy=Decimal(dose),
        fractions=fractions,
        end_date=end,
        month_only=month_only,
        cord_max_dose_gy=None if cord is None else Decimal(cord),
        same_course_as_previous=phase,
    )


def budget(*entries: PriorCourse, on: datetime.date = DAY) -> rules.Reirradiation:
    return rb.budget(entries, on)


def with_courses(*entries: PriorCourse, on: datetime.date = DAY, **overrides: Any) -> CaseInput:
    base = base_case(prior_radiation_in_field=True, **overrides)
    lesion = dataclasses.replace(base.lesions[0], prior_radiation_courses=entries)
    return dataclasses.replace(base, lesions=(lesion,), evaluation_date=on)


# --------------------------------------------------------------------------------------------
# RB1 months, RB3-RB4 BED and EQD2
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 9, 15), 6, datetime.date(2027, 3, 15)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
    ],
)
def test_adding_months_keeps_the_day_or_takes_the_last_day(
    start: datetime.date, months: int, end: datetime.date
) -> None:
    assert rb.add_months(start, months) == end


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (datetime.date(2026, 9, 15), datetime.date(2027, 3, 15), 6),
        (datetime.date(2026, 9, 15), datetime.date(2027, 3, 14), 5),
        (datetime.date(2026, 8, 31), datetime.date(2027, 2, 28), 6),
        (datetime.date(2026, 8, 31), datetime.date(2027, 2, 27), 5),
        (datetime.date(2027, 3, 15), datetime.date(2027, 3, 15), 0),
        (datetime.date(2027, 3, 20), datetime.date(2027, 3, 15), 0),
        # Next month but short of its day: not yet a month.
        (datetime.date(2027, 2, 20), datetime.date(2027, 3, 10), 0),
        (datetime.date(2027, 2, 20), datetime.date(2027, 3, 20), 1),
    ],
)
def test_months_since_the_last_course_are_whole_calendar_months(
    start: datetime.date, end: datetime.date, months: int
) -> None:
    assert rb.months_between(start, end) == months


def test_a_month_only_end_is_its_last_day_or_the_evaluation_date_when_earlier() -> None:
    assert course(30, 10, datetime.date(2026, 4, 1), month_only=True).end(DAY) == datetime.date(2026, 4, 30)
    assert course(30, 10, datetime.date(2027, 3, 1), month_only=True).end(DAY) == DAY
    assert course(30, 10, datetime.date(2027, 3, 1), month_only=True).ends_after(DAY) is False
    assert course(30, 10, datetime.date(2027, 4, 1), month_only=True).ends_after(DAY) is True
    assert course(30, 10, datetime.date(2027, 3, 16)).ends_after(DAY) is True


@pytest.mark.parametrize(
    ("cord", "shown"),
    [("30.12", Decimal("75.5")), ("30.13", Decimal("75.6")), ("30", Decimal("75.0")), ("8", Decimal("40.0"))],
)
def test_bed_is_rounded_up_to_a_tenth_and_a_tenth_stays(cord: str, shown: Decimal) -> None:
    assert rb.bed_shown(rb.exact_bed(Decimal(cord), 10 if cord.startswith("3") else 1)) == shown


def test_exact_bed_uses_no_binary_floating_point() -> None:
    assert rb.exact_bed(Decimal("30.12"), 10) == Fraction(7548072, 100000)


def test_phases_make_one_course_and_courses_are_counted_not_entries() -> None:
    one = budget(course(40, 20), course(10, 5, phase=True))
    assert [c.bed for c in one.courses] == [Decimal(100)] and one.status == BudgetStatus.LIMITS_APPLY
    two = budget(course(40, 20), course(10, 5))
    assert [c.bed for c in two.courses] == [Decimal(80), Decimal(20)]
    assert two.status == BudgetStatus.NO_VALIDATED_LIMIT and two.nieder_2006 is None and two.sahgal_2012 is None
    assert two.no_validated_limit_reasons == (rules.NoLimitReason.TWO_OR_MORE_COURSES,)


def test_a_recorded_cord_dose_is_not_assumed_and_an_sbrt_prescription_is_never_a_cord_dose() -> None:
    recorded = budget(course(30, 10, cord="25"))
    assert recorded.cord_dose_assumed is False and recorded.courses[0].phases[0].cord_dose_gy == Decimal(25)
    sbrt = budget(course(24, 2, technique=CourseTechnique.SBRT), course(30, 10))
    phase = sbrt.courses[0].phases[0]
    assert (phase.cord_dose_gy, phase.bed, phase.eqd2, phase.cord_dose_assumed) == (None, None, None, False)
    assert sbrt.courses[0].bed is None and sbrt.cumulative_bed is None and sbrt.cumulative_eqd2 is None
    assert sbrt.no_validated_limit_reasons == (
        rules.NoLimitReason.PRIOR_SBRT_COURSE,
        rules.NoLimitReason.TWO_OR_MORE_COURSES,
    )
    assert sbrt.cord_dose_assumed is True  # the cEBRT course's cord dose is its prescription


def test_a_course_with_a_phase_of_unknown_cord_dose_has_no_bed_whichever_phase_it_is() -> None:
    boost = budget(course(30, 10), course(8, 1, technique=CourseTechnique.SBRT, phase=True))
    first = budget(course(8, 1, technique=CourseTechnique.SBRT), course(30, 10, phase=True))
    for value in (boost, first):
        assert len(value.courses) == 1 and value.courses[0].bed is None and value.courses[0].eqd2 is None
        assert value.cumulative_bed is None and value.status == BudgetStatus.NO_VALIDATED_LIMIT
    assert boost.courses[0].phases[0].bed == Decimal(75) and first.courses[0].phases[1].bed == Decimal(75)


def test_no_course_recorded_is_unknown_with_every_figure_null() -> None:
    unknown = budget()
    assert unknown.status == BudgetStatus.UNKNOWN
    assert unknown.to_dict() == {
        "status": "unknown",
        "no_validated_limit_reasons": [],
        "cord_dose_assumed": False,
        "courses": [],
        "cumulative_bed": None,
        "cumulative_eqd2": None,
        "last_end_date": None,
        "months_since_last": None,
        "nieder_2006": None,
        "sahgal_2012": None,
    }


# --------------------------------------------------------------------------------------------
# RB6 Nieder 2006 and RB7 Sahgal 2012, at each limit and one step past it
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bed", "band"),
    [
        ("120", NiederBand.LE_120),
        ("120.1", NiederBand.LE_135_5),
        ("135.5", NiederBand.LE_135_5),
        ("135.6", NiederBand.GT_135_5),
    ],
)
def test_nieder_bands_at_their_edges(bed: str, band: NiederBand) -> None:
    assert rb.nieder_band(Decimal(bed)) == band


def test_nieder_course_limit_98_is_within_and_98_1_is_not() -> None:
    at = rb.nieder_2006(Decimal(98), Decimal(98), 6)
    past = rb.nieder_2006(Decimal("98.1"), Decimal("98.1"), 6)
    assert at.prior_course_over_98 is False and past.prior_course_over_98 is True
    assert [c.status for c in past.reference_calculations] == [rules.LimitStatus.NOT_WITHIN_LIMIT] * 2


def test_nieder_interval_6_months_is_met_and_5_is_not() -> None:
    assert rb.nieder_2006(Decimal(60), Decimal(60), 6).interval_met is True
    short = rb.nieder_2006(Decimal(60), Decimal(60), 5)
    assert short.interval_met is False
    assert {c.status for c in short.reference_calculations} == {rules.LimitStatus.NOT_WITHIN_LIMIT}


def test_sahgal_interval_5_months_is_met_and_4_is_not() -> None:
    assert rb.sahgal_2012(Decimal(45), Fraction(90), 5).interval_met is True
    assert rb.sahgal_2012(Decimal(45), Fraction(90), 4).interval_met is False


def test_sahgal_with_nothing_left_lists_every_bound_at_or_below_zero() -> None:
    spent = rb.sahgal_2012(Decimal(75), Fraction(150), 12)
    assert spent.remaining_eqd2 == 0 and spent.limited_by == (SahgalBound.CUMULATIVE_MAX_70,)
    assert dict(spent.pmax_constraint_gy) == {1: 0, 2: 0, 3: 0, 5: 0}
    edge = rb.sahgal_2012(Decimal(70), Fraction(140), 12)
    assert edge.remaining_eqd2 == 0 and edge.limited_by == (SahgalBound.CUMULATIVE_MAX_70,)
    # Only the bounds at or below zero: a share bound of 1 Gy (as the function is given it) is not one of them.
    tight = rb.sahgal_2012(Decimal(70), Fraction(2), 12)
    assert tight.remaining_eqd2 == 0 and tight.limited_by == (SahgalBound.CUMULATIVE_MAX_70,)


def test_sahgal_remaining_is_rounded_down_to_a_hundredth_and_the_share_bound_uses_the_exact_bed() -> None:
    # 30.12 Gy in 10: exact 75.48072, shown 75.5; the share bound is the exact 37.74036.
    share = rb.sahgal_2012(Decimal("37.75"), rb.exact_bed(Decimal("30.12"), 10), 12)
    assert share.limited_by == (SahgalBound.SBRT_COURSE_MAX_25,)
    # 10.01 Gy in 2: exact 35.060025 (shown 35.1, EQD2 17.55); the share bound is the exact 17.5300125.
    small = rb.sahgal_2012(Decimal("17.55"), rb.exact_bed(Decimal("10.01"), 2), 12)
    assert small.limited_by == (SahgalBound.SBRT_SHARE_MAX_50_PERCENT,)
    assert small.remaining_eqd2 == Decimal("17.53")
    assert small.prior_outside_cohort_range is True


@pytest.mark.parametrize(("eqd2", "outside"), [("29.95", True), ("30", False), ("50", False), ("50.05", True)])
def test_sahgal_cohort_range_30_to_50(eqd2: str, outside: bool) -> None:
    assert rb.sahgal_2012(Decimal(eqd2), Fraction(Decimal(eqd2)) * 2, 12).prior_outside_cohort_range is outside


@pytest.mark.parametrize(("remaining", "n", "pmax"), [("25", 1, "9.0"), ("25", 2, "12.2"), ("25", 3, "14.5")])
def test_pmax_constraint_is_the_largest_tenth_within_the_remaining_eqd2(remaining: str, n: int, pmax: str) -> None:
    x = rb.pmax_constraint(Decimal(remaining), n)
    assert x == Decimal(pmax)
    limit = 2 * Fraction(Decimal(remaining))
    assert Fraction(x) + Fraction(x) ** 2 / (2 * n) <= limit
    step = Fraction(x) + Fraction(1, 10)
    assert step + step**2 / (2 * n) > limit


# --------------------------------------------------------------------------------------------
# P3 and the new alerts through the engine
# --------------------------------------------------------------------------------------------

BONY = {
    "histology": rules.Histology.BREAST,
    "escc_grade": rules.EsccGrade.GRADE_3,
    "retropulsion": True,
    "stability_assessment": rules.StabilityAssessment.UNSTABLE,
    "neurologic_deficit": True,
    "deficit_progressing": True,
    "motor_status": rules.MotorStatus.AMBULATORY_WITH_AID,
}


def test_p3_open_decompression_for_retropulsed_bone_with_a_deficit_and_3_months() -> None:
    result = evaluate(base_case(**BONY))
    assert result.pathway.stabilization == Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION
    assert result.pathway.cebrt_regimen == rules.CebrtRegimen.GY30_10FX
    assert Alert.BONY_COMPRESSION not in result.alerts


@pytest.mark.parametrize(
    "change",
    [
        {"expected_survival": ExpectedSurvival.LT_3_MONTHS},
        {"neurologic_deficit": False, "deficit_progressing": False, "motor_status": rules.MotorStatus.AMBULATORY},
    ],
)
def test_p3_keeps_percutaneous_screws_without_a_deficit_or_with_short_survival_and_alerts(
    change: dict[str, Any],
) -> None:
    result = evaluate(base_case(**{**BONY, **change}))
    assert result.pathway.stabilization == Stabilization.PERCUTANEOUS_INSTRUMENTATION
    assert Alert.BONY_COMPRESSION in result.alerts
    assert Alert.SHORT_SURVIVAL_SURGERY not in result.alerts


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"surgical_candidate": rules.SurgicalCandidate.NO}, "P4"),
        ({"stability_assessment": rules.StabilityAssessment.STABLE}, "P6"),
        (
            {
                "histology": rules.Histology.MELANOMA,
                "stability_assessment": rules.StabilityAssessment.STABLE,
                "surgical_candidate": rules.SurgicalCandidate.NO,
            },
            "P9",
        ),
    ],
)
def test_bony_compression_where_the_pathway_does_not_decompress(change: dict[str, Any], rule: str) -> None:
    result = evaluate(base_case(**{**BONY, **change}))
    assert result.pathway.rule == rule and Alert.BONY_COMPRESSION in result.alerts


def test_no_bony_compression_without_retropulsion_or_low_grade() -> None:
    for change in ({"retropulsion": False}, {"escc_grade": rules.EsccGrade.GRADE_1C}):
        assert Alert.BONY_COMPRESSION not in evaluate(base_case(**{**BONY, **change})).alerts


def test_cord_budget_insufficient_at_95_5_and_past_it() -> None:
    # 95.5 exactly: 30.12 Gy in 10 is 75.5; + 20 Gy in 5 phase of 20.0 is 95.5, not above.
    at = evaluate(with_courses(course("30.12", 10), course(10, 5, phase=True)))
    assert at.lesions[0].reirradiation is not None and at.lesions[0].reirradiation.cumulative_bed == Decimal("95.5")
    assert Alert.CORD_BUDGET_INSUFFICIENT not in at.alerts
    past = evaluate(with_courses(course("30.13", 10), course(10, 5, phase=True)))
    assert Alert.CORD_BUDGET_INSUFFICIENT in past.alerts
    detail = next(item for item in past.alert_items if item.code == Alert.CORD_BUDGET_INSUFFICIENT)
    assert "95.6" in detail.text and "47.8" in detail.text and "assumed cord dose" in detail.text


def test_cord_budget_insufficient_also_under_no_validated_limit_for_one_course_over_98() -> None:
    result = evaluate(with_courses(course(50, 25), course(24, 2, technique=CourseTechnique.SBRT)))
    assert {Alert.CORD_BUDGET_INSUFFICIENT, Alert.REIRRADIATION_NO_VALIDATED_LIMIT} <= set(result.alerts)
    detail = next(item for item in result.alert_items if item.code == Alert.CORD_BUDGET_INSUFFICIENT)
    assert "unknown" in detail.text and "above 98" in detail.text
    limit = next(item for item in result.alert_items if item.code == Alert.REIRRADIATION_NO_VALIDATED_LIMIT)
    assert "cord maximum" in limit.text


def test_a_course_of_98_gy2_is_not_above_98_and_one_of_98_1_is() -> None:
    # 45.7 Gy in 20 is 97.91 Gy2, shown 98.0; 45.75 Gy in 20 is 98.08, shown 98.1. Both are above 95.5 cumulative.
    def words(dose: str) -> str:
        result = evaluate(with_courses(course(dose, 20)))
        detail = next(item for item in result.alert_items if item.code == Alert.CORD_BUDGET_INSUFFICIENT)
        return detail.text.split(". ")[0]

    at_limit = "Raised because even the shortest reference course would not stay within Nieder's limit at T6: "
    assert words("45.7") == at_limit + "cumulative BED 98.0 Gy2, EQD2 49.0 Gy (assumed cord dose)"
    assert (
        words("45.75") == at_limit + "cumulative BED 98.1 Gy2, EQD2 49.05 Gy (assumed cord dose), a course above 98 Gy2"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("49.05"), "49.05"),
        (Decimal("49.50"), "49.5"),
        (Decimal("40.0"), "40.0"),
        (Decimal("135"), "135.0"),
        (Decimal("0.1"), "0.1"),
        (Decimal("100.10"), "100.1"),
    ],
)
def test_a_figure_keeps_one_decimal_at_least_and_no_trailing_zero(value: Decimal, text: str) -> None:
    assert rb.gy(value) == text


def test_interval_short_names_the_level_and_months() -> None:
    result = evaluate(with_courses(course(20, 5, datetime.date(2026, 9, 16))))
    assert Alert.REIRRADIATION_INTERVAL_SHORT in result.alerts
    detail = next(item for item in result.alert_items if item.code == Alert.REIRRADIATION_INTERVAL_SHORT)
    assert detail.text.startswith(
        "Raised because fewer than 6 months have passed since the last course at T6 (5 months)."
    )


def test_budget_alerts_join_the_figures_of_each_level_in_one_sentence() -> None:
    base = base_case(prior_radiation_in_field=True)
    first = dataclasses.replace(
        base.lesions[0], prior_radiation_courses=(course("45.75", 20, datetime.date(2026, 9, 16)),)
    )
    second = dataclasses.replace(
        base.lesions[0],
        spinal_level=rules.SpinalLevel.L2,
        index=False,
        prior_radiation_courses=(course("45.7", 20, datetime.date(2026, 10, 20)),),
    )
    result = evaluate(dataclasses.replace(base, lesions=(first, second), evaluation_date=DAY))
    texts = {item.code: item.text.split(". ")[0] for item in result.alert_items}
    assert texts[Alert.CORD_BUDGET_INSUFFICIENT] == (
        "Raised because even the shortest reference course would not stay within Nieder's limit at T6: cumulative "
        "BED 98.1 Gy2, EQD2 49.05 Gy (assumed cord dose), a course above 98 Gy2; L2: cumulative BED 98.0 Gy2, "
        "EQD2 49.0 Gy (assumed cord dose)"
    )
    assert texts[Alert.REIRRADIATION_INTERVAL_SHORT] == (
        "Raised because fewer than 6 months have passed since the last course at T6 (5 months), L2 (4 months)"
    )


def test_budget_alerts_name_every_level_and_only_those() -> None:
    base = base_case(prior_radiation_in_field=True)
    first = dataclasses.replace(base.lesions[0], prior_radiation_courses=(course(20, 5),))
    second = dataclasses.replace(
        base.lesions[0], spinal_level=rules.SpinalLevel.L2, index=False, prior_radiation_courses=()
    )
    result = evaluate(dataclasses.replace(base, lesions=(first, second), evaluation_date=DAY))
    unknown = next(item for item in result.alert_items if item.code == Alert.REIRRADIATION_BUDGET_UNKNOWN)
    assert unknown.text.startswith("Raised because no earlier radiation course is recorded at L2 ")
    assert result.lesions[1].reirradiation is not None
    assert result.lesions[1].reirradiation.status == BudgetStatus.UNKNOWN


def test_the_evaluation_date_defaults_to_today_in_the_engine() -> None:
    result = evaluate(dataclasses.replace(base_case(), evaluation_date=None))
    assert result.evaluation_date == datetime.date.today()
    assert result.to_dict()["evaluation_date"] == datetime.date.today().isoformat()


# --------------------------------------------------------------------------------------------
# CaseInput: the last line of defence names each contradiction
# --------------------------------------------------------------------------------------------

NAME = "lesions[0].prior_radiation_courses"


@pytest.mark.parametrize(
    ("entries", "flag", "field"),
    [
        ((course(30, 10),) * 6, True, NAME),
        ((course(30, 10),), False, NAME),
        ((course(0, 10),), True, f"{NAME}[0].total_dose_gy"),
        ((course("80.01", 10),), True, f"{NAME}[0].total_dose_gy"),
        ((course("30.125", 10),), True, f"{NAME}[0].total_dose_gy"),
        ((course(30, 41),), True, f"{NAME}[0].fractions"),
        ((course(30, 0),), True, f"{NAME}[0].fractions"),
        ((course(30, 6, technique=CourseTechnique.SBRT),), True, f"{NAME}[0].fractions"),
        ((course(30, 10, cord="81"),), True, f"{NAME}[0].cord_max_dose_gy"),
        ((course(30, 10, phase=True),), True, f"{NAME}[0].same_course_as_previous"),
        ((course(30, 10), course(20, 5, datetime.date(2027, 3, 16))), True, f"{NAME}[1].end_date"),
    ],
)
def test_case_input_names_each_contradiction_of_an_entry(
    entries: tuple[PriorCourse, ...], flag: bool, field: str
) -> None:
    base = base_case(prior_radiation_in_field=flag)
    lesion = dataclasses.replace(base.lesions[0], prior_radiation_courses=entries)
    with pytest.raises(InputError) as raised:
        dataclasses.replace(base, lesions=(lesion,), evaluation_date=DAY)
    assert raised.value.field == field


def test_dose_problem_refuses_infinity_and_not_a_number() -> None:
    assert rules.inputs.dose_problem(Decimal("Infinity")) is not None
    assert rules.inputs.dose_problem(Decimal("NaN")) is not None
    assert rules.inputs.dose_problem(Decimal("80.00")) is None


def test_dose_problem_takes_a_dose_above_0_up_to_80_gy_in_hundredths() -> None:
    out_of_range = "a number of Gy above 0 and at most 80"
    doses = ("-1", "0", "0.01", "0.5", "1", "80", "80.01")
    assert [rules.inputs.dose_problem(Decimal(dose)) for dose in doses] == [
        out_of_range,
        out_of_range,
        None,
        None,
        None,
        None,
        out_of_range,
    ]
    assert rules.inputs.dose_problem(Decimal("1.005")) == "at most 2 decimals"


@pytest.mark.parametrize(
    ("entry", "first", "problems"),
    [
        (course(30, 10), True, {}),
        (course(30, 10, phase=True), False, {}),
        (
            course(0, 41, cord="81", phase=True),
            True,
            {
                "total_dose_gy": "a number of Gy above 0 and at most 80",
                "fractions": "a whole number of fractions from 1 to 40",
                "cord_max_dose_gy": "a number of Gy above 0 and at most 80",
                "same_course_as_previous": "the first entry has no entry above it to continue",
            },
        ),
        (course(24, 6, technique=CourseTechnique.SBRT), False, {"fractions": "SBRT is given in 1 to 5 fractions"}),
        (course("30.125", 10, cord="0.5"), False, {"total_dose_gy": "at most 2 decimals"}),
    ],
)
def test_an_entry_says_what_is_wrong_with_each_field_in_words(
    entry: PriorCourse, first: bool, problems: dict[str, str]
) -> None:
    assert entry.problems(first=first) == problems


def test_case_input_says_what_is_wrong_with_an_entry_in_words() -> None:
    base = base_case(prior_radiation_in_field=True)
    lesion = dataclasses.replace(base.lesions[0], prior_radiation_courses=(course(30, 41),))
    with pytest.raises(InputError) as raised:
        dataclasses.replace(base, lesions=(lesion,), evaluation_date=DAY)
    assert raised.value.field == f"{NAME}[0].fractions"
    assert raised.value.message == "a whole number of fractions from 1 to 40"
    assert str(raised.value) == f"{NAME}[0].fractions: a whole number of fractions from 1 to 40"


def test_a_course_may_end_on_the_evaluation_date_and_not_a_day_later() -> None:
    last_day = course(20, 5, DAY)
    assert last_day.ends_after(DAY) is False
    assert last_day.ends_after(DAY - datetime.timedelta(days=1)) is True
    assert evaluate(with_courses(last_day)).lesions[0].reirradiation.months_since_last == 0


# --------------------------------------------------------------------------------------------
# The reader of a case file's entries
# --------------------------------------------------------------------------------------------

GOOD = {"technique": "cebrt", "total_dose_gy": 30, "fractions": 10, "end_date": "2026-03-02"}


def read(value: object, *, flagged: bool | None = True) -> tuple[tuple[PriorCourse, ...], dict[str, list[str]]]:
    return rules.read_courses(value, name=NAME, flagged=flagged, evaluation_date=DAY)


def test_reader_takes_absent_null_and_empty_as_not_recorded() -> None:
    assert read(None) == ((), {}) and read([]) == ((), {}) and read([], flagged=False) == ((), {})


def test_reader_reads_an_entry_exactly() -> None:
    courses, errors = read([{**GOOD, "total_dose_gy": 30.12, "cord_max_dose_gy": None}])
    assert errors == {} and courses[0].total_dose_gy == Decimal("30.12") and courses[0].month_only is False
    courses, _ = read([GOOD, {**GOOD, "end_date": "2026-04", "same_course_as_previous": True}])
    assert courses[1].month_only is True and courses[1].same_course_as_previous is True
    # A month alone is held as its first day, flagged.
    assert courses[1] == course(30, 10, datetime.date(2026, 4, 1), month_only=True, phase=True)


@pytest.mark.parametrize(
    ("entries", "fields"),
    [
        (["text"], {f"{NAME}[0]"}),
        ([{**GOOD, "technique": 3}], {f"{NAME}[0].technique"}),
        ([{**GOOD, "technique": ["cebrt"]}], {f"{NAME}[0].technique"}),  # not a code, and not hashable
        # An entry at fault does not hide the entries after it.
        (["text", {**GOOD, "technique": 3}], {f"{NAME}[0]", f"{NAME}[1].technique"}),
        ([{**GOOD, "technique": 3}, {**GOOD, "fractions": 0}], {f"{NAME}[0].technique", f"{NAME}[1].fractions"}),
        # A dose missing does not hide the other dose's error.
        (
            [{key: value for key, value in GOOD.items() if key != "total_dose_gy"} | {"cord_max_dose_gy": 0}],
            {f"{NAME}[0].total_dose_gy", f"{NAME}[0].cord_max_dose_gy"},
        ),
        ([{**GOOD, "same_course_as_previous": "yes"}], {f"{NAME}[0].same_course_as_previous"}),
        ([{**GOOD, "cord_max_dose_gy": "20"}], {f"{NAME}[0].cord_max_dose_gy"}),
        ([{**GOOD, "end_date": 20260302}], {f"{NAME}[0].end_date"}),
        ([{}], {f"{NAME}[0].{key}" for key in ("technique", "total_dose_gy", "fractions", "end_date")}),
        ([GOOD, {**GOOD, "end_date": "2027-04"}], {f"{NAME}[1].end_date"}),
    ],
)
def test_reader_names_every_field_at_fault(entries: list[object], fields: set[str]) -> None:
    courses, errors = read(entries)
    assert courses == () and set(errors) == fields


def test_reader_does_not_compare_end_dates_with_an_invalid_evaluation_date() -> None:
    _, errors = rules.read_courses([{**GOOD, "end_date": "2030-01-01"}], name=NAME, flagged=None, evaluation_date=None)
    assert errors == {}


@pytest.mark.parametrize("value", ["2027-02-30", "15/03/2027", 20270315, "2027-03"])
def test_evaluation_date_reader_refuses_what_is_not_a_date(value: object) -> None:
    with pytest.raises(ValueError):
        rules.read_evaluation_date(value)
    assert rules.read_evaluation_date("2027-03-15") == DAY and rules.read_evaluation_date(None) is None


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


def _without_courses(case_input: CaseInput) -> CaseInput:
    lesions = tuple(dataclasses.replace(lesion, prior_radiation_courses=()) for lesion in case_input.lesions)
    return dataclasses.replace(case_input, lesions=lesions)


@SETTINGS
@given(cases_with_courses())
def test_property_the_budget_never_changes_pathway_regimen_or_field(case_input: CaseInput) -> None:
    assert evaluate(case_input).pathway == evaluate(_without_courses(case_input)).pathway


@SETTINGS
@given(cases_with_courses(), st.randoms(use_true_random=False))
def test_property_reordering_lesions_with_courses_changes_only_their_order(case_input: CaseInput, rng: Any) -> None:
    shuffled = list(case_input.lesions)
    rng.shuffle(shuffled)
    other = dataclasses.replace(case_input, lesions=tuple(shuffled))
    before, after = evaluate(case_input).to_dict(), evaluate(other).to_dict()
    assert _by_level(before, [v.spinal_level for v in case_input.lesions]) == _by_level(
        after, [v.spinal_level for v in shuffled]
    )


def _budgets(case_input: CaseInput) -> list[tuple[rules.LesionInput, rules.Reirradiation | None]]:
    result = evaluate(case_input)
    return [(lesion, shown.reirradiation) for lesion, shown in zip(case_input.lesions, result.lesions, strict=True)]


@SETTINGS
@given(cases_with_courses())
def test_property_eqd2_is_bed_over_2_everywhere(case_input: CaseInput) -> None:
    for lesion, value in _budgets(case_input):
        assert (value is None) is not lesion.prior_radiation_in_field
        if value is None:
            continue
        pairs = [(value.cumulative_bed, value.cumulative_eqd2)]
        for one in value.courses:
            pairs.append((one.bed, one.eqd2))
            pairs += [(phase.bed, phase.eqd2) for phase in one.phases]
        for bed, eqd2 in pairs:
            assert (bed is None and eqd2 is None) or (bed is not None and eqd2 is not None and eqd2 * 2 == bed)


@SETTINGS
@given(cases_with_courses())
def test_property_no_validated_limit_or_unknown_never_carries_a_limit(case_input: CaseInput) -> None:
    for _, value in _budgets(case_input):
        if value is None:
            continue
        limits = value.nieder_2006 is not None or value.sahgal_2012 is not None
        assert limits is (value.status == BudgetStatus.LIMITS_APPLY)
        assert bool(value.no_validated_limit_reasons) is (value.status == BudgetStatus.NO_VALIDATED_LIMIT)


@SETTINGS
@given(cases_with_courses())
def test_property_every_figure_resting_on_an_assumed_cord_dose_is_marked(case_input: CaseInput) -> None:
    result = evaluate(case_input)
    texts = {item.text for item in result.rationale if item.topic == "reirradiation"}
    details = {item.code: item.text for item in result.alert_items}
    for lesion, shown in zip(case_input.lesions, result.lesions, strict=True):
        value = shown.reirradiation
        if value is None:
            continue
        assumed = [
            entry.technique == CourseTechnique.CEBRT and entry.cord_max_dose_gy is None
            for entry in lesion.prior_radiation_courses
        ]
        phases = [phase for one in value.courses for phase in one.phases]
        assert [phase.cord_dose_assumed for phase in phases] == assumed
        assert value.cord_dose_assumed is any(assumed)
        if value.cord_dose_assumed and value.cumulative_bed is not None:
            level_text = [t for t in texts if t.startswith(f"{lesion.spinal_level}:")]
            assert level_text and "assumed cord dose" in level_text[0]
            if Alert.CORD_BUDGET_INSUFFICIENT in result.alerts and rb.cord_budget_insufficient(value):
                assert "assumed cord dose" in details[Alert.CORD_BUDGET_INSUFFICIENT]


@SETTINGS
@given(cases_with_courses())
def test_property_the_result_is_json_and_reads_the_same_through_the_case_file(case_input: CaseInput) -> None:
    data = evaluate(case_input).to_dict()
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize(
    "entry",
    [
        {"technique": "cebrt", "total_dose_gy": 30.12, "fractions": 10, "end_date": "2026-03"},
        {
            "technique": "sbrt",
            "total_dose_gy": 24,
            "fractions": 2,
            "end_date": "2026-09-01",
            "cord_max_dose_gy": 14.5,
            "same_course_as_previous": True,
        },
    ],
)
def test_an_entry_writes_back_as_the_case_file_gave_it(entry: dict[str, Any]) -> None:
    first = {"technique": "cebrt", "total_dose_gy": 20, "fractions": 5, "end_date": "2026-01-02"}
    courses, errors = read([first, entry])
    assert errors == {} and [course.to_json() for course in courses] == [first, entry]


@pytest.mark.parametrize(
    ("entries", "errors"),
    [
        (
            [{**GOOD, "stray": 1}],
            {f"{NAME}[0].stray": ["Unknown field: a prior radiation entry has no such key."]},
        ),
        (
            [{**GOOD, "technique": "sbrt", "fractions": 6}],
            {f"{NAME}[0].fractions": ["SBRT is given in 1 to 5 fractions."]},
        ),
        (
            [{**GOOD, "same_course_as_previous": True}],
            {f"{NAME}[0].same_course_as_previous": ["The first entry has no entry above it to continue."]},
        ),
        ([GOOD] * 6, {NAME: ["Give a list of at most 5 prior radiation entries, or null."]}),
        ("text", {NAME: ["Give a list of at most 5 prior radiation entries, or null."]}),
        (
            [{**GOOD, "end_date": "2027-04-01"}],
            {f"{NAME}[0].end_date": ["This entry ends after the evaluation date."]},
        ),
        (["text"], {f"{NAME}[0]": ["A prior radiation entry must be a JSON object."]}),
        (
            [{}],
            {
                f"{NAME}[0].technique": ["This field is required. Give cebrt or sbrt."],
                f"{NAME}[0].total_dose_gy": [
                    "This field is required. Give the prescribed dose in Gy: a number above 0 and at most 80, "
                    "with at most 2 decimals."
                ],
                f"{NAME}[0].fractions": [
                    "This field is required. Give the number of fractions: a whole number from 1 to 40 (1 to 5 for "
                    "SBRT)."
                ],
                f"{NAME}[0].end_date": [
                    "This field is required. Give the last day of this entry as YYYY-MM-DD, or YYYY-MM when only "
                    "the month is known."
                ],
            },
        ),
        (
            [
                {
                    "technique": "proton",
                    "total_dose_gy": True,
                    "fractions": True,
                    "end_date": "2026-13-01",
                    "cord_max_dose_gy": 0,
                    "same_course_as_previous": 1,
                }
            ],
            {
                f"{NAME}[0].technique": ["Give cebrt or sbrt."],
                f"{NAME}[0].total_dose_gy": [
                    "Give the prescribed dose in Gy: a number above 0 and at most 80, with at most 2 decimals."
                ],
                f"{NAME}[0].fractions": [
                    "Give the number of fractions: a whole number from 1 to 40 (1 to 5 for SBRT)."
                ],
                f"{NAME}[0].end_date": [
                    "Give the last day of this entry as YYYY-MM-DD, or YYYY-MM when only the month is known."
                ],
                f"{NAME}[0].cord_max_dose_gy": [
                    "Give the plan's cord maximum in Gy (above 0, at most 80, at most 2 decimals), or null."
                ],
                f"{NAME}[0].same_course_as_previous": ["Give true or false (or null)."],
            },
        ),
    ],
)
def test_reader_says_what_is_wrong_with_each_field_in_words(entries: object, errors: dict[str, list[str]]) -> None:
    assert read(entries) == ((), errors)


def test_reader_refuses_entries_on_a_level_not_irradiated_before() -> None:
    assert read([GOOD], flagged=False) == (
        (),
        {NAME: ["Prior radiation entries need prior radiation in the field: set it, or remove the entries."]},
    )
