"""Spec 4.1, the spinal cord dose budget of a level irradiated before (RB1-RB8): information, never a dose.

For each lesion with ``prior_radiation_in_field`` the budget turns each earlier course into the cord's
BED and EQD2 (alpha/beta = 2 Gy), sums them, counts the months since the last course, and holds one
earlier cEBRT course against Nieder 2006 (a further cEBRT course) and Sahgal 2012 (a further SBRT
course). It never reads or changes the pathway, the regimen or the field (RB8). Arithmetic is exact:
doses are ``Decimal`` s from the input's decimal text, exact BEDs are whole-number fractions, the BEDs
shown are added in whole tenths of a Gy2, and every figure shown is rounded the cautious way before it
is compared, so the value shown is the value compared.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Final

from .codes import (
    BudgetStatus,
    CourseTechnique,
    LimitStatus,
    NiederBand,
    NoLimitReason,
    ReferenceCourse,
    SahgalBound,
)
from .facts import LEVELS, Words, bare, fact, joined
from .inputs import PriorCourse
from .result import (
    CourseDose,
    Nieder2006,
    PhaseDose,
    RationaleItem,
    ReferenceCalculation,
    Reirradiation,
    Sahgal2012,
)
from .texts import SRC_REIRRADIATION_BUDGET

RULE: Final = "4.1 Re-irradiation budget"
# Nieder 2006 (RB6): Gy2, with alpha/beta = 2 Gy.
NIEDER_NO_MYELOPATHY_BED: Final = Decimal(120)
NIEDER_CUMULATIVE_BED: Final = Decimal("135.5")
NIEDER_COURSE_BED: Final = Decimal(98)
NIEDER_INTERVAL_MONTHS: Final = 6
# Sahgal 2012 (RB7): EQD2 in Gy of the thecal-sac Pmax.
SAHGAL_COURSE_EQD2: Final = Decimal(25)
SAHGAL_CUMULATIVE_EQD2: Final = Decimal(70)
SAHGAL_INTERVAL_MONTHS: Final = 5
SAHGAL_COHORT_EQD2: Final = (Decimal(30), Decimal(50))
PMAX_FRACTIONS: Final = (1, 2, 3, 5)
# The reference courses of RB6, in order: code, dose in Gy, fractions.
REFERENCE_COURSES: Final = ((ReferenceCourse.REF_8GY_1FX, 8, 1), (ReferenceCourse.REF_20GY_5FX, 20, 5))
# Alert cord_budget_insufficient (spec 7): 135.5 less the BED of the shortest reference course (8 Gy in 1).
INSUFFICIENT_CUMULATIVE_BED: Final = Decimal("95.5")
INTERVAL_SHORT_MONTHS: Final = NIEDER_INTERVAL_MONTHS
_HUNDRED: Final = Decimal(100)
_TENTH: Final = Decimal("0.1")  # a BED in tenths times this is the Decimal shown, exponent -1: 40.0, 135.5


def bed_terms(dose: Decimal, fractions: int) -> tuple[int, int]:
    """The exact BED of ``dose`` Gy (at most 2 decimals) in ``fractions`` fractions as numerator and denominator.

    D + D^2/(2n) with D = d/100 is (200nd + d^2) / (20000n): whole numbers, so no rounding anywhere.
    """
    d = int(dose * _HUNDRED)
    return (200 * fractions + d) * d, 20000 * fractions


def exact_bed(dose: Decimal, fractions: int) -> Fraction:
    """Spec 4.1 RB4: the exact BED of ``dose`` Gy in ``fractions`` fractions, alpha/beta = 2 Gy: D + D^2/(2n).

    Source: the linear-quadratic model as used by Nieder 2006, Sahgal 2012 and HyTEC 2021.
    """
    return Fraction(*bed_terms(dose, fractions))


def bed_shown(exact: Fraction) -> Decimal:
    """Spec 4.1 RB4: a BED rounded up to the next multiple of 0.1 Gy2 (a multiple stays), so never understated."""
    return _TENTH * _tenths_up(exact.numerator, exact.denominator)


def _tenths_up(numerator: int, denominator: int) -> int:
    """numerator / denominator Gy2 in tenths, rounded up."""
    return -(-numerator * 10 // denominator)


def add_months(start: date, months: int) -> date:
    """``start`` plus whole calendar months, keeping the day, or the month's last day in a shorter month (RB1)."""
    total = start.year * 12 + start.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    day = start.day
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


