"""Spec 3, the definitive treatment pathway P1-P9 (on the index lesion), and spec 4, the cEBRT regimen and field.

Every rule returns one :class:`_Choice` built with keyword arguments: the decision, the words that
explain it and the inputs it read. Lesion fields are named bare here (``escc_grade``); the engine
qualifies them with the index lesion's position (``lesions[0].escc_grade``).
"""

from __future__ import annotations

from typing import Final, NamedTuple

from .codes import (
    LEVEL_ORDER,
    LEVEL_POSITION,
    CebrtRegimen,
    EsccGrade,
    ExpectedSurvival,
    Histology,
    PathwayCode,
    Radiation,
    Radiosensitivity,
    Rule,
    SinsPosterolateral,
    SpinalLevel,
    Stability,
    Stabilization,
    SurgicalCandidate,
)
from .facts import LEVELS, Listing, Words, bare, fact, fact_is, joined
from .lesions import LesionNames
from .result import CebrtField, RationaleItem
from .texts import (
    DEFICIT_INPUTS,
    RADIOSENSITIVITY_INPUTS,
    SRC_CEBRT_FIELD,
    SRC_P1,
    SRC_P2,
    SRC_P2_BIOPSY_THEN_CEBRT,
    SRC_P3,
    SRC_P3_RETROPULSION,
    SRC_P4,
    SRC_P5_PALLIATIVE,
    SRC_P5_REIRRADIATION,
    SRC_P5_SURGERY,
    SRC_P6,
    SRC_P7,
    SRC_P8,
    SRC_P9,
    SRC_REGIMEN_EXCISION,
    SRC_REGIMEN_FAVOURABLE,
    SRC_REGIMEN_LONG,
    SRC_REGIMEN_MIDDLE,
    SRC_REGIMEN_REIRRADIATION,
    SRC_REGIMEN_SHORT,
    STABILITY_INPUTS,
)

COMPRESSION_GRADES: Final = frozenset({EsccGrade.GRADE_1B, EsccGrade.GRADE_1C, EsccGrade.GRADE_2, EsccGrade.GRADE_3})
_UNKNOWN_PRIMARY: Final = fact("histology", Histology.UNKNOWN_PRIMARY)
# The regimen's favourable histologies, named as a group whichever of the two the case has.
_HEMATOLOGIC: Final = Listing((fact("histology", Histology.LYMPHOMA), bare("histology", Histology.MYELOMA)), " or ")


class Facts(NamedTuple):
    """What the pathway reads: the index lesion's findings and the case's own (spec 2.6)."""

    radiosensitivity: Radiosensitivity
    significant_deficit: bool
    surgical_candidate: SurgicalCandidate
    stability: Stability
    escc_grade: EsccGrade
    high_grade: bool
    prior_radiation: bool
    sbrt_available: bool
    retropulsion: bool
    posterolateral: SinsPosterolateral
    neurologic_deficit: bool
    survival: ExpectedSurvival

    @property
    def compression(self) -> bool:
        """Index grade 1b or higher: the thecal sac is deformed, so compression can explain a deficit."""
        return self.escc_grade in COMPRESSION_GRADES

    @property
    def candidate(self) -> bool:
        return self.surgical_candidate == SurgicalCandidate.YES


class _Choice(NamedTuple):
    code: PathwayCode
    rule: Rule
    stabilization: Stabilization | None
    radiation: Radiation | None
    sbrt_preferred: bool
    words: Words
    inputs: tuple[str, ...]
    source: str


