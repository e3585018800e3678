"""Spec 3, the definitive treatment pathway P1-P9, and spec 4, the cEBRT regimen."""

from __future__ import annotations

from typing import Final, NamedTuple

from .codes import (
    CebrtRegimen,
    ExpectedSurvival,
    PathwayCode,
    Radiation,
    Radiosensitivity,
    Rule,
    SinsPosterolateral,
    Stability,
    Stabilization,
    SurgicalCandidate,
)
from .result import Pathway, RationaleItem
from .texts import (
    DEFICIT_INPUTS,
    RADIOSENSITIVITY_INPUTS,
    SRC_P1,
    SRC_P2,
    SRC_P3,
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
    SRC_REGIMEN_SHORT,
    STABILITY_INPUTS,
    yes_no,
)

# --------------------------------------------------------------------------------------------
# 3. Definitive treatment pathway, P1..P9
# --------------------------------------------------------------------------------------------


class Facts(NamedTuple):
    radiosensitivity: Radiosensitivity
    significant_deficit: bool
    surgical_candidate: SurgicalCandidate
    stability: Stability
    high_grade: bool
    prior_radiation: bool
    sbrt_available: bool
    retropulsion: bool
    posterolateral: SinsPosterolateral


class _Choice(NamedTuple):
    code: PathwayCode
    rule: Rule
    stabilization: Stabilization | None
    radiation: Radiation | None
    sbrt_preferred: bool
    text: str
    inputs: tuple[str, ...]
    source: str


_UNKNOWN_INPUTS: Final = ("histology", *DEFICIT_INPUTS, "surgical_candidate")
_UNSTABLE_INPUTS: Final = (*STABILITY_INPUTS, "surgical_candidate")
_P3_INPUTS: Final = (
    *_UNSTABLE_INPUTS,
    "escc_grade",
    *RADIOSENSITIVITY_INPUTS,
    "prior_radiation_in_field",
    "retropulsion",
    "sbrt_available",
)
_P5_INPUTS: Final = ("prior_radiation_in_field", "escc_grade", "surgical_candidate", "sbrt_available")
_P6_INPUTS: Final = (*RADIOSENSITIVITY_INPUTS, "prior_radiation_in_field", "stability_assessment")
_P7_INPUTS: Final = (*RADIOSENSITIVITY_INPUTS, "escc_grade", "sbrt_available")
_P8_INPUTS: Final = (*RADIOSENSITIVITY_INPUTS, "escc_grade", "surgical_candidate", "sbrt_available")
_P9_INPUTS: Final = (*RADIOSENSITIVITY_INPUTS, "escc_grade", "surgical_candidate")


def _p1_urgent_decompression(f: Facts) -> _Choice:
    """P1: unknown primary, significant deficit, surgical candidate -> urgent decompression.

    Source: seed 'Patients with unknown or synchronous primary', ref [48].
    """
    text = (
        "P1: no cancer diagnosis yet (histology unknown_primary), a significant neurologic "
        "deficit and surgical_candidate yes. The neurologic picture comes first: urgent "
        "surgical decompression with instrumented stabilization, tissue sent for histology "
        "at surgery and staging afterwards. Radiation is chosen once the histology is known."
    )
    return _Choice(
        PathwayCode.URGENT_DECOMPRESSION,
        Rule.P1,
        Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION,
        None,
        False,
        text,
        _UNKNOWN_INPUTS,
        SRC_P1,
    )


def _p2_biopsy_and_staging(f: Facts) -> _Choice:
    """P2: unknown primary otherwise -> staging and biopsy first.

    Source: seed 'Patients with unknown or synchronous primary', ref [48].
    """
    if not f.significant_deficit:
        why = "without a significant neurologic deficit"
    else:
        why = f"with a significant deficit but surgical_candidate {f.surgical_candidate}"
    text = (
        f"P2: no cancer diagnosis yet (histology unknown_primary), {why}. Full staging, "
        "tumor markers where relevant and a core biopsy of the most accessible site come "
        "first; the definitive plan follows the histology."
    )
    if f.stability == Stability.UNSTABLE:
        text += " The spine is unstable: see the surgical consultation alert."
    return _Choice(
        PathwayCode.BIOPSY_AND_STAGING,
        Rule.P2,
        None,
        None,
        False,
        text,
        (*_UNKNOWN_INPUTS, "stability_assessment"),
        SRC_P2,
    )


