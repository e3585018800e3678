"""One case as a FHIR R4 document Bundle: each resource built with ``fhir.resources`` and so validated as it is made.

:func:`case_bundle` reads the saved case (its inputs and the rules' result as stored), the board's
current decision with its plan and actions, and the follow-ups, and returns the Bundle. Ids and
``fullUrl`` s are derived from the case id and the resource's part (``uuid5``), so the same case
exports the same ids every time; the document's identifier and timestamp name the moment of export.
docs/fhir.md maps every field to its resource, element and code; docs/decisions/0021-fhir-export.md
says why a document Bundle.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.composition import Composition
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.detectedissue import DetectedIssue
from fhir.resources.R4B.device import Device
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.provenance import Provenance
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.servicerequest import ServiceRequest

from assessments import rules
from assessments.labels import label
from assessments.models import BoardDecision, Case
from assessments.models.common import OTHER_PATHWAY
from board.models import Action, DecisionRecord, FollowUp
from interop import codes
from interop.codes import concept, own, own_spec

# The namespace of every id the export derives (uuid5 of the case and the resource's part).
SINS_COMPONENTS = ("location", "pain", "bone_lesion", "alignment", "collapse", "posterolateral")
ID_NAMESPACE = uuid.UUID("9b1f6c1e-1d8e-5c7a-9f0e-6a3c2f4b7d10")
APP_NAME = "ESCC decision support"


class FhirExportRefused(ValueError):
    """A case that cannot be exported; the message says why, for the user."""


@dataclass(frozen=True)
class CaseRecord:
    """What the export reads of one case: the case, the board's current decision and what hangs off it."""

    case: Case
    decision: BoardDecision | None = None
    record: DecisionRecord | None = None
    actions: tuple[Action, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()


def case_record(case: Case) -> CaseRecord:
    """The case with its current decision (none before the board decides), its plan, actions and follow-ups."""
    decision = BoardDecision.objects.current().filter(case=case).select_related("signed_by").first()
    record = None if decision is None else DecisionRecord.objects.filter(decision=decision).first()
    actions: tuple[Action, ...] = ()
    if decision is not None:
        actions = tuple(Action.objects.filter(decision=decision).select_related("owner", "done", "done__done_by"))
    follow_ups = tuple(FollowUp.objects.filter(case=case).select_related("recorded_by").order_by("days"))
    return CaseRecord(case=case, decision=decision, record=record, actions=actions, follow_ups=follow_ups)


def refusal(case: Case) -> str | None:
    """Why ``case`` cannot be exported (a draft the rules have not evaluated), or None."""
    result = case.result or {}
    if not result.get("pathway") or not result.get("sins"):
        return (
            f"Case {case.pk} has no result yet: it is a draft the rules have not evaluated. "
            "Open it, check the assessment and save it, then export it."
        )
    return None


def _iso(moment: datetime.datetime | datetime.date | None) -> str | None:
    return None if moment is None else moment.isoformat()


@dataclass
class _Builder:
    """The resources of one bundle as they are made, each under its part name (``patient``, ``sins-0``...)."""

    record: CaseRecord
    identifiers: bool
    now: datetime.datetime
    entries: list[tuple[str, Resource]] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=dict)

    @property
    def case(self) -> Case:
        return self.record.case

    def uid(self, part: str) -> str:
        return str(uuid.uuid5(ID_NAMESPACE, f"case/{self.case.pk}/{part}"))

    def ref(self, part: str, display: str | None = None) -> dict[str, str]:
        out = {"reference": f"urn:uuid:{self.uid(part)}"}
        if display:
            out["display"] = display
        return out

    def add(self, part: str, model: type[Resource], data: dict[str, Any], section: str | None = None) -> None:
        """Build ``model`` from ``data`` (validated here) under the id of ``part``; list it in ``section``."""
        resource = model(id=self.uid(part), **data)
        self.entries.append((part, resource))
        if section is not None:
            self.sections.setdefault(section, []).append(part)

    @property
    def subject(self) -> dict[str, str]:
        return self.ref("patient")


