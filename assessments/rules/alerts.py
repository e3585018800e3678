"""Spec 7 alerts: each alert's condition, written once, with the inputs it read and the words that explain it.

Every alert is a small function that returns None (not raised) or a :class:`_Raised`: the reason's
words (``facts.py``), the inputs read and, for the alerts that name levels, the levels. :func:`alerts_raised`
keeps the order of the spec table (reading R20).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, NamedTuple

from .codes import (
    Alert,
    BudgetStatus,
    EsccGrade,
    ExpectedSurvival,
    Histology,
    PathwayCode,
    Radiation,
    Rule,
    ScoreBand,
    SinsAlignment,
    SinsBoneLesion,
    SinsPain,
    SinsPosterolateral,
    SpinalLevel,
    Stability,
    StabilityAssessment,
    Stabilization,
    Steroids,
    SurgicalCandidate,
)
from .facts import LEVELS, SINS_TOTALS, Fact, Words, bare, fact, fact_is, joined, text_of
from .facts import levels as level_list
from .inputs import (
    HEMATOLOGIC_HISTOLOGIES,
    NOT_AMBULATORY,
    SOLID_RADIOSENSITIVE_HISTOLOGIES,
    SYSTEMIC_OPTION_HISTOLOGIES,
    VCF_COLLAPSE,
    CaseInput,
)
from .lesions import Lesions, LesionView, levels
from .pathway import COMPRESSION_GRADES
from .reirradiation import NIEDER_COURSE_BED, figures, interval_short, no_limit_words, sbrt_without_cord_dose
from .reirradiation import cord_budget_insufficient as budget_insufficient
from .result import ALERT_ITEMS, AlertItem, Pathway, RationaleItem, Reirradiation, ScoreResult
from .sins import HOURS_NONAMBULATORY_LIMIT, SINS_CONSULTATION_THRESHOLD
from .texts import ALERT_TEXTS

_ALERT_RULE: Final = "7 Alerts"
_STABILITY_UNSTABLE: Final[Fact] = fact("stability", Stability.UNSTABLE)
OPEN_SURGERY_PATHWAYS: Final = frozenset(
    {PathwayCode.URGENT_DECOMPRESSION, PathwayCode.SEPARATION_SURGERY_SBRT, PathwayCode.MAXIMAL_EXCISION_CEBRT}
)
# Tokuhashi bands that do not overlap each survival estimate (spec 8.2).
DISCORDANT_BANDS: Final = {
    ExpectedSurvival.GT_6_MONTHS: frozenset({ScoreBand.LT_6_MONTHS}),
    ExpectedSurvival.LT_3_MONTHS: frozenset({ScoreBand.GTE_6_MONTHS, ScoreBand.GTE_12_MONTHS}),
    ExpectedSurvival.FROM_3_TO_6_MONTHS: frozenset({ScoreBand.GTE_12_MONTHS}),
}


class Context(NamedTuple):
    """Everything an alert may read."""

    case: CaseInput
    lesions: Lesions
    index_lesion: LesionView
    pathway: Pathway
    sbrt_preferred: bool
    steroids: Steroids
    tokuhashi: ScoreResult
    block: tuple[SpinalLevel, ...]


class _Raised(NamedTuple):
    words: Words
    inputs: tuple[str, ...]
    levels: tuple[SpinalLevel, ...] = ()  # what "Level(s): ..." names, for the alerts of _LEVEL_NAMING only


def surgical_consultation(c: Context) -> _Raised | None:
    """Any lesion with SINS >= 7 or stability unstable. Source: seed 'Mechanical (spinal stability)', [17,19]."""
    reasons: list[Words] = []
    # In anatomical order, so a sentence does not depend on the order the lesions were entered.
    for view in c.lesions.anatomical:
        level = LEVELS[view.given.spinal_level]
        if view.derived.sins.total >= SINS_CONSULTATION_THRESHOLD:
            reasons.append(("SINS ", SINS_TOTALS[view.derived.sins.total], " is 7 or more at ", level))
        if view in c.lesions.unstable:
            reasons.append((_STABILITY_UNSTABLE, " at ", level))
    if not reasons:
        return None
    return _Raised(("Raised because ", *joined(reasons, " and "), "."), c.lesions.names.stability)


def movement_pain_instability(c: Context) -> _Raised | None:
    """Any lesion with mechanical pain not assessed by a surgeon. Source: seed 'Mechanical', [17,18]."""
    hits = [
        view
        for view in c.lesions.anatomical
        if view.given.sins_pain == SinsPain.MECHANICAL
        and view.given.stability_assessment == StabilityAssessment.NOT_ASSESSED
    ]
    if not hits:
        return None
    return _Raised(
        (
            "Raised because ",
            fact_is("sins_pain", SinsPain.MECHANICAL),
            " and ",
            fact_is("stability_assessment", StabilityAssessment.NOT_ASSESSED),
            " at ",
            level_list(levels(hits)),
            ".",
        ),
        c.lesions.names.pain_and_assessment,
    )


def _walking_lost(c: Context, *, over: bool) -> _Raised | None:
    motor, hours = c.case.motor_status, c.case.hours_nonambulatory
    if motor not in NOT_AMBULATORY:
        return None
    is_over = hours is not None and hours > HOURS_NONAMBULATORY_LIMIT
    if is_over != over:
        return None
    when: Words
    if hours is None:
        when = ("hours_nonambulatory is not known",)
    else:
        when = (fact_is("hours_nonambulatory", str(hours)), " (over 48)" if over else " (48 or less)")
    return _Raised(
        ("Raised because ", fact_is("motor_status", motor), " and ", *when, "."),
        ("motor_status", "hours_nonambulatory"),
    )


def nonambulatory_over_48h(c: Context) -> _Raised | None:
    """Not ambulatory for more than 48 h (reading R3). Source: seed 'Importance of early detection', [1,104]."""
    return _walking_lost(c, over=True)


def time_critical(c: Context) -> _Raised | None:
    """Not ambulatory for 48 h or less, or unknown (reading R3). Source: seed 'Importance of early detection', [1]."""
    return _walking_lost(c, over=False)


def consider_surgery_radiosensitive(c: Context) -> _Raised | None:
    """P6 with a solid radiosensitive tumor, index high grade, deficit, candidate. Source: seed, [46]."""
    case = c.case
    if not (
        c.pathway.rule == Rule.P6
        and case.histology in SOLID_RADIOSENSITIVE_HISTOLOGIES
        and c.index_lesion.derived.high_grade
        and case.neurologic_deficit
        and case.surgical_candidate == SurgicalCandidate.YES
    ):
        return None
    return _Raised(
        (
            "Raised because P6 chose cEBRT for a solid radiosensitive tumor (",
            fact("histology", case.histology),
            ") with high-grade ESCC at the index level, ",
            fact("neurologic_deficit", True),
            " and ",
            fact("surgical_candidate", case.surgical_candidate),
            ".",
        ),
        ("histology", c.index_lesion.name("escc_grade"), "neurologic_deficit", "surgical_candidate"),
    )


def rapid_steroid_response(c: Context) -> _Raised | None:
    """Lymphoma or myeloma (reading R19). Source: seed 'Glucocorticoids', [31,32]."""
    if c.case.histology not in HEMATOLOGIC_HISTOLOGIES:
        return None
    return _Raised(("Raised because ", fact_is("histology", c.case.histology), "."), ("histology",))


def systemic_therapy_option(c: Context) -> _Raised | None:
    """Lymphoma, germ cell, breast or prostate (reading R19). Source: seed 'Systemic therapy', [88-93]."""
    if c.case.histology not in SYSTEMIC_OPTION_HISTOLOGIES:
        return None
    return _Raised(("Raised because ", fact_is("histology", c.case.histology), "."), ("histology",))


def sbrt_unavailable(c: Context) -> _Raised | None:
    """The rule that fired prefers SBRT but it is not available (reading R12). Source: seed, [46,49]."""
    if not c.sbrt_preferred or c.case.sbrt_available:
        return None
    return _Raised(
        (
            "Raised because rule ",
            bare("pathway_rule", c.pathway.rule),
            " names SBRT as the first choice for this case and ",
            fact_is("sbrt_available", False),
            ".",
        ),
        (
            "sbrt_available",
            "histology",
            c.index_lesion.name("escc_grade"),
            c.index_lesion.name("prior_radiation_in_field"),
        ),
    )


def hypofractionated_sbrt_option(c: Context) -> _Raised | None:
    """P9 with index grade 2 and SBRT available. Source: seed 'Radioresistant tumors with high-grade ESCC', [71]."""
    if not (
        c.pathway.rule == Rule.P9 and c.index_lesion.given.escc_grade == EsccGrade.GRADE_2 and c.case.sbrt_available
    ):
        return None
    return _Raised(
        (
            "Raised because P9 fired with ",
            fact("escc_grade", EsccGrade.GRADE_2),
            " at the index level and ",
            fact("sbrt_available", True),
            ".",
        ),
        (c.index_lesion.name("escc_grade"), "surgical_candidate", "sbrt_available"),
    )


def reirradiation_cord_tolerance(c: Context) -> _Raised | None:
    """Any lesion with prior radiation in the field (reading R15). Source: seed 'Management of recurrent ESCC'."""
    hits = levels(c.lesions.irradiated)
    if not hits:
        return None
    return _Raised(
        ("Raised because ", fact_is("prior_radiation_in_field", True), " at ", level_list(hits), "."),
        c.lesions.names.prior_radiation,
    )


def vcf_risk_after_sbrt(c: Context) -> _Raised | None:
    """SBRT with a lytic, collapsed or malaligned index level (reading R14). Source: seed, refs [72-75]."""
    if c.pathway.radiation != Radiation.SBRT:
        return None
    lesion = c.index_lesion.given
    reasons: list[Words] = []
    if lesion.sins_bone_lesion == SinsBoneLesion.LYTIC:
        reasons.append((fact("sins_bone_lesion", lesion.sins_bone_lesion),))
    if lesion.sins_collapse in VCF_COLLAPSE:
        reasons.append((fact("sins_collapse", lesion.sins_collapse),))
    if lesion.sins_alignment != SinsAlignment.NORMAL:
        reasons.append((fact("sins_alignment", lesion.sins_alignment),))
    if not reasons:
        return None
    return _Raised(
        ("Raised because the radiation is SBRT and ", *joined(reasons, ", "), "."),
        tuple(c.index_lesion.name(f) for f in ("sins_bone_lesion", "sins_collapse", "sins_alignment")),
    )


def grade0_not_escc(c: Context) -> _Raised | None:
    """Index grade 0 (reading R17). Source: seed figure 1, ref [15]."""
    if c.index_lesion.given.escc_grade != EsccGrade.GRADE_0:
        return None
    return _Raised(
        ("Raised because ", fact_is("escc_grade", EsccGrade.GRADE_0), " at the index level."),
        (c.index_lesion.name("escc_grade"),),
    )


def additional_unstable_lesion(c: Context) -> _Raised | None:
    """A lesion other than the index is unstable. Source: seed 'Patients with multilevel involvement'."""
    hits = levels([view for view in c.lesions.unstable if view is not c.index_lesion])
    if not hits:
        return None
    return _Raised(
        ("Raised because another level is unstable: ", level_list(hits), "."), c.lesions.others_names.stability, hits
    )


def additional_high_grade_lesion(c: Context) -> _Raised | None:
    """A lesion other than the index is high grade. Source: seed 'Patients with multilevel involvement'."""
    hits = levels([view for view in c.lesions.high_grade if view is not c.index_lesion])
    if not hits:
        return None
    return _Raised(
        ("Raised because another level has high-grade ESCC: ", level_list(hits), "."),
        c.lesions.others_names.escc,
        hits,
    )


def escc_outside_index_block(c: Context) -> _Raised | None:
    """A lesion with grade 1b or higher outside the index block. Source: seed 'multilevel involvement', [46]."""
    hits = levels(
        [
            view
            for view in c.lesions.anatomical
            if view.given.spinal_level not in c.block and view.given.escc_grade in COMPRESSION_GRADES
        ]
    )
    if not hits:
        return None
    outside = tuple(view.name("escc_grade") for view in c.lesions.views if view.given.spinal_level not in c.block)
    return _Raised(
        (
            "Raised because ESCC (grade 1b or higher) lies outside the index block (",
            LEVELS[c.block[0]],
            "-",
            LEVELS[c.block[-1]],
            "): ",
            level_list(hits),
            ".",
        ),
        c.lesions.names.level_and_index + outside,
        hits,
    )


def cement_augmentation_option(c: Context) -> _Raised | None:
    """P4 with an index lesion that is low grade, without retropulsion or posterolateral involvement."""
    lesion = c.index_lesion
    if not (
        c.pathway.rule == Rule.P4
        and not lesion.derived.high_grade
        and not lesion.given.retropulsion
        and lesion.given.sins_posterolateral == SinsPosterolateral.NONE
    ):
        return None
    return _Raised(
        (
            "Raised because P4 fired and the index level has low-grade ESCC, ",
            fact("retropulsion", False),
            " and ",
            fact("sins_posterolateral", SinsPosterolateral.NONE),
            ".",
        ),
        tuple(lesion.name(f) for f in ("escc_grade", "retropulsion", "sins_posterolateral")),
    )


def short_survival_surgery(c: Context) -> _Raised | None:
    """Open surgery with expected survival under 3 months. Source: seed 'Systemic', 'Radioresistant ... high-grade'."""
    pathway = c.pathway
    open_surgery = pathway.code in OPEN_SURGERY_PATHWAYS or (
        pathway.code == PathwayCode.STABILIZATION_THEN_RADIATION
        and pathway.stabilization == Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION
    )
    if not (open_surgery and c.case.expected_survival == ExpectedSurvival.LT_3_MONTHS):
        return None
    return _Raised(
        (
            "Raised because the pathway (",
            bare("pathway", pathway.code),
            ", rule ",
            bare("pathway_rule", pathway.rule),
            ") includes open surgery and ",
            fact_is("expected_survival", ExpectedSurvival.LT_3_MONTHS),
            ".",
        ),
        ("expected_survival", "surgical_candidate"),
    )


def biopsy_before_steroids(c: Context) -> _Raised | None:
    """Unknown primary and steroids other than not routine. Source: seed 'Glucocorticoids', [31,32]."""
    if c.case.histology != Histology.UNKNOWN_PRIMARY or c.steroids == Steroids.NOT_ROUTINE:
        return None
    return _Raised(
        (
            "Raised because ",
            fact_is("histology", Histology.UNKNOWN_PRIMARY),
            " and the steroid recommendation is ",
            bare("steroids", c.steroids),
            ".",
        ),
        ("histology", "neurologic_deficit", *c.lesions.names.escc_and_pain),
    )


def survival_estimate_discordant(c: Context) -> _Raised | None:
    """The revised Tokuhashi band does not overlap the clinician's estimate (spec 8.2). Source: Tokuhashi 2005."""
    band = c.tokuhashi.band
    survival = c.case.expected_survival
    if band is None or band not in DISCORDANT_BANDS[survival]:
        return None
    return _Raised(
        (
            "Raised because the revised Tokuhashi score ",
            bare("tokuhashi_revised", str(c.tokuhashi.score)),
            " (band ",
            bare("score_band", band),
            ") does not overlap ",
            fact("expected_survival", survival),
            "; the pathway still follows the clinician's estimate.",
        ),
        ("expected_survival", *(name for name, _ in c.tokuhashi.items)),
    )


