"""Spec 7 alerts: each alert's condition and the rationale item that says why it was raised."""

from __future__ import annotations

from typing import Final

from .codes import (
    Alert,
    EsccGrade,
    Histology,
    MotorStatus,
    Radiation,
    Rule,
    SinsAlignment,
    SinsBoneLesion,
    SinsCollapse,
    SinsPain,
    Stability,
    StabilityAssessment,
    SurgicalCandidate,
)
from .inputs import (
    HEMATOLOGIC_HISTOLOGIES,
    NOT_AMBULATORY,
    SOLID_RADIOSENSITIVE_HISTOLOGIES,
    SYSTEMIC_OPTION_HISTOLOGIES,
    VCF_COLLAPSE,
    CaseInput,
)
from .result import Pathway, RationaleItem
from .sins import HOURS_NONAMBULATORY_LIMIT, SINS_CONSULTATION_THRESHOLD
from .texts import ALERT_TEXTS, STABILITY_INPUTS

# --------------------------------------------------------------------------------------------
# 7. Alerts
# --------------------------------------------------------------------------------------------

_ALERT_RULE: Final = "7 Alerts"


def _alert_item(code: Alert, text: str, inputs: tuple[str, ...]) -> RationaleItem:
    return RationaleItem(f"alert:{code}", _ALERT_RULE, text, inputs, ALERT_TEXTS[code].source)


def _why_surgical_consultation(sins_total: int, stability: Stability) -> RationaleItem:
    reasons = []
    if sins_total >= SINS_CONSULTATION_THRESHOLD:
        reasons.append(f"SINS {sins_total} is 7 or more")
    if stability == Stability.UNSTABLE:
        reasons.append("stability unstable")
    return _alert_item(Alert.SURGICAL_CONSULTATION, f"Raised because {' and '.join(reasons)}.", STABILITY_INPUTS)


_WHY_MOVEMENT_PAIN: Final = _alert_item(
    Alert.MOVEMENT_PAIN_INSTABILITY,
    "Raised because sins_pain is mechanical and stability_assessment is not_assessed.",
    ("sins_pain", "stability_assessment"),
)


def _walking_lost(motor: MotorStatus, hours: int | None) -> tuple[Alert, RationaleItem]:
    """Spec 7 time alerts for a patient who cannot walk: over 48 h, else time critical (R3)."""
    if hours is not None and hours > HOURS_NONAMBULATORY_LIMIT:
        code = Alert.NONAMBULATORY_OVER_48H
        text = f"Raised because motor_status is {motor} and hours_nonambulatory is {hours} (over 48)."
    else:
        code = Alert.TIME_CRITICAL
        when = "not known" if hours is None else f"{hours} (48 or less)"
        text = f"Raised because motor_status is {motor} and hours_nonambulatory is {when}."
    return code, _alert_item(code, text, ("motor_status", "hours_nonambulatory"))


def _why_consider_surgery(histology: Histology) -> RationaleItem:
    return _alert_item(
        Alert.CONSIDER_SURGERY_RADIOSENSITIVE,
        f"Raised because P6 chose cEBRT for a solid radiosensitive tumor (histology "
        f"{histology}) with high-grade ESCC, neurologic_deficit yes and surgical_candidate yes.",
        ("histology", "escc_grade", "neurologic_deficit", "surgical_candidate"),
    )


def _why_histology(code: Alert, histology: Histology) -> RationaleItem:
    return _alert_item(code, f"Raised because histology is {histology}.", ("histology",))


def _why_sbrt_unavailable(rule: Rule) -> RationaleItem:
    return _alert_item(
        Alert.SBRT_UNAVAILABLE,
        f"Raised because rule {rule} names SBRT as the first choice for this case and sbrt_available is no.",
        ("sbrt_available", "histology", "escc_grade", "prior_radiation_in_field"),
    )


_WHY_HYPOFRACTIONATED: Final = _alert_item(
    Alert.HYPOFRACTIONATED_SBRT_OPTION,
    "Raised because P9 fired with escc_grade 2 and sbrt_available yes.",
    ("escc_grade", "surgical_candidate", "sbrt_available"),
)
_WHY_REIRRADIATION: Final = _alert_item(
    Alert.REIRRADIATION_CORD_TOLERANCE,
    "Raised because prior_radiation_in_field is yes.",
    ("prior_radiation_in_field",),
)
_WHY_GRADE0: Final = _alert_item(
    Alert.GRADE0_NOT_ESCC,
    "Raised because escc_grade is 0.",
    ("escc_grade",),
)