_UNKNOWN_INPUTS: Final = ("histology", *DEFICIT_INPUTS, "escc_grade", "surgical_candidate")
_UNSTABLE_INPUTS: Final = ("histology", *STABILITY_INPUTS, "surgical_candidate")
_P3_INPUTS: Final = (
    *RADIOSENSITIVITY_INPUTS,
    *STABILITY_INPUTS,
    "surgical_candidate",
    "escc_grade",
    "prior_radiation_in_field",
    "retropulsion",
    "sbrt_available",
)
_P3_BONY_INPUTS: Final = (*_P3_INPUTS, "neurologic_deficit", "expected_survival")
_P4_INPUTS: Final = _UNSTABLE_INPUTS
_P5_INPUTS: Final = (
    "histology",
    "stability_assessment",
    "prior_radiation_in_field",
    "escc_grade",
    "surgical_candidate",
    "sbrt_available",
)
_P6_INPUTS: Final = (*RADIOSENSITIVITY_INPUTS, "stability_assessment", "prior_radiation_in_field")
_P7_INPUTS: Final = (*_P6_INPUTS, "escc_grade", "sbrt_available")
_P8_INPUTS: Final = (*_P6_INPUTS, "escc_grade", "surgical_candidate", "sbrt_available")
_P9_INPUTS: Final = (*_P6_INPUTS, "escc_grade", "surgical_candidate", "sbrt_available")


def _sbrt_where_available(
    f: Facts, lead: Words, *, sbrt: tuple[PathwayCode, str, str], otherwise: tuple[PathwayCode, str, str]
) -> tuple[PathwayCode, Radiation, Words]:
    """The SBRT branch of a rule when the centre offers SBRT, else its cEBRT alternative (P5, P7, P8).

    Each branch is the pathway code and the words around the ``sbrt_available`` fact; the
    alternative's words say that SBRT would be preferred, so every rule says it the same way.
    """
    if f.sbrt_available:
        code, before, after = sbrt
        return code, Radiation.SBRT, (*lead, before, fact("sbrt_available", True), after)
    code, before, after = otherwise
    return (
        code,
        Radiation.CEBRT,
        (*lead, f"{before}SBRT would be preferred but ", fact_is("sbrt_available", False), after),
    )


def _p1_urgent_decompression(f: Facts) -> _Choice:
    """P1: unknown primary, significant deficit, index grade 1b or higher, surgical candidate.

    Urgent decompression with stabilization; histology from the specimen. Source: seed
    'Patients with unknown or synchronous primary', ref [48].
    """
    return _Choice(
        code=PathwayCode.URGENT_DECOMPRESSION,
        rule=Rule.P1,
        stabilization=Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION,
        radiation=None,
        sbrt_preferred=False,
        words=(
            "P1: no cancer diagnosis yet (",
            _UNKNOWN_PRIMARY,
            "), a significant neurologic deficit explained by compression (",
            fact("escc_grade", f.escc_grade),
            ") and ",
            fact("surgical_candidate", f.surgical_candidate),
            ". The neurologic picture comes first: urgent surgical decompression with instrumented "
            "stabilization, tissue sent for histology at surgery and staging afterwards. Radiation is "
            "chosen once the histology is known.",
        ),
        inputs=_UNKNOWN_INPUTS,
        source=SRC_P1,
    )


def _p2_unknown_primary(f: Facts) -> _Choice:
    """P2: unknown primary otherwise.

    Significant deficit from compression in a non-candidate -> urgent biopsy then cEBRT; otherwise
    staging and biopsy first. Source: seed 'Patients with unknown or synchronous primary', ref [48].
    """
    if f.significant_deficit and f.compression:
        return _Choice(
            code=PathwayCode.BIOPSY_THEN_CEBRT,
            rule=Rule.P2,
            stabilization=None,
            radiation=Radiation.CEBRT,
            sbrt_preferred=False,
            words=(
                "P2: no cancer diagnosis yet (",
                _UNKNOWN_PRIMARY,
                "), a significant neurologic deficit explained by compression (",
                fact("escc_grade", f.escc_grade),
                ") and ",
                fact("surgical_candidate", f.surgical_candidate),
                ": the neurologic presentation takes precedence, so an urgent core biopsy (the same day where "
                "possible), then cEBRT without waiting for full staging.",
            ),
            inputs=_UNKNOWN_INPUTS,
            source=SRC_P2_BIOPSY_THEN_CEBRT,
        )
    why: Words
    if not f.significant_deficit:
        why = ("without a significant neurologic deficit",)
    else:
        why = (
            "with a significant deficit but ",
            fact("escc_grade", f.escc_grade),
            " (no compression to explain it)",
        )
    words: Words = (
        "P2: no cancer diagnosis yet (",
        _UNKNOWN_PRIMARY,
        "), ",
        *why,
        ". Full staging, tumor markers where relevant and a core biopsy of the most accessible site come "
        "first; the definitive plan follows the histology.",
    )
    if f.stability == Stability.UNSTABLE:
        words += (" The spine is unstable: see the surgical consultation alert.",)
    return _Choice(
        code=PathwayCode.BIOPSY_AND_STAGING,
        rule=Rule.P2,
        stabilization=None,
        radiation=None,
        sbrt_preferred=False,
        words=words,
        inputs=(*_UNKNOWN_INPUTS, *STABILITY_INPUTS),
        source=SRC_P2,
    )