def _p3_stabilization_then_radiation(f: Facts) -> _Choice:
    """P3: unstable spine, surgical candidate -> stabilize, then irradiate.

    Technique: open decompression when high grade and (resistant or prior radiation);
    else percutaneous screws when high grade, retropulsion or posterolateral involvement;
    else cement augmentation. Radiation: SBRT when (resistant or prior radiation) and SBRT is
    available, else cEBRT. Source: seed 'Patients with spinal instability', refs [38-42];
    'Role of vertebroplasty, kyphoplasty, and percutaneous spinal instrumentation', refs [85-87].
    """
    resistant = f.radiosensitivity == Radiosensitivity.RESISTANT
    sbrt_preferred = resistant or f.prior_radiation
    hard_to_treat = f"radiosensitivity {f.radiosensitivity}, prior_radiation_in_field {yes_no(f.prior_radiation)}"
    if f.high_grade and sbrt_preferred:
        stabilization = Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION
        how = (
            "open decompression with instrumentation, because high-grade ESCC also needs "
            f"decompression when radiation alone cannot be relied on ({hard_to_treat})"
        )
    elif f.high_grade or f.retropulsion or f.posterolateral != SinsPosterolateral.NONE:
        stabilization = Stabilization.PERCUTANEOUS_INSTRUMENTATION
        reasons = []
        if f.high_grade:
            reasons.append("high-grade ESCC")
        if f.retropulsion:
            reasons.append("retropulsion yes")
        if f.posterolateral != SinsPosterolateral.NONE:
            reasons.append(f"sins_posterolateral {f.posterolateral}")
        how = (
            f"percutaneous instrumentation ({', '.join(reasons)}): cement alone is unsafe "
            "with high-grade ESCC or retropulsed fragments, and pedicle or posterior "
            "element involvement needs screws"
        )
    else:
        stabilization = Stabilization.CEMENT_AUGMENTATION
        how = (
            "cement augmentation (vertebroplasty or kyphoplasty): low-grade ESCC, no "
            "retropulsion and no posterolateral involvement"
        )
    if sbrt_preferred and f.sbrt_available:
        radiation = Radiation.SBRT
        then = f"SBRT ({hard_to_treat}; sbrt_available yes)"
    elif sbrt_preferred:
        radiation = Radiation.CEBRT
        then = f"cEBRT, although SBRT would be preferred ({hard_to_treat}), because sbrt_available is no"
    else:
        radiation = Radiation.CEBRT
        then = f"cEBRT ({hard_to_treat})"
    text = (
        f"P3: the spine is unstable and surgical_candidate is yes, so stabilize first, "
        f"then irradiate. Technique: {how}. Radiation afterwards: {then}."
    )
    return _Choice(
        PathwayCode.STABILIZATION_THEN_RADIATION,
        Rule.P3,
        stabilization,
        radiation,
        sbrt_preferred,
        text,
        _P3_INPUTS,
        SRC_P3,
    )


def _p4_bracing_then_cebrt(f: Facts) -> _Choice:
    """P4: unstable spine, not a surgical candidate -> brace or bed rest, then cEBRT.

    Source: seed 'Patients with spinal instability' and algorithm footnote, ref [38].
    """
    text = (
        f"P4: the spine is unstable and surgical_candidate is {f.surgical_candidate}: "
        "noninvasive stabilization (brace, bed rest), then cEBRT."
    )
    return _Choice(
        PathwayCode.BRACING_THEN_CEBRT,
        Rule.P4,
        Stabilization.BRACING,
        Radiation.CEBRT,
        False,
        text,
        _UNSTABLE_INPUTS,
        SRC_P4,
    )