def _budget(view: LesionView) -> Reirradiation:
    """The re-irradiation budget of a lesion irradiated before (the engine works one out for each)."""
    value = view.derived.reirradiation
    assert value is not None
    return value


def reirradiation_budget_unknown(c: Context) -> _Raised | None:
    """Spec 7: a lesion whose budget status is unknown (no earlier course recorded). Source: Nieder 2006."""
    unknown = BudgetStatus.UNKNOWN
    hits = levels([view for view in c.lesions.irradiated if _budget(view).status == unknown])
    if not hits:
        return None
    return _Raised(
        (
            "Raised because no earlier radiation course is recorded at ",
            level_list(hits),
            " (",
            fact("prior_radiation_in_field", True),
            "): the cumulative cord dose is unknown.",
        ),
        c.lesions.budget_names,
    )


def cord_budget_insufficient(c: Context) -> _Raised | None:
    """Spec 7: a course above 98 Gy2 or a cumulative BED above 95.5 Gy2, under any status. Source: Nieder 2006."""
    found = [(view, value) for view in c.lesions.irradiated if budget_insufficient(value := _budget(view))]
    if not found:
        return None
    at = [(LEVELS[view.given.spinal_level], ": ", *figures(value), *_course_over_98(value)) for view, value in found]
    return _Raised(
        (
            "Raised because even the shortest reference course would not stay within Nieder's limit at ",
            *joined(at, "; "),
            ".",
        ),
        c.lesions.budget_names,
    )