def _p3_stabilization_then_radiation(f: Facts) -> _Choice:
    """P3: unstable spine, surgical candidate -> stabilize, then irradiate.

    Technique: open decompression when high grade and (resistant, or prior radiation, or retropulsed
    bone with a neurologic deficit and an expected survival of 3 months or more); else percutaneous
    screws when high grade, retropulsion or posterolateral involvement; else cement augmentation.
    Radiation: SBRT when (resistant or prior radiation) and SBRT is available, else cEBRT. Source: seed
    'Patients with spinal instability', refs [38-42]; 'Role of vertebroplasty, kyphoplasty, and
    percutaneous spinal instrumentation', refs [85-87]; retropulsed bone: ACR 2015.
    """
    resistant = f.radiosensitivity == Radiosensitivity.RESISTANT
    sbrt_preferred = resistant or f.prior_radiation
    bony = f.retropulsion and f.neurologic_deficit and f.survival != ExpectedSurvival.LT_3_MONTHS
    hard_to_treat = (
        fact("radiosensitivity", f.radiosensitivity),
        ", ",
        fact("prior_radiation_in_field", f.prior_radiation),
    )
    screw_reasons = joined(
        [
            (reason,)
            for reason, present in (
                ("high-grade ESCC", f.high_grade),
                (fact("retropulsion", True), f.retropulsion),
                (fact("sins_posterolateral", f.posterolateral), f.posterolateral != SinsPosterolateral.NONE),
            )
            if present
        ],
        ", ",
    )
    how: Words
    inputs: tuple[str, ...] = _P3_INPUTS
    source = SRC_P3
    if f.high_grade and sbrt_preferred:
        stabilization = Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION
        how = (
            "open decompression with instrumentation, because high-grade ESCC also needs "
            "decompression when radiation alone cannot be relied on (",
            *hard_to_treat,
            ")",
        )
    elif f.high_grade and bony:
        stabilization = Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION
        how = (
            "open decompression with instrumentation, because high-grade ESCC with retropulsed bone (",
            fact("retropulsion", True),
            ", ",
            fact("neurologic_deficit", True),
            ", ",
            fact("expected_survival", f.survival),
            ") is not expected to regress with radiation, and the patient can recover from open surgery",
        )
        inputs, source = _P3_BONY_INPUTS, SRC_P3_RETROPULSION
    elif screw_reasons:
        stabilization = Stabilization.PERCUTANEOUS_INSTRUMENTATION
        how = (
            "percutaneous instrumentation (",
            *screw_reasons,
            "): cement alone is unsafe with high-grade ESCC or retropulsed fragments, and pedicle or posterior "
            "element involvement needs screws",
        )
    else:
        stabilization = Stabilization.CEMENT_AUGMENTATION
        how = (
            "cement augmentation (vertebroplasty or kyphoplasty): low-grade ESCC, no "
            "retropulsion and no posterolateral involvement",
        )
    then: Words
    if sbrt_preferred and f.sbrt_available:
        radiation = Radiation.SBRT
        then = ("SBRT (", *hard_to_treat, "; ", fact("sbrt_available", True), ")")
    elif sbrt_preferred:
        radiation = Radiation.CEBRT
        then = (
            "cEBRT, although SBRT would be preferred (",
            *hard_to_treat,
            "), because ",
            fact_is("sbrt_available", False),
        )
    else:
        radiation = Radiation.CEBRT
        then = ("cEBRT (", *hard_to_treat, ")")
    return _Choice(
        code=PathwayCode.STABILIZATION_THEN_RADIATION,
        rule=Rule.P3,
        stabilization=stabilization,
        radiation=radiation,
        sbrt_preferred=sbrt_preferred,
        words=(
            "P3: the spine is unstable and ",
            fact_is("surgical_candidate", f.surgical_candidate),
            ", so stabilize first, then irradiate. Technique: ",
            *how,
            ". Radiation afterwards: ",
            *then,
            ".",
        ),
        inputs=inputs,
        source=source,
    )


