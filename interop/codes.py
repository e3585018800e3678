"""The codes of the FHIR export: public code systems where a concept has a public code, the app's own otherwise.

Every public code here is listed with its source in docs/fhir.md. The app's own codes form one
CodeSystem (:func:`own_code_system`) under the canonical URI of ``settings.FHIR_CANONICAL_BASE``,
published in every export; a code there is ``<group>.<spec code>`` (``pathway.cebrt``,
``alert.time_critical``) so that the same spec code in two groups ("stable") stays two concepts.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from django.conf import settings

from assessments import rules
from assessments.labels import field_label, label
from board.models import Ambulatory, Bladder

SNOMED: Final = "http://snomed.info/sct"
LOINC: Final = "http://loinc.org"
UCUM: Final = "http://unitsofmeasure.org"
CONDITION_CLINICAL: Final = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION: Final = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
PROVENANCE_PARTICIPANT: Final = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
DATA_OPERATION: Final = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"

# mCODE STU profiles a resource declares when it meets them (docs/fhir.md says which and when).
MCODE: Final = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
MCODE_CANCER_PATIENT: Final = MCODE + "mcode-cancer-patient"
MCODE_SECONDARY_CANCER: Final = MCODE + "mcode-secondary-cancer-condition"
MCODE_KARNOFSKY: Final = MCODE + "mcode-karnofsky-performance-status"

# SNOMED CT disorders (docs/fhir.md, "Public codes").
SECONDARY_MALIGNANCY: Final = ("128462008", "Secondary malignant neoplastic disease (disorder)")
CORD_COMPRESSION: Final = ("71286001", "Compression of spinal cord (disorder)")
# LOINC: the document's type and the Karnofsky score (the code mCODE fixes).
CONSULT_NOTE: Final = ("11488-4", "Consult note")
KARNOFSKY: Final = ("89243-0", "Karnofsky Performance Status score")

# Each spinal level's SNOMED CT body structure, as the mCODE body-location value set (TG-263) lists
# them; the occiput has none there, so it carries the app's own code only.
LEVEL_SNOMED: Final[Mapping[rules.SpinalLevel, tuple[str, str]]] = MappingProxyType(
    {
        rules.SpinalLevel.C1: ("14806007", "Bone structure of atlas (body structure)"),
        rules.SpinalLevel.C2: ("39976000", "Bone structure of axis (body structure)"),
        rules.SpinalLevel.C3: ("91116008", "Structure of body of third cervical vertebra (body structure)"),
        rules.SpinalLevel.C4: ("14705001", "Structure of body of fourth cervical vertebra (body structure)"),
        rules.SpinalLevel.C5: ("67479001", "Structure of body of fifth cervical vertebra (body structure)"),
        rules.SpinalLevel.C6: ("88298007", "Structure of body of sixth cervical vertebra (body structure)"),
        rules.SpinalLevel.C7: ("16126006", "Structure of body of seventh cervical vertebra (body structure)"),
        rules.SpinalLevel.T1: ("56094003", "Structure of body of first thoracic vertebra (body structure)"),
        rules.SpinalLevel.T2: ("50060007", "Structure of body of second thoracic vertebra (body structure)"),
        rules.SpinalLevel.T3: ("73138009", "Structure of body of third thoracic vertebra (body structure)"),
        rules.SpinalLevel.T4: ("86197001", "Structure of body of fourth thoracic vertebra (body structure)"),
        rules.SpinalLevel.T5: ("6105006", "Structure of body of fifth thoracic vertebra (body structure)"),
        rules.SpinalLevel.T6: ("32430008", "Structure of body of sixth thoracic vertebra (body structure)"),
        rules.SpinalLevel.T7: ("71737002", "Structure of body of seventh thoracic vertebra (body structure)"),
        rules.SpinalLevel.T8: ("77435000", "Structure of body of eighth thoracic vertebra (body structure)"),
        rules.SpinalLevel.T9: ("33766003", "Structure of body of ninth thoracic vertebra (body structure)"),
        rules.SpinalLevel.T10: ("48405002", "Structure of body of tenth thoracic vertebra (body structure)"),
        rules.SpinalLevel.T11: ("52120002", "Structure of body of eleventh thoracic vertebra (body structure)"),
        rules.SpinalLevel.T12: ("280849005", "Structure of body of twelfth thoracic vertebra (body structure)"),
        rules.SpinalLevel.L1: ("61032001", "Structure of body of first lumbar vertebra (body structure)"),
        rules.SpinalLevel.L2: ("53983007", "Structure of body of second lumbar vertebra (body structure)"),
        rules.SpinalLevel.L3: ("55492004", "Structure of body of third lumbar vertebra (body structure)"),
        rules.SpinalLevel.L4: ("71996003", "Structure of body of fourth lumbar vertebra (body structure)"),
        rules.SpinalLevel.L5: ("21799000", "Structure of body of fifth lumbar vertebra (body structure)"),
        rules.SpinalLevel.S1: ("65985001", "Structure of first sacral vertebra (body structure)"),
        rules.SpinalLevel.S2: ("11808007", "Structure of second sacral vertebra (body structure)"),
        rules.SpinalLevel.S3: ("49967005", "Structure of third sacral vertebra (body structure)"),
        rules.SpinalLevel.S4: ("69950008", "Structure of fourth sacral vertebra (body structure)"),
        rules.SpinalLevel.S5: ("21452006", "Structure of fifth sacral vertebra (body structure)"),
    }
)

# The rules' urgency as a request's priority (FHIR request-priority).
PRIORITY: Final[Mapping[rules.Urgency, str]] = MappingProxyType(
    {rules.Urgency.EMERGENCY: "stat", rules.Urgency.URGENT: "urgent", rules.Urgency.ROUTINE: "routine"}
)

# --- The app's own codes --------------------------------------------------------------------------------

# What an Observation, a component or a plan activity is: the app's own codes that are not spec codes.
CONCEPTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "sins": "Spinal Instability Neoplastic Score (SINS) total",
        "sins.location": "SINS location points",
        "sins.pain": "SINS pain points",
        "sins.bone_lesion": "SINS bone lesion points",
        "sins.alignment": "SINS radiographic alignment points",
        "sins.collapse": "SINS vertebral body collapse points",
        "sins.posterolateral": "SINS posterolateral involvement points",
        "escc-grade": "Bilsky epidural spinal cord compression (ESCC) grade",
        "stability": "Spinal stability as the pathway uses it",
        "motor-status": "Motor status (walking ability)",
        "hours-nonambulatory": "Hours since the patient stopped walking",
        "lesion.index": "Index lesion (the level the pathway treats)",
        "lesion.additional": "Additional lesion",
        "recommendation": "Recommendation of the ESCC clinical rules",
        "board-decision": "Tumor board decision",
        "board-action": "Action the board assigned",
        "follows-recommendation": "The board followed the rules' recommendation",
        "departs-from-recommendation": "The board departed from the rules' recommendation",
        "follow-up": "Follow-up after treatment",
        "follow-up.days": "Days after treatment the follow-up is for",
        "follow-up.alive": "Alive at follow-up",
        "follow-up.date_of_death": "Date of death",
        "follow-up.ambulatory": "Walking at follow-up",
        "follow-up.bladder": "Bladder function at follow-up",
        "follow-up.fracture": "Vertebral fracture since treatment",
        "follow-up.wound_problem": "Wound problem since treatment",
        "follow-up.other_complication": "Other complication since treatment",
        "follow-up.local_recurrence": "Local recurrence",
        "stabilization": "Stabilization technique",
        "radiation": "Radiation technique",
        "cebrt-regimen": "cEBRT dose and fractionation",
        "steroids": "Glucocorticoids",
        "vte-prophylaxis": "Venous thromboembolism prophylaxis",
        "bladder": "Bladder management",
        "mobility": "Mobility",
        "urgency": "How fast definitive treatment must start",
        "pathway.other": "Another pathway, described in words",
    }
)

# Groups of spec codes: group name -> the rules' enum whose values are its codes (labels from assessments.labels).
ENUM_GROUPS: Final[Mapping[str, type[StrEnum]]] = MappingProxyType(
    {
        "pathway": rules.PathwayCode,
        "rule": rules.Rule,
        "alert": rules.Alert,
        "urgency": rules.Urgency,
        "stabilization": rules.Stabilization,
        "radiation": rules.Radiation,
        "cebrt-regimen": rules.CebrtRegimen,
        "steroids": rules.Steroids,
        "vte-prophylaxis": rules.VteProphylaxis,
        "bladder": rules.Bladder,
        "mobility": rules.Mobility,
        "escc-grade": rules.EsccGrade,
        "sins-category": rules.SinsCategory,
        "stability": rules.Stability,
        "motor-status": rules.MotorStatus,
        "level": rules.SpinalLevel,
        "prognosis": rules.ScoreName,
        "prognosis-band": rules.ScoreBand,
    }
)
# Groups whose codes are the follow-up form's choices.
CHOICE_GROUPS: Final[Mapping[str, Any]] = MappingProxyType(
    {"follow-up.ambulatory": Ambulatory, "follow-up.bladder": Bladder}
)
# The items of each prognosis score (rules.prognosis), named as the rules name them.
PROGNOSIS_ITEMS: Final[tuple[str, ...]] = (
    "karnofsky",
    "extraspinal_bone_metastases",
    "vertebral_metastases",
    "visceral_metastases",
    "primary_site",
    "frankel_grade",
    "primary_growth",
    "bone_metastases",
    "no_visceral_metastases",
    "primary_not_lung",
    "primary_breast_kidney_lymphoma_myeloma",
    "solitary_skeletal_metastasis",
)


def canonical(path: str = "") -> str:
    """A canonical URI under the site's FHIR base (``settings.FHIR_CANONICAL_BASE``)."""
    return settings.FHIR_CANONICAL_BASE.rstrip("/") + path