def months_between(start: date, end: date) -> int:
    """Spec 4.1 RB1: the largest m >= 0 with ``start`` + m months <= ``end`` (0 when ``end`` is earlier)."""
    months = max((end.year - start.year) * 12 + end.month - start.month, 0)
    # start + m months falls in end's month on start's day or earlier (a shorter month's last day), so
    # it passes end only when start's day is later than end's; one month less is then in an earlier month.
    if months > 0 and start.day > end.day and add_months(start, months) > end:
        months -= 1
    return months


def nieder_band(cumulative_bed: Decimal) -> NiederBand:
    """Spec 4.1 RB6: the band of a cumulative BED (<= 120, <= 135.5, above). Source: Nieder 2006."""
    if cumulative_bed <= NIEDER_NO_MYELOPATHY_BED:
        return NiederBand.LE_120
    if cumulative_bed <= NIEDER_CUMULATIVE_BED:
        return NiederBand.LE_135_5
    return NiederBand.GT_135_5


def nieder_2006(course_bed: Decimal, cumulative_bed: Decimal, months: int) -> Nieder2006:
    """Spec 4.1 RB6: the reference courses held against Nieder 2006 for a further cEBRT course.

    Within the limit when the earlier course is <= 98 Gy2, the cumulative BED <= 135.5 Gy2 and the
    interval at least 6 months. Source: Nieder 2006 (IJROBP 66:1446); reference courses: seed [43,55,58],
    median survival after re-irradiation [116].
    """
    over_98 = course_bed > NIEDER_COURSE_BED
    interval_met = months >= NIEDER_INTERVAL_MONTHS
    calculations = []
    for code, bed in REFERENCE_BEDS:
        total = cumulative_bed + bed
        within = not over_98 and total <= NIEDER_CUMULATIVE_BED and interval_met
        status = LimitStatus.WITHIN_LIMIT if within else LimitStatus.NOT_WITHIN_LIMIT
        calculations.append(ReferenceCalculation(code, bed, total, nieder_band(total), status))
    return Nieder2006(over_98, interval_met, tuple(calculations))


def pmax_constraint(remaining_eqd2: Decimal, fractions: int) -> Decimal:
    """Spec 4.1 RB7: the largest multiple of 0.1 Gy, x >= 0, with x + x^2/(2n) <= 2 x ``remaining_eqd2``.

    With x = k/10 and R = r/100 this is (k + 10n)^2 <= 100n^2 + 4nr, solved in whole numbers.
    """
    r = int(remaining_eqd2 * 100)
    k = math.isqrt(100 * fractions * fractions + 4 * fractions * r) - 10 * fractions
    return Decimal(k) / 10


def sahgal_2012(cumulative_eqd2: Decimal, exact_cumulative_bed: Fraction, months: int) -> Sahgal2012:
    """Spec 4.1 RB7: Sahgal 2012's limits on a further SBRT course's thecal-sac Pmax, after one cEBRT course.

    The SBRT course <= 25 Gy EQD2, the cumulative <= 70, the SBRT course <= 50% of the cumulative, at
    least 5 months after. Each bound uses the prior EQD2 that makes it smaller: the shown (rounded-up)
    one for the 70 Gy bound, the exact one for the share bound. Source: Sahgal 2012 (IJROBP 82:107),
    restated by HyTEC 2021.
    """
    return _sahgal(cumulative_eqd2, exact_cumulative_bed.numerator, exact_cumulative_bed.denominator, months)