def _p4_bracing_then_cebrt(f: Facts) -> _Choice:
    """P4: unstable spine, not a surgical candidate -> brace or bed rest, then cEBRT.

    Source: seed 'Patients with spinal instability' and algorithm footnote, ref [38].
    """
    return _Choice(
        code=PathwayCode.BRACING_THEN_CEBRT,
        rule=Rule.P4,
        stabilization=Stabilization.BRACING,
        radiation=Radiation.CEBRT,
        sbrt_preferred=False,
        words=(
            "P4: the spine is unstable and ",
            fact_is("surgical_candidate", f.surgical_candidate),
            ": noninvasive stabilization (brace, bed rest), then cEBRT.",
        ),
        inputs=_P4_INPUTS,
        source=SRC_P4,
    )


def _p5_prior_radiation(f: Facts) -> _Choice:
    """P5: prior radiation in the field.

    High grade and surgical candidate -> separation surgery then SBRT; high grade otherwise ->
    palliative radiation (as P9); low grade -> SBRT re-irradiation, or a second cEBRT course
    without SBRT. Source: seed 'Patients with prior in-field radiation', refs [49,50];
    'Management of recurrent ESCC', refs [66,110-117].
    """
    lead = ("P5: the level was irradiated before (", fact("prior_radiation_in_field", True), ")")
    candidate = fact_is("surgical_candidate", f.surgical_candidate)
    if f.high_grade and f.candidate:
        words: Words = (
            *lead,
            ", ESCC is high grade and ",
            candidate,
            ": separation surgery (open decompression with instrumentation) first, so that SBRT can cover the "
            "whole tumor without overdosing the cord.",
        )
        if not f.sbrt_available:
            words += (" SBRT is not available here (", fact("sbrt_available", False), "): see alert.")
        return _Choice(
            code=PathwayCode.SEPARATION_SURGERY_SBRT,
            rule=Rule.P5,
            stabilization=Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION,
            radiation=Radiation.SBRT,
            sbrt_preferred=True,
            words=words,
            inputs=_P5_INPUTS,
            source=SRC_P5_SURGERY,
        )
    if f.high_grade:
        return _Choice(
            code=PathwayCode.PALLIATIVE_RADIATION,
            rule=Rule.P5,
            stabilization=None,
            radiation=Radiation.CEBRT,
            sbrt_preferred=False,
            words=(
                *lead,
                ", ESCC is high grade and ",
                candidate,
                ": palliative radiation with glucocorticoids and a second, individualized course of cEBRT, as in P9.",
            ),
            inputs=_P5_INPUTS,
            source=SRC_P5_PALLIATIVE,
        )
    code, radiation, words = _sbrt_where_available(
        f,
        lead,
        sbrt=(PathwayCode.SBRT, " and ESCC is low grade: re-irradiation with SBRT (", "), any histology."),
        otherwise=(PathwayCode.CEBRT, " and ESCC is low grade: ", ", so a second course of cEBRT."),
    )
    return _Choice(
        code=code,
        rule=Rule.P5,
        stabilization=None,
        radiation=radiation,
        sbrt_preferred=True,
        words=words,
        inputs=_P5_INPUTS,
        source=SRC_P5_REIRRADIATION,
    )


