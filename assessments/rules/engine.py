"""The entry point :func:`evaluate`: every spec section applied to one case, no memo caches."""

from __future__ import annotations

from .alerts import alerts_raised
from .codes import RULE_SET
from .derived import escc_class, radiosensitivity_of, significant_deficit_of
from .inputs import HEMATOLOGIC_HISTOLOGIES, CaseInput
from .pathway import Facts, definitive_treatment
from .result import Result
from .sins import sins_score, stability_of
from .supportive import bladder_rule, mobility_rule, steroids_rule, urgency_rule, vte_rule

# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def evaluate(case: CaseInput) -> Result:
    """Apply rule set 2026.1 to one case; never raises for a valid :class:`CaseInput`."""
    sins, sins_item = sins_score(
        case.spinal_level,
        case.sins_pain,
        case.sins_bone_lesion,
        case.sins_alignment,
        case.sins_collapse,
        case.sins_posterolateral,
    )
    high_grade, escc_item = escc_class(case.escc_grade)
    radiosensitivity, radiosensitivity_item = radiosensitivity_of(case.histology, case.other_radiosensitivity)
    stability, stability_item = stability_of(case.stability_assessment, sins.total, case.sins_pain)
    significant, significant_item = significant_deficit_of(
        case.neurologic_deficit, case.deficit_progressing, case.motor_status
    )
    facts = Facts(
        radiosensitivity,
        significant,
        case.surgical_candidate,
        stability,
        high_grade,
        case.prior_radiation_in_field,
        case.sbrt_available,
        case.retropulsion,
        case.sins_posterolateral,
    )
    definitive = definitive_treatment(
        facts, case.expected_survival, case.oligometastatic, case.histology in HEMATOLOGIC_HISTOLOGIES
    )
    pathway = definitive.pathway
    steroids, steroids_item = steroids_rule(case.neurologic_deficit, case.sins_pain, high_grade)
    vte, vte_item = vte_rule(case.motor_status, stability, case.vte_contraindication, pathway.code)
    bladder, bladder_item = bladder_rule(case.urinary_retention, case.urinary_symptoms)
    mobility, mobility_item = mobility_rule(stability)
    urgency, urgency_item = urgency_rule(
        case.neurologic_deficit, high_grade, case.deficit_progressing, case.motor_status, stability
    )
    alerts, alert_items = alerts_raised(case, sins.total, stability, high_grade, pathway, definitive.sbrt_preferred)
    rationale = (
        sins_item,
        escc_item,
        radiosensitivity_item,
        stability_item,
        significant_item,
        *definitive.items,
        steroids_item,
        vte_item,
        bladder_item,
        mobility_item,
        urgency_item,
        *alert_items,
    )
    return Result(
        RULE_SET,
        sins,
        case.escc_grade,
        high_grade,
        radiosensitivity,
        stability,
        significant,
        pathway,
        urgency,
        steroids,
        vte,
        bladder,
        mobility,
        alerts,
        rationale,
    )