def _p5_prior_radiation(f: Facts) -> _Choice:
    """P5: prior radiation in the field.

    High grade and surgical candidate -> separation surgery then SBRT; high grade otherwise ->
    palliative radiation (as P9); low grade -> SBRT re-irradiation, or a second cEBRT course
    without SBRT. Source: seed 'Patients with prior in-field radiation', refs [49,50];
    'Management of recurrent ESCC', refs [66,110-117].
    """
    lead = "P5: the level was irradiated before (prior_radiation_in_field yes)"
    if f.high_grade and f.surgical_candidate == SurgicalCandidate.YES:
        text = (
            f"{lead}, ESCC is high grade and surgical_candidate is yes: separation surgery "
            "(open decompression with instrumentation) first, so that SBRT can cover the "
            "whole tumor without overdosing the cord."
        )
        if not f.sbrt_available:
            text += " SBRT is not available here (sbrt_available no): see alert."
        return _Choice(
            PathwayCode.SEPARATION_SURGERY_SBRT,
            Rule.P5,
            Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION,
            Radiation.SBRT,
            True,
            text,
            _P5_INPUTS,
            SRC_P5_SURGERY,
        )
    if f.high_grade:
        text = (
            f"{lead}, ESCC is high grade and surgical_candidate is "
            f"{f.surgical_candidate}: palliative radiation with glucocorticoids and "
            "short-course cEBRT, as in P9."
        )
        return _Choice(
            PathwayCode.PALLIATIVE_RADIATION,
            Rule.P5,
            None,
            Radiation.CEBRT,
            False,
            text,
            _P5_INPUTS,
            SRC_P5_PALLIATIVE,
        )
    if f.sbrt_available:
        text = f"{lead} and ESCC is low grade: re-irradiation with SBRT (sbrt_available yes), whatever the histology."
        return _Choice(PathwayCode.SBRT, Rule.P5, None, Radiation.SBRT, True, text, _P5_INPUTS, SRC_P5_REIRRADIATION)
    text = (
        f"{lead} and ESCC is low grade: SBRT would be preferred but sbrt_available is no, so a second course of cEBRT."
    )
    return _Choice(PathwayCode.CEBRT, Rule.P5, None, Radiation.CEBRT, True, text, _P5_INPUTS, SRC_P5_REIRRADIATION)


def _p6_radiosensitive(f: Facts) -> _Choice:
    """P6: radiosensitive tumor -> cEBRT, whatever the grade.

    Source: seed 'Radiosensitive tumors', refs [2], [16].
    """
    text = (
        "P6: radiosensitive tumor (radiosensitivity sensitive), no prior in-field "
        f"radiation and a spine that is not unstable (stability {f.stability}): cEBRT, "
        "whatever the ESCC grade."
    )
    return _Choice(PathwayCode.CEBRT, Rule.P6, None, Radiation.CEBRT, False, text, _P6_INPUTS, SRC_P6)


def _p7_resistant_low_grade(f: Facts) -> _Choice:
    """P7: radioresistant, low grade -> SBRT; cEBRT when SBRT is not available.

    Source: seed 'Radioresistant tumors with low-grade ESCC', refs [64-69], [2,45].
    """
    lead = "P7: radioresistant tumor (radiosensitivity resistant) with low-grade ESCC"
    if f.sbrt_available:
        text = f"{lead}: SBRT (sbrt_available yes)."
        return _Choice(PathwayCode.SBRT, Rule.P7, None, Radiation.SBRT, True, text, _P7_INPUTS, SRC_P7)
    text = (
        f"{lead}: SBRT would be preferred but sbrt_available is no, so cEBRT; surgical "
        "excision followed by cEBRT is the listed alternative."
    )
    return _Choice(PathwayCode.CEBRT, Rule.P7, None, Radiation.CEBRT, True, text, _P7_INPUTS, SRC_P7)