def _p6_radiosensitive(f: Facts) -> _Choice:
    """P6: radiosensitive tumor -> cEBRT, whatever the grade.

    Source: seed 'Radiosensitive tumors', refs [2], [16].
    """
    return _Choice(
        code=PathwayCode.CEBRT,
        rule=Rule.P6,
        stabilization=None,
        radiation=Radiation.CEBRT,
        sbrt_preferred=False,
        words=(
            "P6: radiosensitive tumor (",
            fact("radiosensitivity", f.radiosensitivity),
            "), no prior in-field radiation and a spine that is not unstable (",
            fact("stability", f.stability),
            "): cEBRT, whatever the ESCC grade.",
        ),
        inputs=_P6_INPUTS,
        source=SRC_P6,
    )


def _p7_resistant_low_grade(f: Facts) -> _Choice:
    """P7: radioresistant, low grade -> SBRT; cEBRT when SBRT is not available.

    Source: seed 'Radioresistant tumors with low-grade ESCC', refs [64-69], [2,45].
    """
    lead = ("P7: radioresistant tumor (", fact("radiosensitivity", f.radiosensitivity), ") with low-grade ESCC")
    code, radiation, words = _sbrt_where_available(
        f,
        lead,
        sbrt=(PathwayCode.SBRT, ": SBRT (", ")."),
        otherwise=(
            PathwayCode.CEBRT,
            ": ",
            ", so cEBRT; surgical excision followed by cEBRT is the listed alternative.",
        ),
    )
    return _Choice(
        code=code,
        rule=Rule.P7,
        stabilization=None,
        radiation=radiation,
        sbrt_preferred=True,
        words=words,
        inputs=_P7_INPUTS,
        source=SRC_P7,
    )


def _p8_resistant_high_grade_operable(f: Facts) -> _Choice:
    """P8: radioresistant, high grade, surgical candidate -> separation surgery then SBRT.

    Without SBRT: maximal excision then cEBRT. Source: seed 'Radioresistant tumors with
    high-grade ESCC', refs [46,47]; 'Separation surgery plus SBRT', ref [82].
    """
    lead = (
        "P8: radioresistant tumor (",
        fact("radiosensitivity", f.radiosensitivity),
        ") with high-grade ESCC and ",
        fact("surgical_candidate", f.surgical_candidate),
    )
    code, radiation, words = _sbrt_where_available(
        f,
        lead,
        sbrt=(
            PathwayCode.SEPARATION_SURGERY_SBRT,
            ": separation surgery (open decompression with instrumentation), then SBRT (",
            ").",
        ),
        otherwise=(
            PathwayCode.MAXIMAL_EXCISION_CEBRT,
            ": ",
            ", so maximal surgical excision with instrumentation, then a protracted course of cEBRT.",
        ),
    )
    return _Choice(
        code=code,
        rule=Rule.P8,
        stabilization=Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION,
        radiation=radiation,
        sbrt_preferred=True,
        words=words,
        inputs=_P8_INPUTS,
        source=SRC_P8,
    )


def _p9_resistant_high_grade_inoperable(f: Facts) -> _Choice:
    """P9: radioresistant, high grade, not a surgical candidate -> palliative radiation.

    Source: seed 'Radioresistant tumors with high-grade ESCC' and algorithm footnote, refs [43], [71].
    """
    return _Choice(
        code=PathwayCode.PALLIATIVE_RADIATION,
        rule=Rule.P9,
        stabilization=None,
        radiation=Radiation.CEBRT,
        sbrt_preferred=False,
        words=(
            "P9: radioresistant tumor (",
            fact("radiosensitivity", f.radiosensitivity),
            ") with high-grade ESCC and ",
            fact("surgical_candidate", f.surgical_candidate),
            ": palliative radiation with glucocorticoids and short-course cEBRT.",
        ),
        inputs=_P9_INPUTS,
        source=SRC_P9,
    )