def own_system() -> str:
    """The canonical URI of the app's own CodeSystem."""
    return canonical("/CodeSystem/escc")


def rule_set_uri(rule_set: str) -> str:
    """The canonical URI naming one rule set (Provenance.policy, the recommendation's instantiatesUri)."""
    return canonical(f"/rule-set/{rule_set}")


def own(code: str, display: str | None = None) -> dict[str, str]:
    """A Coding in the app's own CodeSystem; the display from the CodeSystem unless given."""
    return {"system": own_system(), "code": code, "display": display or _displays()[code]}


def own_spec(group: str, value: StrEnum | str) -> dict[str, str]:
    """The Coding of a spec code (``own_spec("pathway", "cebrt")`` is ``pathway.cebrt``)."""
    return own(f"{group}.{value}")


def concept(*codings: dict[str, str], text: str | None = None) -> dict[str, Any]:
    """A CodeableConcept of ``codings``, its text the first coding's display unless given."""
    return {"coding": list(codings), "text": text or codings[0]["display"]}


def public(system: str, code_display: tuple[str, str]) -> dict[str, str]:
    code, display = code_display
    return {"system": system, "code": code, "display": display}


def level_concept(level: str) -> dict[str, Any]:
    """A spinal level as a body site: SNOMED CT where it has a code there, and always the app's level code."""
    member = rules.SpinalLevel(level)
    codings = []
    if member in LEVEL_SNOMED:
        codings.append(public(SNOMED, LEVEL_SNOMED[member]))
    codings.append(own_spec("level", member))
    return {"coding": codings, "text": label(member)}