def _p8_resistant_high_grade_operable(f: Facts) -> _Choice:
    """P8: radioresistant, high grade, surgical candidate -> separation surgery then SBRT.

    Without SBRT: maximal excision then cEBRT. Source: seed 'Radioresistant tumors with
    high-grade ESCC', refs [46,47]; 'Separation surgery plus SBRT', ref [82].
    """
    lead = "P8: radioresistant tumor (radiosensitivity resistant) with high-grade ESCC and surgical_candidate yes"
    if f.sbrt_available:
        text = f"{lead}: separation surgery (open decompression with instrumentation), then SBRT (sbrt_available yes)."
        return _Choice(
            PathwayCode.SEPARATION_SURGERY_SBRT,
            Rule.P8,
            Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION,
            Radiation.SBRT,
            True,
            text,
            _P8_INPUTS,
            SRC_P8,
        )
    text = (
        f"{lead}: SBRT would be preferred but sbrt_available is no, so maximal surgical "
        "excision with instrumentation, then a protracted course of cEBRT."
    )
    return _Choice(
        PathwayCode.MAXIMAL_EXCISION_CEBRT,
        Rule.P8,
        Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION,
        Radiation.CEBRT,
        True,
        text,
        _P8_INPUTS,
        SRC_P8,
    )


def _p9_resistant_high_grade_inoperable(f: Facts) -> _Choice:
    """P9: radioresistant, high grade, not a surgical candidate -> palliative radiation.

    Source: seed 'Radioresistant tumors with high-grade ESCC' and algorithm footnote,
    refs [43], [71].
    """
    text = (
        "P9: radioresistant tumor (radiosensitivity resistant) with high-grade ESCC and "
        f"surgical_candidate {f.surgical_candidate}: palliative radiation with "
        "glucocorticoids and short-course cEBRT."
    )
    return _Choice(PathwayCode.PALLIATIVE_RADIATION, Rule.P9, None, Radiation.CEBRT, False, text, _P9_INPUTS, SRC_P9)


def _select_pathway(f: Facts) -> _Choice:
    """Spec 3: the first of P1..P9 that matches, in order."""
    candidate = f.surgical_candidate == SurgicalCandidate.YES
    if f.radiosensitivity == Radiosensitivity.UNKNOWN:  # histology unknown_primary
        if f.significant_deficit and candidate:
            return _p1_urgent_decompression(f)
        return _p2_biopsy_and_staging(f)
    if f.stability == Stability.UNSTABLE:
        return _p3_stabilization_then_radiation(f) if candidate else _p4_bracing_then_cebrt(f)
    if f.prior_radiation:
        return _p5_prior_radiation(f)
    if f.radiosensitivity == Radiosensitivity.SENSITIVE:
        return _p6_radiosensitive(f)
    # Only radiosensitivity resistant remains here.
    if not f.high_grade:
        return _p7_resistant_low_grade(f)
    if candidate:
        return _p8_resistant_high_grade_operable(f)
    return _p9_resistant_high_grade_inoperable(f)


# --------------------------------------------------------------------------------------------
# 4. cEBRT regimen
# --------------------------------------------------------------------------------------------


_EXCISION_REGIMEN_INPUTS: Final = (
    "expected_survival",
    "histology",
    "escc_grade",
    "surgical_candidate",
    "sbrt_available",
)