def _select_pathway(f: Facts) -> _Choice:
    """Spec 3: the first of P1..P9 that matches, in order."""
    if f.radiosensitivity == Radiosensitivity.UNKNOWN:  # histology unknown_primary
        if f.significant_deficit and f.compression and f.candidate:
            return _p1_urgent_decompression(f)
        return _p2_unknown_primary(f)
    if f.stability == Stability.UNSTABLE:
        return _p3_stabilization_then_radiation(f) if f.candidate else _p4_bracing_then_cebrt(f)
    if f.prior_radiation:
        return _p5_prior_radiation(f)
    if f.radiosensitivity == Radiosensitivity.SENSITIVE:
        return _p6_radiosensitive(f)
    # Only radiosensitivity resistant remains here.
    if not f.high_grade:
        return _p7_resistant_low_grade(f)
    if f.candidate:
        return _p8_resistant_high_grade_operable(f)
    return _p9_resistant_high_grade_inoperable(f)


# --------------------------------------------------------------------------------------------
# 4. cEBRT regimen and field
# --------------------------------------------------------------------------------------------

_REGIMEN_RULE: Final = "4 cEBRT regimen"


class _Reason(NamedTuple):
    words: Words
    inputs: tuple[str, ...]
    source: str


def cebrt_regimen(
    choice: _Choice,
    *,
    prior_radiation: bool,
    survival: ExpectedSurvival,
    oligometastatic: bool,
    hematologic: bool,
    names: LesionNames,
) -> tuple[CebrtRegimen, RationaleItem]:
    """Spec 4 cEBRT regimen and its rationale item, whose lesion inputs are the index lesion's (``names``)."""
    regimen, reason = _regimen(
        choice,
        prior_radiation=prior_radiation,
        survival=survival,
        oligometastatic=oligometastatic,
        hematologic=hematologic,
    )
    inputs = names.qualify(reason.inputs)
    return regimen, RationaleItem("cebrt_regimen", _REGIMEN_RULE, reason.words, inputs, reason.source)


def _regimen(
    choice: _Choice,
    *,
    prior_radiation: bool,
    survival: ExpectedSurvival,
    oligometastatic: bool,
    hematologic: bool,
) -> tuple[CebrtRegimen, _Reason]:
    """Spec 4 cEBRT regimen, for a pathway whose radiation is cEBRT: the first line that applies.

    Prior radiation at the index level -> individualized re-irradiation; maximal excision or open
    decompression -> 30 Gy/10; palliative radiation -> 8 Gy/1 below 3 months, else 20 Gy/5;
    otherwise by expected survival, 3-6 months favourable -> 30 Gy/10. Source: seed 'Conventional
    external beam radiation therapy, dose and fractionation', refs [43,51,54-62]; 'Management of
    recurrent ESCC', refs [111-119].
    """
    if prior_radiation:
        words: Words = (
            fact("prior_radiation_in_field", True),
            ": a second course whose dose radiation oncology sets after checking the cumulative spinal cord "
            "dose; never a first-course schedule.",
        )
        return CebrtRegimen.REIRRADIATION_INDIVIDUALIZED, _Reason(
            words, ("prior_radiation_in_field",), SRC_REGIMEN_REIRRADIATION
        )
    if choice.stabilization == Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION:
        words = (
            "After open surgery (",
            bare("pathway", choice.code),
            ", open decompression with instrumentation) the cEBRT course is protracted whatever the "
            "expected_survival (",
            bare("expected_survival", survival),
            "): 30 Gy in 10 fractions.",
        )
        return CebrtRegimen.GY30_10FX, _Reason(
            words, ("prior_radiation_in_field", "expected_survival"), SRC_REGIMEN_EXCISION
        )
    expected = fact("expected_survival", survival)
    if choice.code == PathwayCode.PALLIATIVE_RADIATION:
        if survival == ExpectedSurvival.LT_3_MONTHS:
            regimen = CebrtRegimen.GY8_1FX
            words = ("Palliative radiation with ", expected, ": a single 8 Gy fraction.")
        else:
            regimen = CebrtRegimen.GY20_5FX
            words = ("Palliative radiation with ", expected, ": a short course of 20 Gy in 5 fractions.")
        return regimen, _Reason(words, ("prior_radiation_in_field", "expected_survival"), SRC_REGIMEN_SHORT)
    if survival == ExpectedSurvival.LT_3_MONTHS:
        words = (
            expected,
            ": 8 Gy in a single fraction palliates quickly; 20 Gy in 5 fractions is an alternative with "
            "slightly better walking outcomes.",
        )
        return CebrtRegimen.GY8_1FX, _Reason(
            words, ("prior_radiation_in_field", "expected_survival"), SRC_REGIMEN_SHORT
        )
    if survival == ExpectedSurvival.FROM_3_TO_6_MONTHS:
        inputs = ("prior_radiation_in_field", "expected_survival", "oligometastatic", "histology")
        if oligometastatic or hematologic:
            factors = joined(
                [
                    (part,)
                    for part, present in ((fact("oligometastatic", True), oligometastatic), (_HEMATOLOGIC, hematologic))
                    if present
                ],
                ", ",
            )
            words = (
                expected,
                " with a favourable prognosis (",
                *factors,
                "): a protracted course, 30 Gy in 10 fractions.",
            )
            return CebrtRegimen.GY30_10FX, _Reason(words, inputs, SRC_REGIMEN_FAVOURABLE)
        words = (
            expected,
            " without a favourable factor (",
            fact("oligometastatic", False),
            ", histology not lymphoma or myeloma): a short course, 20 Gy in 5 fractions.",
        )
        return CebrtRegimen.GY20_5FX, _Reason(words, inputs, SRC_REGIMEN_MIDDLE)
    words = (
        expected,
        ": a protracted course for durable local control, 30 Gy in 10 fractions (30-40 Gy in 10-20 fractions "
        "are also used).",
    )
    return CebrtRegimen.GY30_10FX, _Reason(words, ("prior_radiation_in_field", "expected_survival"), SRC_REGIMEN_LONG)