def _profile(*urls: str) -> dict[str, Any]:
    return {"meta": {"profile": list(urls)}} if urls else {}


def _practitioner(b: _Builder, user: Any) -> dict[str, str]:
    """A reference to the user as a Practitioner (added once): name and the site's username."""
    part = f"practitioner-{user.pk}"
    name = user.get_full_name() or user.get_username()
    if all(existing != part for existing, _ in b.entries):
        b.add(
            part,
            Practitioner,
            {
                "identifier": [{"system": codes.canonical("/user"), "value": user.get_username()}],
                "name": [{"text": name}],
            },
        )
    return b.ref(part, name)


def _device(b: _Builder) -> dict[str, str]:
    return b.ref("device", APP_NAME)


def _add_device(b: _Builder, rule_set: str) -> None:
    b.add(
        "device",
        Device,
        {
            "deviceName": [{"name": APP_NAME, "type": "user-friendly-name"}],
            "version": [
                {"type": {"text": "application"}, "value": settings.APP_VERSION},
                {"type": {"text": "rule set"}, "value": rule_set},
            ],
        },
    )


def _add_patient(b: _Builder) -> None:
    patient = b.case.patient
    data: dict[str, Any] = {"active": True}
    if b.identifiers:
        # US Core (and so mCODE's CancerPatient) asks for identifier, name and gender: all three are here.
        given, _, family = patient.name.strip().rpartition(" ")
        name: dict[str, Any] = {"use": "official", "text": patient.name, "family": family or given}
        if given and family:
            name["given"] = given.split()
        data.update(
            _profile(codes.MCODE_CANCER_PATIENT),
            identifier=[
                {
                    "use": "usual",
                    "type": {
                        "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}],
                        "text": "Medical record number",
                    },
                    "system": settings.FHIR_MRN_SYSTEM,
                    "value": patient.mrn,
                }
            ],
            name=[name],
            gender=patient.sex,
            birthDate=patient.date_of_birth.isoformat(),
        )
    b.add("patient", Patient, data, section="patient")


def _observation(b: _Builder, **data: Any) -> dict[str, Any]:
    """The parts every observation of the assessment shares: final, the patient, when and by whom."""
    moment = b.case.evaluated_at or b.case.updated_at
    return {
        "status": "final",
        "subject": b.subject,
        "effectiveDateTime": _iso(moment),
        "issued": _iso(moment),
        "performer": [_practitioner(b, b.case.owner)],
        **data,
    }


def _exam(*extra: dict[str, str]) -> list[dict[str, Any]]:
    exam = {"system": codes.OBSERVATION_CATEGORY, "code": "exam", "display": "Exam"}
    return [{"coding": [exam]}, *({"coding": [coding]} for coding in extra)]


def _add_lesions(b: _Builder, result: dict[str, Any]) -> list[str]:
    """SINS, Bilsky grade and stability of each lesion; returns the parts of the Bilsky observations."""
    lesions = result.get("lesions") or [
        {
            "spinal_level": b.case.spinal_level,
            "index": True,
            "sins": result["sins"],
            "escc": result["escc"],
            "stability": result["stability"],
        }
    ]
    grades = []
    for position, lesion in enumerate(lesions):
        level = lesion["spinal_level"]
        site = codes.level_concept(level)
        kind = own("lesion.index" if lesion["index"] else "lesion.additional")
        sins = lesion["sins"]
        b.add(
            f"sins-{position}",
            Observation,
            _observation(
                b,
                category=_exam(kind),
                code=concept(own("sins")),
                bodySite=site,
                valueInteger=sins["total"],
                interpretation=[concept(own_spec("sins-category", sins["category"]))],
                component=[
                    {"code": concept(own(f"sins.{name}")), "valueInteger": sins["components"][name]}
                    for name in SINS_COMPONENTS
                ],
            ),
            section="assessment",
        )
        b.add(
            f"escc-{position}",
            Observation,
            _observation(
                b,
                category=_exam(kind),
                code=concept(own("escc-grade")),
                bodySite=site,
                valueCodeableConcept=concept(own_spec("escc-grade", lesion["escc"]["grade"])),
            ),
            section="assessment",
        )
        grades.append(f"escc-{position}")
        b.add(
            f"stability-{position}",
            Observation,
            _observation(
                b,
                category=_exam(kind),
                code=concept(own("stability")),
                bodySite=site,
                valueCodeableConcept=concept(own_spec("stability", lesion["stability"])),
            ),
            section="assessment",
        )
    return grades