def _cebrt_regimen(
    code: PathwayCode,
    survival: ExpectedSurvival,
    oligometastatic: bool,
    hematologic: bool,
) -> tuple[CebrtRegimen, RationaleItem]:
    """Spec 4 cEBRT regimen, for a pathway whose radiation is cEBRT.

    Maximal excision -> 30 Gy/10; palliative radiation -> 8 Gy/1 below 3 months, else 20 Gy/5;
    otherwise by expected survival, 3-6 months favourable -> 30 Gy/10. Source: seed
    'Conventional external beam radiation therapy, dose and fractionation', refs [43,51,54-62].
    """
    rule = "4 cEBRT regimen"
    if code == PathwayCode.MAXIMAL_EXCISION_CEBRT:
        text = (
            f"After maximal surgical excision the cEBRT course is protracted whatever the expected_survival "
            f"({survival}): 30 Gy in 10 fractions, to lower the risk of local recurrence."
        )
        return CebrtRegimen.GY30_10FX, RationaleItem(
            "cebrt_regimen", rule, text, _EXCISION_REGIMEN_INPUTS, SRC_REGIMEN_EXCISION
        )
    if code == PathwayCode.PALLIATIVE_RADIATION:
        if survival == ExpectedSurvival.LT_3_MONTHS:
            regimen = CebrtRegimen.GY8_1FX
            text = f"Palliative radiation with expected_survival {survival}: a single 8 Gy fraction."
        else:
            regimen = CebrtRegimen.GY20_5FX
            text = f"Palliative radiation with expected_survival {survival}: a short course of 20 Gy in 5 fractions."
        return regimen, RationaleItem("cebrt_regimen", rule, text, ("expected_survival",), SRC_REGIMEN_SHORT)
    if survival == ExpectedSurvival.LT_3_MONTHS:
        text = (
            f"expected_survival {survival}: 8 Gy in a single fraction palliates quickly; "
            "20 Gy in 5 fractions is an alternative with slightly better walking outcomes."
        )
        return CebrtRegimen.GY8_1FX, RationaleItem(
            "cebrt_regimen", rule, text, ("expected_survival",), SRC_REGIMEN_SHORT
        )
    if survival == ExpectedSurvival.FROM_3_TO_6_MONTHS:
        inputs: tuple[str, ...] = ("expected_survival", "oligometastatic", "histology")
        if oligometastatic or hematologic:
            factors = []
            if oligometastatic:
                factors.append("oligometastatic yes")
            if hematologic:
                factors.append("histology lymphoma or myeloma")
            text = (
                f"expected_survival {survival} with a favourable prognosis "
                f"({', '.join(factors)}): a protracted course, 30 Gy in 10 fractions."
            )
            return CebrtRegimen.GY30_10FX, RationaleItem("cebrt_regimen", rule, text, inputs, SRC_REGIMEN_FAVOURABLE)
        text = (
            f"expected_survival {survival} without a favourable factor (oligometastatic "
            "no, histology not lymphoma or myeloma): a short course, 20 Gy in 5 fractions."
        )
        return CebrtRegimen.GY20_5FX, RationaleItem("cebrt_regimen", rule, text, inputs, SRC_REGIMEN_MIDDLE)
    text = (
        f"expected_survival {survival}: a protracted course for durable local control, "
        "30 Gy in 10 fractions (30-40 Gy in 10-20 fractions are also used)."
    )
    return CebrtRegimen.GY30_10FX, RationaleItem("cebrt_regimen", rule, text, ("expected_survival",), SRC_REGIMEN_LONG)


class _Definitive(NamedTuple):
    pathway: Pathway
    sbrt_preferred: bool
    items: tuple[RationaleItem, ...]


def _pathway_rule(facts: Facts) -> tuple[_Choice, RationaleItem]:
    """Spec 3: the pathway rule that fires (P1..P9) and its rationale item."""
    choice = _select_pathway(facts)
    return choice, RationaleItem("pathway", choice.rule.value, choice.text, choice.inputs, choice.source)


def definitive_treatment(
    facts: Facts,
    survival: ExpectedSurvival,
    oligometastatic: bool,
    hematologic: bool,
) -> _Definitive:
    """Spec 3 pathway (P1..P9) completed with its spec 4 cEBRT regimen, with their rationale."""
    choice, item = _pathway_rule(facts)
    if choice.radiation != Radiation.CEBRT:
        pathway = Pathway(choice.code, choice.rule, choice.stabilization, choice.radiation, None)
        return _Definitive(pathway, choice.sbrt_preferred, (item,))
    regimen, regimen_item = _cebrt_regimen(choice.code, survival, oligometastatic, hematologic)
    pathway = Pathway(choice.code, choice.rule, choice.stabilization, choice.radiation, regimen)
    return _Definitive(pathway, choice.sbrt_preferred, (item, regimen_item))