def _why_vcf_risk(
    bone_lesion: SinsBoneLesion,
    collapse: SinsCollapse,
    alignment: SinsAlignment,
) -> RationaleItem:
    reasons = []
    if bone_lesion == SinsBoneLesion.LYTIC:
        reasons.append("sins_bone_lesion lytic")
    if collapse in VCF_COLLAPSE:
        reasons.append(f"sins_collapse {collapse}")
    if alignment != SinsAlignment.NORMAL:
        reasons.append(f"sins_alignment {alignment}")
    return _alert_item(
        Alert.VCF_RISK_AFTER_SBRT,
        f"Raised because the radiation is SBRT and {', '.join(reasons)}.",
        ("sins_bone_lesion", "sins_collapse", "sins_alignment"),
    )


def alerts_raised(
    case: CaseInput,
    sins_total: int,
    stability: Stability,
    high_grade: bool,
    pathway: Pathway,
    sbrt_preferred: bool,
) -> tuple[tuple[Alert, ...], tuple[RationaleItem, ...]]:
    """Spec 7 alerts, in the order of the spec table, each with a rationale item.

    Sources: see :data:`ALERT_TEXTS`.
    """
    codes: list[Alert] = []
    items: list[RationaleItem] = []
    if sins_total >= SINS_CONSULTATION_THRESHOLD or stability == Stability.UNSTABLE:
        codes.append(Alert.SURGICAL_CONSULTATION)
        items.append(_why_surgical_consultation(sins_total, stability))
    if case.sins_pain == SinsPain.MECHANICAL and case.stability_assessment == StabilityAssessment.NOT_ASSESSED:
        codes.append(Alert.MOVEMENT_PAIN_INSTABILITY)
        items.append(_WHY_MOVEMENT_PAIN)
    if case.motor_status in NOT_AMBULATORY:
        code, item = _walking_lost(case.motor_status, case.hours_nonambulatory)
        codes.append(code)
        items.append(item)
    histology = case.histology
    if (
        pathway.rule == Rule.P6
        and histology in SOLID_RADIOSENSITIVE_HISTOLOGIES
        and high_grade
        and case.neurologic_deficit
        and case.surgical_candidate == SurgicalCandidate.YES
    ):
        codes.append(Alert.CONSIDER_SURGERY_RADIOSENSITIVE)
        items.append(_why_consider_surgery(histology))
    if histology in HEMATOLOGIC_HISTOLOGIES:
        codes.append(Alert.RAPID_STEROID_RESPONSE)
        items.append(_why_histology(Alert.RAPID_STEROID_RESPONSE, histology))
    if histology in SYSTEMIC_OPTION_HISTOLOGIES:
        codes.append(Alert.SYSTEMIC_THERAPY_OPTION)
        items.append(_why_histology(Alert.SYSTEMIC_THERAPY_OPTION, histology))
    if sbrt_preferred and not case.sbrt_available:
        codes.append(Alert.SBRT_UNAVAILABLE)
        items.append(_why_sbrt_unavailable(pathway.rule))
    if pathway.rule == Rule.P9 and case.escc_grade == EsccGrade.GRADE_2 and case.sbrt_available:
        codes.append(Alert.HYPOFRACTIONATED_SBRT_OPTION)
        items.append(_WHY_HYPOFRACTIONATED)
    if case.prior_radiation_in_field:
        codes.append(Alert.REIRRADIATION_CORD_TOLERANCE)
        items.append(_WHY_REIRRADIATION)
    if pathway.radiation == Radiation.SBRT and (
        case.sins_bone_lesion == SinsBoneLesion.LYTIC
        or case.sins_collapse in VCF_COLLAPSE
        or case.sins_alignment != SinsAlignment.NORMAL
    ):
        codes.append(Alert.VCF_RISK_AFTER_SBRT)
        items.append(_why_vcf_risk(case.sins_bone_lesion, case.sins_collapse, case.sins_alignment))
    if case.escc_grade == EsccGrade.GRADE_0:
        codes.append(Alert.GRADE0_NOT_ESCC)
        items.append(_WHY_GRADE0)
    return tuple(codes), tuple(items)