def _course_over_98(value: Reirradiation) -> Words:
    over = [course for course in value.courses if course.bed is not None and course.bed > NIEDER_COURSE_BED]
    return (", a course above 98 Gy2",) if over else ()


def reirradiation_interval_short(c: Context) -> _Raised | None:
    """Spec 7: recorded entries and fewer than 6 months since the last. Source: Nieder 2006; Sahgal 2012."""
    found = [(view, value) for view in c.lesions.irradiated if interval_short(value := _budget(view))]
    if not found:
        return None
    at: list[Words] = [
        (
            LEVELS[view.given.spinal_level],
            " (",
            bare("months_since_last", str(value.months_since_last)),
            " months)",
        )
        for view, value in found
    ]
    return _Raised(
        ("Raised because fewer than 6 months have passed since the last course at ", *joined(at, ", "), "."),
        c.lesions.budget_names,
    )


def reirradiation_no_validated_limit(c: Context) -> _Raised | None:
    """Spec 7: a lesion whose budget status is no_validated_limit. Source: Nieder 2006; Sahgal 2012; HyTEC 2021."""
    no_limit = BudgetStatus.NO_VALIDATED_LIMIT
    found = [(view, value) for view in c.lesions.irradiated if (value := _budget(view)).status == no_limit]
    if not found:
        return None
    at: list[Words] = []
    for view, value in found:
        why = no_limit_words(value.no_validated_limit_reasons)
        phrase: Words = (LEVELS[view.given.spinal_level], " (", *why, ")")
        if sbrt_without_cord_dose(view.given.prior_radiation_courses):
            phrase += (": record the SBRT plan's cord maximum, without it the cumulative figures are unknown",)
        at.append(phrase)
    return _Raised(
        ("Raised because no published limit covers the earlier radiation at ", *joined(at, "; "), "."),
        c.lesions.budget_names,
    )