def _sahgal(cumulative_eqd2: Decimal, numerator: int, denominator: int, months: int) -> Sahgal2012:
    """:func:`sahgal_2012` with the exact cumulative BED as ``numerator / denominator`` (denominator > 0).

    The three bounds are written over one denominator, 200 x ``denominator``, so they compare, and
    round down, as whole numbers: exact, as fractions are, at a fraction of their cost.
    """
    bounds = (
        (SahgalBound.SBRT_COURSE_MAX_25, int(SAHGAL_COURSE_EQD2) * 200 * denominator),
        (SahgalBound.CUMULATIVE_MAX_70, int((SAHGAL_CUMULATIVE_EQD2 - cumulative_eqd2) * _HUNDRED) * 2 * denominator),
        (SahgalBound.SBRT_SHARE_MAX_50_PERCENT, 100 * numerator),
    )
    smallest = min(value for _, value in bounds)
    if smallest <= 0:
        remaining = Decimal(0)
        limited_by = tuple(bound for bound, value in bounds if value <= 0)
    else:
        remaining = Decimal(smallest * 100 // (200 * denominator)) / 100
        limited_by = tuple(bound for bound, value in bounds if value == smallest)
    low, high = SAHGAL_COHORT_EQD2
    return Sahgal2012(
        months >= SAHGAL_INTERVAL_MONTHS,
        remaining,
        limited_by,
        cumulative_eqd2 < low or cumulative_eqd2 > high,
        tuple([(n, pmax_constraint(remaining, n)) for n in PMAX_FRACTIONS]),
    )


# Each reference course's BED, worked once: 8 + 64/2 = 40.0 and 20 + 400/10 = 60.0.
REFERENCE_BEDS: Final = tuple(
    (code, bed_shown(exact_bed(Decimal(dose), fractions))) for code, dose, fractions in REFERENCE_COURSES
)
_UNKNOWN: Final = Reirradiation(BudgetStatus.UNKNOWN, (), False, (), None, None, None, None, None, None)
_NO_CORD_DOSE: Final = PhaseDose(None, False, None, None)
_SBRT: Final = (NoLimitReason.PRIOR_SBRT_COURSE,)
_COURSES: Final = (NoLimitReason.TWO_OR_MORE_COURSES,)
_SBRT_AND_COURSES: Final = (NoLimitReason.PRIOR_SBRT_COURSE, NoLimitReason.TWO_OR_MORE_COURSES)


def budget(entries: tuple[PriorCourse, ...], evaluation_date: date) -> Reirradiation:
    """Spec 4.1 RB1-RB7: the budget of one level irradiated before, from its recorded entries.

    No entry: ``unknown`` (a missing record is not a zero dose). An SBRT entry or two or more courses:
    ``no_validated_limit``, figures shown as information only. One cEBRT course: ``limits_apply``, with
    Nieder 2006 and Sahgal 2012. Sources: Nieder 2006, Sahgal 2012, HyTEC 2021, Barton 2002 (the cord
    dose of a cEBRT plan may differ from the prescription by up to 50%); the review's refs [111,112,116,117,119].
    """
    if not entries:
        return _UNKNOWN
    # One pass over the entries (this runs for every irradiated lesion of every live update): each
    # entry's cord dose and BED (RB3-RB4), its course (RB2: a phase joins the course above it), the
    # last end (RB1) and what rules out the validated limits (RB5).
    cebrt = CourseTechnique.CEBRT
    groups: list[list[PhaseDose]] = []
    sums: list[int | None] = []  # each course's BED in tenths of Gy2, None when a cord dose is unknown
    exact: list[tuple[int, int]] = []
    assumed_any = sbrt = False
    last_end = evaluation_date
    dose: Decimal | None
    for number, entry in enumerate(entries):
        recorded = entry.cord_max_dose_gy
        if entry.technique == cebrt:
            dose, assumed = (entry.total_dose_gy, True) if recorded is None else (recorded, False)
        else:
            sbrt = True
            dose, assumed = recorded, False
        tenths: int | None
        if dose is None:
            # RB3: an SBRT prescription is never a cord dose; the plan keeps the cord far below it.
            phase, tenths = _NO_CORD_DOSE, None
        else:
            terms = bed_terms(dose, entry.fractions)
            exact.append(terms)
            tenths = _tenths_up(*terms)
            bed = _TENTH * tenths
            phase = PhaseDose(dose, assumed, bed, bed / 2)
            assumed_any = assumed_any or assumed
        if entry.same_course_as_previous:  # never the first entry (CaseInput checks)
            groups[-1].append(phase)
            total = sums[-1]
            sums[-1] = None if total is None or tenths is None else total + tenths
        else:
            groups.append([phase])
            sums.append(tenths)
        end = entry.end(evaluation_date)
        if number == 0 or end > last_end:
            last_end = end
    courses = []
    cumulative_tenths: int | None = 0
    for phases, total in zip(groups, sums, strict=True):
        if total is None:
            cumulative_tenths = None
            courses.append(CourseDose(None, None, tuple(phases)))
        else:
            if cumulative_tenths is not None:
                cumulative_tenths += total
            course_bed = _TENTH * total
            courses.append(CourseDose(course_bed, course_bed / 2, tuple(phases)))
    cumulative = None if cumulative_tenths is None else _TENTH * cumulative_tenths
    months = months_between(last_end, evaluation_date)
    if sbrt:
        reasons = _SBRT_AND_COURSES if len(courses) >= 2 else _SBRT
    elif len(courses) >= 2:
        reasons = _COURSES
    else:
        # One course, every entry cEBRT: every cord dose is recorded or assumed, so every figure is known.
        assert cumulative is not None
        numerator, denominator = 0, 1
        for term_numerator, term_denominator in exact:
            numerator = numerator * term_denominator + term_numerator * denominator
            denominator *= term_denominator
        return Reirradiation(
            BudgetStatus.LIMITS_APPLY,
            (),
            assumed_any,
            tuple(courses),
            cumulative,
            cumulative / 2,
            last_end,
            months,
            nieder_2006(cumulative, cumulative, months),
            _sahgal(cumulative / 2, numerator, denominator, months),
        )
    return Reirradiation(
        BudgetStatus.NO_VALIDATED_LIMIT,
        reasons,
        assumed_any,
        tuple(courses),
        cumulative,
        None if cumulative is None else cumulative / 2,
        last_end,
        months,
        None,
        None,
    )


def _no_limit_words(reasons: tuple[NoLimitReason, ...]) -> Words:
    return joined([(fact("no_validated_limit_reason", reason),) for reason in reasons], ", ")


# The words of every history the budget can rule the limits out for (RB5), made once.
_NO_LIMIT_WORDS: Final[dict[tuple[NoLimitReason, ...], Words]] = {
    reasons: _no_limit_words(reasons) for reasons in ((), _SBRT, _COURSES, _SBRT_AND_COURSES)
}


def no_limit_words(reasons: tuple[NoLimitReason, ...]) -> Words:
    """Why no published limit covers a history, as words ("prior_sbrt_course, two_or_more_courses")."""
    words = _NO_LIMIT_WORDS.get(reasons)
    return words if words is not None else _no_limit_words(reasons)


def gy(value: Decimal) -> str:
    """A figure as the result writes it: at least one decimal, no trailing zero after it (135.0, 37.75).

    Every figure here is a whole number of tenths or hundredths made with an exponent of 0 or less, so
    its ``str`` has no exponent.
    """
    whole, _, decimals = str(value).partition(".")
    return f"{whole}.{decimals.rstrip('0') or '0'}"


def cord_budget_insufficient(value: Reirradiation) -> bool:
    """Spec 7 ``cord_budget_insufficient``: a course above 98 Gy2, or a cumulative BED above 95.5 Gy2.

    Even the shortest reference course (8 Gy in 1, 40.0 Gy2) would then not stay within Nieder's limit.
    """
    over_course = any(course.bed is not None and course.bed > NIEDER_COURSE_BED for course in value.courses)
    cumulative = value.cumulative_bed
    return over_course or (cumulative is not None and cumulative > INSUFFICIENT_CUMULATIVE_BED)


def interval_short(value: Reirradiation) -> bool:
    """Spec 7 ``reirradiation_interval_short``: entries recorded and fewer than 6 months since the last."""
    return value.months_since_last is not None and value.months_since_last < INTERVAL_SHORT_MONTHS


def sbrt_without_cord_dose(entries: tuple[PriorCourse, ...]) -> bool:
    """An SBRT entry without the plan's cord maximum: the cumulative figures are then unknown (RB3)."""
    sbrt = CourseTechnique.SBRT
    return any(entry.technique == sbrt and entry.cord_max_dose_gy is None for entry in entries)


def figures(value: Reirradiation) -> Words:
    """The cumulative BED and EQD2 in a sentence, marked where they rest on an assumed cord dose."""
    if value.cumulative_bed is None or value.cumulative_eqd2 is None:
        return ("cumulative BED and EQD2 unknown (an SBRT entry has no recorded cord maximum)",)
    words: Words = (
        "cumulative BED ",
        bare("cumulative_bed", gy(value.cumulative_bed)),
        " Gy2, EQD2 ",
        bare("cumulative_eqd2", gy(value.cumulative_eqd2)),
        " Gy",
    )
    if value.cord_dose_assumed:
        words += (" (assumed cord dose)",)
    return words


def _limits(value: Reirradiation) -> Words:
    """Under ``limits_apply``: each reference calculation's band and status, and the Pmax constraints."""
    nieder, sahgal = value.nieder_2006, value.sahgal_2012
    assert nieder is not None and sahgal is not None
    calculations = joined(
        [
            (
                bare("reference_calculation", item.code),
                " reaches ",
                bare("cumulative_bed", gy(item.cumulative_bed)),
                " Gy2, ",
                fact("nieder_band", item.band),
                ", ",
                bare("limit_status", item.status),
            )
            for item in nieder.reference_calculations
        ],
        "; ",
    )
    pmax = joined(
        [(bare("pmax_gy", gy(limit)), f" Gy in {n}") for n, limit in sahgal.pmax_constraint_gy],
        ", ",
    )
    return (
        " Nieder 2006 reference calculations for a further cEBRT course: ",
        *calculations,
        ". Sahgal 2012 thecal-sac Pmax constraint for a further SBRT course (",
        bare("remaining_eqd2", gy(sahgal.remaining_eqd2)),
        " Gy EQD2 left): ",
        *pmax,
        ".",
    )


def budget_item(value: Reirradiation, *, level: str, inputs: tuple[str, ...]) -> RationaleItem:
    """The rationale item of spec 4.1 for one lesion: status, figures, interval, limits, and not a prescription."""
    words: Words = (
        LEVELS[level],
        ": ",
        fact("reirradiation_status", value.status),
    )
    if value.status == BudgetStatus.UNKNOWN:
        words += (
            "; no earlier course is recorded, so the cumulative cord dose is unknown (a missing record is not a "
            "zero dose).",
        )
    else:
        months = value.months_since_last
        reasons = no_limit_words(value.no_validated_limit_reasons)
        if reasons:
            words += (" (", *reasons, ")")
        words += (
            "; ",
            *figures(value),
            "; ",
            bare("months_since_last", str(months)),
            " months since the last course.",
        )
        if value.status == BudgetStatus.LIMITS_APPLY:
            words += _limits(value)
            if value.cord_dose_assumed:
                words += (" These figures rest on an assumed cord dose.",)
    words += (" Reference figures for radiation oncology, not a prescription; radiation oncology sets the dose.",)
    return RationaleItem("reirradiation", RULE, words, inputs, SRC_REIRRADIATION_BUDGET)