def contiguous(a: SpinalLevel, b: SpinalLevel) -> bool:
    """Spec 2.6: neighbours in the order occiput, C1...S5 (C7-T1, T12-L1 and L5-S1 included)."""
    return abs(LEVEL_POSITION[a] - LEVEL_POSITION[b]) == 1


def index_block(levels: tuple[SpinalLevel, ...], index: SpinalLevel) -> tuple[SpinalLevel, ...]:
    """Spec 2.6: the run of contiguous lesion levels that contains the index level, in anatomical order."""
    present = set(levels)
    at = LEVEL_POSITION[index]
    low = high = at
    while low > 0 and LEVEL_ORDER[low - 1] in present:
        low -= 1
    while high < len(LEVEL_ORDER) - 1 and LEVEL_ORDER[high + 1] in present:
        high += 1
    return LEVEL_ORDER[low : high + 1]


def cebrt_field(block: tuple[SpinalLevel, ...], inputs: tuple[str, ...]) -> tuple[CebrtField, RationaleItem]:
    """Spec 4 ``cebrt_field``: the index block plus one level above and below, kept within occiput...S5.

    Source: seed 'Conventional external beam radiation therapy, treatment field', ref [63].
    """
    first = LEVEL_POSITION[block[0]]
    last = LEVEL_POSITION[block[-1]]
    field = CebrtField(
        from_level=LEVEL_ORDER[max(first - 1, 0)], to_level=LEVEL_ORDER[min(last + 1, len(LEVEL_ORDER) - 1)]
    )
    words = (
        "cEBRT field ",
        LEVELS[field.from_level],
        " to ",
        LEVELS[field.to_level],
        ": the index block (",
        *block_span(block),
        ") and one level each side.",
    )
    return field, RationaleItem("cebrt_field", "4 cEBRT field", words, inputs, SRC_CEBRT_FIELD)


def block_span(block: tuple[SpinalLevel, ...]) -> Words:
    """The index block in a sentence: its one level, or its first and last ("T5-T7")."""
    if len(block) == 1:
        return (LEVELS[block[0]],)
    return (LEVELS[block[0]], "-", LEVELS[block[-1]])


def pathway_rule(facts: Facts, *, names: LesionNames) -> tuple[_Choice, RationaleItem]:
    """Spec 3: the pathway rule that fires (P1..P9) and its rationale item, naming the index lesion's inputs."""
    choice = _select_pathway(facts)
    item = RationaleItem("pathway", choice.rule.value, choice.words, names.qualify(choice.inputs), choice.source)
    return choice, item