def _concepts() -> Iterator[tuple[str, str]]:
    yield from CONCEPTS.items()
    for group, enum in ENUM_GROUPS.items():
        for member in enum:
            yield f"{group}.{member.value}", label(member)
    for group, choices in CHOICE_GROUPS.items():
        for value, text in choices.choices:
            yield f"{group}.{value}", text
    for item in PROGNOSIS_ITEMS:
        yield f"prognosis-item.{item}", f"Prognosis score item: {field_label(item).lower()}"


@functools.cache
def _displays() -> dict[str, str]:
    return dict(_concepts())


def own_code_system() -> dict[str, Any]:
    """The app's own CodeSystem as a resource dictionary: every code the export uses and its display."""
    return {
        "resourceType": "CodeSystem",
        "url": own_system(),
        "version": rules.RULE_SET,
        "name": "EsccDecisionSupport",
        "title": "ESCC decision support: codes without a public code",
        "status": "active",
        "experimental": False,
        "publisher": settings.FHIR_PUBLISHER,
        "description": (
            "SINS components, Bilsky grades, spinal levels, the pathway, regimen and supportive-care codes "
            "of the ESCC clinical rules, their alerts, the prognosis scores and the follow-up findings."
        ),
        "caseSensitive": True,
        "content": "complete",
        "concept": [{"code": code, "display": display} for code, display in _concepts()],
    }