def bony_compression(c: Context) -> _Raised | None:
    """Spec 7 and P3: index high grade with retropulsion, and a pathway without open decompression.

    Source: ACR 2015; seed 'Role of vertebroplasty, kyphoplasty, and percutaneous spinal instrumentation' [85,87].
    """
    lesion = c.index_lesion
    stabilization = c.pathway.stabilization
    if not (
        lesion.derived.high_grade
        and lesion.given.retropulsion
        and stabilization != Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION
    ):
        return None
    return _Raised(
        (
            "Raised because retropulsed bone at ",
            LEVELS[lesion.given.spinal_level],
            " (",
            fact("retropulsion", True),
            ", high-grade ESCC) may contribute to the compression, and the pathway (",
            bare("pathway", c.pathway.code),
            ") has no open decompression.",
        ),
        tuple(lesion.name(f) for f in ("spinal_level", "escc_grade", "retropulsion")),
    )


# The spec table's order (reading R20).
CONDITIONS: Final[tuple[tuple[Alert, Callable[[Context], _Raised | None]], ...]] = (
    (Alert.SURGICAL_CONSULTATION, surgical_consultation),
    (Alert.MOVEMENT_PAIN_INSTABILITY, movement_pain_instability),
    (Alert.NONAMBULATORY_OVER_48H, nonambulatory_over_48h),
    (Alert.TIME_CRITICAL, time_critical),
    (Alert.CONSIDER_SURGERY_RADIOSENSITIVE, consider_surgery_radiosensitive),
    (Alert.RAPID_STEROID_RESPONSE, rapid_steroid_response),
    (Alert.SYSTEMIC_THERAPY_OPTION, systemic_therapy_option),
    (Alert.SBRT_UNAVAILABLE, sbrt_unavailable),
    (Alert.HYPOFRACTIONATED_SBRT_OPTION, hypofractionated_sbrt_option),
    (Alert.REIRRADIATION_CORD_TOLERANCE, reirradiation_cord_tolerance),
    (Alert.VCF_RISK_AFTER_SBRT, vcf_risk_after_sbrt),
    (Alert.GRADE0_NOT_ESCC, grade0_not_escc),
    (Alert.ADDITIONAL_UNSTABLE_LESION, additional_unstable_lesion),
    (Alert.ADDITIONAL_HIGH_GRADE_LESION, additional_high_grade_lesion),
    (Alert.ESCC_OUTSIDE_INDEX_BLOCK, escc_outside_index_block),
    (Alert.CEMENT_AUGMENTATION_OPTION, cement_augmentation_option),
    (Alert.SHORT_SURVIVAL_SURGERY, short_survival_surgery),
    (Alert.BIOPSY_BEFORE_STEROIDS, biopsy_before_steroids),
    (Alert.SURVIVAL_ESTIMATE_DISCORDANT, survival_estimate_discordant),
    (Alert.REIRRADIATION_BUDGET_UNKNOWN, reirradiation_budget_unknown),
    (Alert.CORD_BUDGET_INSUFFICIENT, cord_budget_insufficient),
    (Alert.REIRRADIATION_INTERVAL_SHORT, reirradiation_interval_short),
    (Alert.REIRRADIATION_NO_VALIDATED_LIMIT, reirradiation_no_validated_limit),
    (Alert.BONY_COMPRESSION, bony_compression),
)
_TOPICS: Final = {code: f"alert:{code}" for code in Alert}
# Alerts whose text begins with their own words: the levels and figures they name.
_WORDS_IN_TEXT: Final = frozenset(
    {
        Alert.SURVIVAL_ESTIMATE_DISCORDANT,
        Alert.REIRRADIATION_BUDGET_UNKNOWN,
        Alert.CORD_BUDGET_INSUFFICIENT,
        Alert.REIRRADIATION_INTERVAL_SHORT,
        Alert.REIRRADIATION_NO_VALIDATED_LIMIT,
        Alert.BONY_COMPRESSION,
    }
)
_LEVEL_NAMING: Final = frozenset(
    {Alert.ADDITIONAL_UNSTABLE_LESION, Alert.ADDITIONAL_HIGH_GRADE_LESION, Alert.ESCC_OUTSIDE_INDEX_BLOCK}
)


def alerts_raised(
    context: Context,
) -> tuple[tuple[Alert, ...], tuple[AlertItem, ...], tuple[RationaleItem, ...]]:
    """Spec 7 alerts in the order of the spec table: codes, details (text and source) and rationale items."""
    codes: list[Alert] = []
    details: list[AlertItem] = []
    items: list[RationaleItem] = []
    for code, condition in CONDITIONS:
        raised = condition(context)
        if raised is None:
            continue
        note = ALERT_TEXTS[code]
        if code in _LEVEL_NAMING:
            detail = AlertItem(code=code, text=f"Level(s): {', '.join(raised.levels)}. {note.text}", source=note.source)
        elif code in _WORDS_IN_TEXT:
            detail = AlertItem(code=code, text=f"{text_of(raised.words)} {note.text}", source=note.source)
        else:
            detail = ALERT_ITEMS[code]
        codes.append(code)
        details.append(detail)
        items.append(RationaleItem(_TOPICS[code], _ALERT_RULE, raised.words, raised.inputs, note.source))
    return tuple(codes), tuple(details), tuple(items)