def _add_conditions(b: _Builder, result: dict[str, Any], grades: list[str]) -> None:
    lesions = result.get("lesions") or [{"spinal_level": b.case.spinal_level, "escc": result["escc"]}]
    common = {
        "clinicalStatus": concept({"system": codes.CONDITION_CLINICAL, "code": "active", "display": "Active"}),
        "verificationStatus": concept(
            {"system": codes.CONDITION_VERIFICATION, "code": "confirmed", "display": "Confirmed"}
        ),
        "category": [
            concept({"system": codes.CONDITION_CATEGORY, "code": "problem-list-item", "display": "Problem List Item"})
        ],
        "subject": b.subject,
        "recordedDate": _iso(b.case.evaluated_at or b.case.created_at),
        "recorder": _practitioner(b, b.case.owner),
    }
    # mCODE's profiles constrain the subject to its CancerPatient: declared only when the patient is one.
    profile = _profile(codes.MCODE_SECONDARY_CANCER) if b.identifiers else {}
    b.add(
        "metastasis",
        Condition,
        {
            **profile,
            **common,
            "code": concept(
                codes.public(codes.SNOMED, codes.SECONDARY_MALIGNANCY),
                text=f"Spinal metastasis ({label(rules.Histology(b.case.histology))})",
            ),
            "bodySite": [codes.level_concept(lesion["spinal_level"]) for lesion in lesions],
        },
        section="assessment",
    )
    compressed = [lesion["spinal_level"] for lesion in lesions if lesion["escc"]["grade"] != rules.EsccGrade.GRADE_0]
    if compressed:
        b.add(
            "cord-compression",
            Condition,
            {
                **common,
                "code": concept(
                    codes.public(codes.SNOMED, codes.CORD_COMPRESSION), text="Epidural spinal cord compression"
                ),
                "bodySite": [codes.level_concept(level) for level in compressed],
                "evidence": [{"detail": [b.ref(part) for part in grades]}],
            },
            section="assessment",
        )


def _add_patient_observations(b: _Builder, result: dict[str, Any]) -> None:
    case = b.case
    components = []
    if case.hours_nonambulatory is not None:
        components.append(
            {
                "code": concept(own("hours-nonambulatory")),
                "valueQuantity": {
                    "value": case.hours_nonambulatory,
                    "unit": "h",
                    "system": codes.UCUM,
                    "code": "h",
                },
            }
        )
    b.add(
        "motor-status",
        Observation,
        _observation(
            b,
            category=_exam(),
            code=concept(own("motor-status")),
            valueCodeableConcept=concept(own_spec("motor-status", case.motor_status)),
            **({"component": components} if components else {}),
        ),
        section="assessment",
    )
    if case.karnofsky is not None:
        survey = {"system": codes.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}
        b.add(
            "karnofsky",
            Observation,
            {
                **(_profile(codes.MCODE_KARNOFSKY) if b.identifiers else {}),
                **_observation(
                    b,
                    category=[{"coding": [survey]}],
                    code=concept(codes.public(codes.LOINC, codes.KARNOFSKY)),
                    valueInteger=case.karnofsky,
                ),
            },
            section="assessment",
        )
    # In the rules' order: a stored result's keys come back in the database's order (jsonb sorts them).
    scores = result.get("prognosis_scores") or {}
    for name in (member.value for member in rules.ScoreName if member.value in scores):
        score = scores[name]
        if "score" not in score:
            continue  # not computed: inputs missing (docs/fhir.md)
        b.add(
            f"prognosis-{name}",
            Observation,
            _observation(
                b,
                category=[{"coding": [{"system": codes.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
                code=concept(own_spec("prognosis", name)),
                valueInteger=score["score"],
                interpretation=[concept(own_spec("prognosis-band", score["band"]))],
                referenceRange=[{"high": {"value": score["max"]}, "text": f"0 to {score['max']}"}],
                component=[
                    {"code": concept(own(f"prognosis-item.{item}")), "valueInteger": score["items"][item]}
                    for item in sorted(score["items"], key=codes.PROGNOSIS_ITEMS.index)
                ],
            ),
            section="assessment",
        )


def _activity(code: dict[str, Any], *, status: str = "not-started", **detail: Any) -> dict[str, Any]:
    return {"detail": {"code": code, "status": status, **detail}}


def _add_recommendation(b: _Builder, result: dict[str, Any]) -> None:
    case = b.case
    pathway = result["pathway"]
    urgency = rules.Urgency(result["urgency"])
    evaluated = _iso(case.evaluated_at or case.updated_at)
    conditions = [b.ref(part) for part, resource in b.entries if resource.get_resource_type() == "Condition"]
    observations = [b.ref(part) for part, resource in b.entries if resource.get_resource_type() == "Observation"]
    details = [
        {"coding": [own_spec(group, pathway[key])], "text": label(enum(pathway[key]))}
        for group, key, enum in (
            ("stabilization", "stabilization", rules.Stabilization),
            ("radiation", "radiation", rules.Radiation),
            ("cebrt-regimen", "cebrt_regimen", rules.CebrtRegimen),
        )
        if pathway.get(key)
    ]
    field_ = pathway.get("cebrt_field")
    note = [{"text": f"cEBRT field: {field_['from']} to {field_['to']}"}] if field_ else []
    b.add(
        "recommended-pathway",
        ServiceRequest,
        {
            "status": "active",
            "intent": "proposal",
            "category": [concept(own("recommendation"))],
            "priority": codes.PRIORITY[urgency],
            "code": concept(own_spec("pathway", pathway["code"])),
            "orderDetail": [concept(own_spec("urgency", urgency)), *details],
            "subject": b.subject,
            "authoredOn": evaluated,
            "requester": _device(b),
            "reasonCode": [concept(own_spec("rule", pathway["rule"]))],
            "reasonReference": conditions,
            "supportingInfo": observations,
            "note": note,
            "instantiatesUri": [codes.rule_set_uri(result["rule_set"])],
        },
        section="recommendation",
    )
    issues = []
    for position, alert in enumerate(result.get("alert_details") or []):
        b.add(
            f"alert-{position}",
            DetectedIssue,
            {
                "status": "final",
                "code": concept(own_spec("alert", alert["code"])),
                "severity": "high" if alert["code"] == rules.Alert.TIME_CRITICAL else "moderate",
                "patient": b.subject,
                "identifiedDateTime": evaluated,
                "author": _device(b),
                "detail": f"{alert['text']} (source: {alert['source']})",
            },
            section="recommendation",
        )
        issues.append(b.ref(f"alert-{position}"))
    supportive = [
        ("steroids", result["steroids"]),
        ("vte-prophylaxis", result["vte_prophylaxis"]),
        ("bladder", result["bladder"]),
        ("mobility", result["mobility"]),
    ]
    b.add(
        "recommendation",
        CarePlan,
        {
            "status": "active",
            "intent": "proposal",
            "instantiatesUri": [codes.rule_set_uri(result["rule_set"])],
            "category": [concept(own("recommendation"))],
            "title": f"Recommendation of rule set {result['rule_set']}",
            "subject": b.subject,
            "created": evaluated,
            "author": _device(b),
            "contributor": [_device(b), _practitioner(b, case.owner)],
            "addresses": conditions,
            "supportingInfo": [*observations, *issues],
            "activity": [
                {"reference": b.ref("recommended-pathway")},
                *(
                    _activity(concept(own_spec(group, code)), description=own(group)["display"])
                    for group, code in supportive
                ),
            ],
        },
        section="recommendation",
    )


def _add_decision(b: _Builder) -> None:
    decision, record = b.record.decision, b.record.record
    if decision is None:
        return
    chosen = (
        concept(own("pathway.other"), text=decision.other_pathway_text or "Other pathway")
        if decision.pathway_code == OTHER_PATHWAY
        else concept(own_spec("pathway", decision.pathway_code))
    )
    follows = own("follows-recommendation" if decision.follows_recommendation else "departs-from-recommendation")
    signer = _practitioner(b, decision.signed_by)
    activities = [
        _activity(
            chosen,
            kind="ServiceRequest",
            reasonCode=[concept(follows, text=decision.reason or follows["display"])],
            description=(record.plan if record and record.plan else None),
        )
    ]
    for action in b.record.actions:
        done = getattr(action, "done", None)
        activities.append(
            _activity(
                concept(own("board-action")),
                status="completed" if done else "not-started",
                description=action.text,
                performer=[_practitioner(b, action.owner)],
                scheduledPeriod={"end": _iso(action.due_at)},
            )
        )
        if done:
            activities[-1]["progress"] = [
                {"authorReference": _practitioner(b, done.done_by), "time": _iso(done.done_at), "text": "Done"}
            ]
    notes = [{"authorReference": signer, "time": _iso(decision.signed_at), "text": f"Attendees: {decision.attendees}"}]
    if record is not None:
        notes.append({"text": f"{record.setting_text}" + (f": {record.meeting}" if record.meeting else "")})
    b.add(
        "decision",
        CarePlan,
        {
            "identifier": [{"system": codes.canonical("/decision"), "value": f"{decision.case_id}-{decision.number}"}],
            "status": "active",
            "intent": "plan",
            "category": [concept(own("board-decision"))],
            "title": f"Tumor board decision #{decision.number}",
            "description": (record.plan if record and record.plan else None),
            "basedOn": [b.ref("recommendation")],
            "subject": b.subject,
            "period": {"start": decision.meeting_date.isoformat()},
            "created": _iso(decision.signed_at),
            "author": signer,
            "addresses": [b.ref(part) for part, res in b.entries if res.get_resource_type() == "Condition"],
            "activity": activities,
            "note": notes,
        },
        section="decision",
    )


def _add_follow_ups(b: _Builder) -> None:
    for follow_up in b.record.follow_ups:
        components: list[dict[str, Any]] = [
            {"code": concept(own("follow-up.days")), "valueQuantity": {
                "value": follow_up.days, "unit": "d", "system": codes.UCUM, "code": "d"}},
            {"code": concept(own("follow-up.alive")), "valueBoolean": follow_up.alive},
        ]  # fmt: skip
        if follow_up.date_of_death:
            components.append(
                {"code": concept(own("follow-up.date_of_death")), "valueDateTime": follow_up.date_of_death.isoformat()}
            )
        for name in ("ambulatory", "bladder"):
            value = getattr(follow_up, name)
            if value:
                components.append(
                    {
                        "code": concept(own(f"follow-up.{name}")),
                        "valueCodeableConcept": concept(own(f"follow-up.{name}.{value}")),
                    }
                )
        for name in ("fracture", "wound_problem", "local_recurrence"):
            components.append({"code": concept(own(f"follow-up.{name}")), "valueBoolean": getattr(follow_up, name)})
        if follow_up.other_complication:
            components.append(
                {"code": concept(own("follow-up.other_complication")), "valueString": follow_up.other_complication}
            )
        b.add(
            f"follow-up-{follow_up.days}",
            Observation,
            {
                "status": "final",
                "category": [{"coding": [own("follow-up")]}],
                "code": concept(own("follow-up"), text=f"{follow_up.days}-day follow-up"),
                "subject": b.subject,
                "effectiveDateTime": _iso(follow_up.recorded_at),
                "performer": [_practitioner(b, follow_up.recorded_by)],
                "basedOn": [b.ref("decision")] if b.record.decision else [],
                "component": components,
            },
            section="follow-up",
        )


SECTIONS = (
    ("patient", "Patient"),
    ("assessment", "Assessment"),
    ("recommendation", "Recommendation of the clinical rules"),
    ("decision", "Tumor board decision"),
    ("follow-up", "Follow-up"),
)


def _add_provenance(b: _Builder, rule_set: str) -> None:
    targets = [b.ref(part) for part, _ in b.entries]
    b.add(
        "provenance",
        Provenance,
        {
            "target": targets,
            "recorded": _iso(b.now),
            "policy": [codes.rule_set_uri(rule_set)],
            "activity": concept({"system": codes.DATA_OPERATION, "code": "CREATE", "display": "create"}),
            "agent": [
                {
                    "type": concept(
                        {"system": codes.PROVENANCE_PARTICIPANT, "code": "assembler", "display": "Assembler"}
                    ),
                    "who": b.ref("device", f"{APP_NAME} {settings.APP_VERSION}, rule set {rule_set}"),
                },
                {
                    "type": concept({"system": codes.PROVENANCE_PARTICIPANT, "code": "author", "display": "Author"}),
                    "who": _practitioner(b, b.case.owner),
                },
            ],
        },
    )


def _add_composition(b: _Builder) -> None:
    sections = [
        {"title": title, "entry": [b.ref(part) for part in b.sections[key]]}
        for key, title in SECTIONS
        if b.sections.get(key)
    ]
    b.add(
        "composition",
        Composition,
        {
            "status": "final",
            "type": concept(codes.public(codes.LOINC, codes.CONSULT_NOTE)),
            "subject": b.subject,
            "date": _iso(b.now),
            "author": [_practitioner(b, b.case.owner), _device(b)],
            "title": f"Spinal cord compression assessment, case {b.case.pk}",
            "section": sections,
        },
    )


def case_bundle(record: CaseRecord, *, identifiers: bool, now: datetime.datetime) -> Bundle:
    """The case as a FHIR R4 document Bundle; ``identifiers`` puts the patient's MRN, name, birth date and sex in.

    Raises :class:`FhirExportRefused` for a case without a result. Every resource is a ``fhir.resources``
    model, so a value the FHIR R4 structure does not allow fails here, not at the hospital.
    """
    message = refusal(record.case)
    if message:
        raise FhirExportRefused(message)
    result = record.case.result
    b = _Builder(record=record, identifiers=identifiers, now=now)
    _add_patient(b)
    _add_device(b, result["rule_set"])
    grades = _add_lesions(b, result)
    _add_conditions(b, result, grades)
    _add_patient_observations(b, result)
    _add_recommendation(b, result)
    _add_decision(b)
    _add_follow_ups(b)
    code_system = CodeSystem(id=b.uid("codesystem"), **_without_type(codes.own_code_system()))
    b.entries.append(("codesystem", code_system))
    _add_provenance(b, result["rule_set"])
    _add_composition(b)
    # The Composition comes first in a document; the rest in the order they were made.
    ordered = [b.entries[-1], *b.entries[:-1]]
    return Bundle(
        id=b.uid(f"bundle-{now.isoformat()}"),
        identifier={"system": codes.canonical("/document"), "value": f"urn:uuid:{b.uid(f'bundle-{now.isoformat()}')}"},
        type="document",
        timestamp=_iso(now),
        entry=[{"fullUrl": f"urn:uuid:{b.uid(part)}", "resource": resource} for part, resource in ordered],
    )


def _without_type(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "resourceType"}


def bundle_json(bundle: Bundle) -> str:
    """The Bundle as FHIR JSON (no empty elements), indented for people who open the file."""
    return bundle.model_dump_json(indent=2, exclude_none=True)
