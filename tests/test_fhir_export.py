"""The FHIR export: each case as an R4 document Bundle that the library validates and FHIRPath reads back.

Two golden exports (a single lesion; three lesions with a decided board outcome) are built at fixed
times so their ids and timestamps are stable; the FHIRPath tests read the meaning (the index lesion's
SINS total, the decision's plan, the rule set in Provenance); the round trip parses the file back
with the library and finds every value of the case in it. Downloads are scoped and audited.
"""

from __future__ import annotations

import datetime
import json
import re
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhirpathpy import evaluate as fhirpath
from syrupy.extensions.json import JSONSnapshotExtension

from assessments import rules
from assessments.cases import services as case_services
from assessments.cases.inputs import build_case_input
from assessments.models import Case
from audit.models import AuditEntry
from board import services as board_services
from interop import codes
from interop.bundle import bundle_json, case_bundle, case_record
from tests.factories import ASSESSMENT, PATIENT, lesion, mrn_for

UTC = datetime.UTC
MADE = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
EXPORTED = datetime.datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
PROGNOSIS = {
    "karnofsky": 70,
    "extraspinal_bone_metastases": 1,
    "vertebral_metastases": 3,
    "visceral_metastases": "none",
    "frankel_grade": "D",
    "primary_growth": None,
    "primary_site": None,
}


def _at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def make_case(owner, *, patient=None, lesions=None) -> Case:
    """A saved draft from the factories' assessment, with ``PROGNOSIS`` recorded and ``lesions`` if given."""
    base = {name: ASSESSMENT[name] for name in rules.LESION_FIELDS}
    case_input = build_case_input(
        case_values={name: ASSESSMENT[name] for name in rules.CASE_FIELDS},
        lesions=[{**base, "index": False, **item} for item in lesions] if lesions else [{**base, "index": True}],
        prognosis=PROGNOSIS,
    )
    identifiers = {**PATIENT, **(patient or {})}
    if "mrn" not in (patient or {}) and patient:
        identifiers["mrn"] = mrn_for(identifiers["patient_name"])
    return case_services.case_create(owner=owner, patient=identifiers, assessment=case_input)


@pytest.fixture
def single(alice) -> Case:
    """A draft with one lesion (ex03: melanoma at T6, grade 3) and its prognosis inputs."""
    with _at(MADE):
        return make_case(alice)


@pytest.fixture
def decided(alice, carol) -> Case:
    """Three lesions (T6 the index, T4 and L2), through the board to a decision with a plan, actions, follow-ups."""
    with _at(MADE):
        case = make_case(
            alice,
            patient={"patient_name": "Bea Three"},
            lesions=[
                lesion("T4", escc_grade="1b", sins_collapse="lt_50"),
                lesion("T6", index=True),
                lesion("L2", escc_grade="0", sins_pain="mechanical", sins_bone_lesion="lytic"),
            ],
        )
    with _at(MADE + datetime.timedelta(hours=1)):
        board_services.case_submit_to_board(
            case=case, user=alice, question="Surgery first?", meeting_date=datetime.date(2026, 12, 1)
        )
    with _at(MADE + datetime.timedelta(hours=2)), transaction.atomic():
        decision = board_services.board_decision_record(
            case=Case.objects.get(pk=case.pk), signed_by=carol, meeting_date=datetime.date(2026, 12, 1),
            pathway_code="separation_surgery_sbrt", other_pathway_text="", reason="",
            attendees="Sam Spine (spine surgery), Rita Rays (radiation oncology)",
        )  # fmt: skip
        board_services.decision_extras_record(
            decision=decision, meeting=None, plan="Separation surgery at T6, then SBRT 24 Gy in 2 fractions.",
            signed_by=carol,
            actions=[
                {"text": "Book theatre", "owner": alice, "due_at": datetime.datetime(2026, 12, 2, 8, 0, tzinfo=UTC)},
                {"text": "Plan SBRT", "owner": carol, "due_at": datetime.datetime(2026, 12, 9, 8, 0, tzinfo=UTC)},
            ],
        )  # fmt: skip
    with _at(MADE + datetime.timedelta(hours=3)):
        board_services.case_treatment_start_record(
            case=case, user=alice, started_at=datetime.datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
        )
    for days, data in (
        (30, {"alive": True, "date_of_death": None, "ambulatory": "with_aid", "bladder": "continent"}),
        (90, {"alive": False, "date_of_death": datetime.date(2027, 2, 20), "ambulatory": "", "bladder": ""}),
    ):
        with _at(MADE + datetime.timedelta(days=days)):
            board_services.follow_up_record(
                case=case, days=days, user=alice,
                data={**data, "fracture": days == 90, "wound_problem": False, "other_complication": "Pressure sore",
                      "local_recurrence": False},
            )  # fmt: skip
    return Case.objects.get(pk=case.pk)


def export(case: Case, *, identifiers: bool = True) -> dict:
    """The case's Bundle as the JSON a hospital receives, exported at a fixed moment."""
    return json.loads(bundle_json(case_bundle(case_record(case), identifiers=identifiers, now=EXPORTED)))


def path(resource: dict, expression: str) -> list:
    return fhirpath(resource, expression, {})


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def stable(bundle: dict, case: Case) -> dict:
    """The Bundle without the database's ids: each derived uuid numbered in order of first appearance
    (so references still match), and the case id named N, so a golden file does not depend on them."""
    text = json.dumps(bundle, indent=1)
    numbers: dict[str, str] = {}
    text = UUID.sub(lambda m: numbers.setdefault(m.group(), f"uuid-{len(numbers) + 1}"), text)
    text = text.replace(f"case {case.pk}", "case N").replace(f'"{case.pk}-', '"N-')
    return json.loads(text)


# --- Validated, and stable ---------------------------------------------------------------------------


@pytest.fixture
def golden(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


def test_single_lesion_export_matches_its_golden_file(single, golden):
    bundle = export(single)
    Bundle.model_validate(bundle)
    assert stable(bundle, single) == golden


def test_three_lesions_with_a_decision_match_their_golden_file(decided, golden):
    bundle = export(decided)
    Bundle.model_validate(bundle)
    assert stable(bundle, decided) == golden


def test_every_resource_validates_as_its_fhir_type(decided):
    from fhir.resources.R4B import get_fhir_model_class

    for entry in export(decided)["entry"]:
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"])
        assert model.model_validate(resource).get_resource_type() == resource["resourceType"]


def test_the_same_case_exports_the_same_ids(decided):
    assert export(decided) == export(decided)


def test_a_document_opens_with_its_composition_and_references_only_its_entries(decided):
    bundle = export(decided)
    assert bundle["type"] == "document" and bundle["entry"][0]["resource"]["resourceType"] == "Composition"
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    references = {ref for ref in path(bundle, "Bundle.entry.resource.descendants().reference") if isinstance(ref, str)}
    assert references and references <= urls


# --- Meaning, read with FHIRPath ----------------------------------------------------------------------


def test_fhirpath_finds_the_index_lesions_sins_total(decided):
    bundle = export(decided)
    index = path(
        bundle,
        "Bundle.entry.resource.ofType(Observation).where(code.coding.code = 'sins' and "
        "category.coding.code contains 'lesion.index')",
    )
    assert len(index) == 1
    assert index[0]["valueInteger"] == decided.result["sins"]["total"] == decided.sins_total
    assert path(index[0], "Observation.bodySite.coding.where(system = 'http://snomed.info/sct').code") == ["32430008"]
    all_totals = path(bundle, "Bundle.entry.resource.ofType(Observation).where(code.coding.code = 'sins').valueInteger")
    assert sorted(all_totals) == sorted(item["sins"]["total"] for item in decided.result["lesions"])


def test_fhirpath_finds_the_decisions_plan_and_actions(decided):
    bundle = export(decided)
    plan = path(bundle, "Bundle.entry.resource.ofType(CarePlan).where(intent = 'plan')")
    assert len(plan) == 1
    assert path(plan[0], "CarePlan.description") == ["Separation surgery at T6, then SBRT 24 Gy in 2 fractions."]
    assert path(plan[0], "CarePlan.activity.detail.code.coding.code").count("pathway.separation_surgery_sbrt") == 1
    assert path(plan[0], "CarePlan.activity.detail.where(code.coding.code = 'board-action').description") == [
        "Book theatre",
        "Plan SBRT",
    ]
    assert path(plan[0], "CarePlan.activity.detail.scheduledPeriod.end") == [
        "2026-12-02T08:00:00Z",
        "2026-12-09T08:00:00Z",
    ]
    assert path(plan[0], "CarePlan.author.display") == ["Carol"]
    assert path(plan[0], "CarePlan.created") == ["2026-11-30T10:00:00Z"]


def test_fhirpath_finds_the_rule_set_in_provenance(decided):
    bundle = export(decided)
    provenance = path(bundle, "Bundle.entry.resource.ofType(Provenance)")
    assert len(provenance) == 1
    assert path(provenance[0], "Provenance.policy") == [codes.rule_set_uri(rules.RULE_SET)]
    assert path(provenance[0], "Provenance.agent.who.display")[0].endswith(f"rule set {rules.RULE_SET}")
    device = path(bundle, "Bundle.entry.resource.ofType(Device).version.where(type.text = 'rule set').value")
    assert device == [rules.RULE_SET]
    targets = set(path(provenance[0], "Provenance.target.reference"))
    others = {
        e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] not in {"Provenance", "Composition"}
    }
    assert targets == others


def test_provenance_and_device_name_the_apps_version(decided, settings):
    settings.APP_VERSION = "9.9.9"
    bundle = export(decided)
    assert path(bundle, "Bundle.entry.resource.ofType(Provenance).agent.who.display")[0] == (
        f"ESCC decision support 9.9.9, rule set {rules.RULE_SET}"
    )
    assert path(bundle, "Bundle.entry.resource.ofType(Device).version.where(type.text = 'application').value") == [
        "9.9.9"
    ]


def test_fhirpath_finds_the_recommendation(decided):
    bundle = export(decided)
    result = decided.result
    request = path(bundle, "Bundle.entry.resource.ofType(ServiceRequest).where(intent = 'proposal')")[0]
    assert path(request, "ServiceRequest.code.coding.code") == [f"pathway.{result['pathway']['code']}"]
    assert request["priority"] == codes.PRIORITY[rules.Urgency(result["urgency"])]
    assert f"urgency.{result['urgency']}" in path(request, "ServiceRequest.orderDetail.coding.code")
    assert path(request, "ServiceRequest.reasonCode.coding.code") == [f"rule.{result['pathway']['rule']}"]
    plan = path(bundle, "Bundle.entry.resource.ofType(CarePlan).where(intent = 'proposal')")[0]
    assert f"steroids.{result['steroids']}" in path(plan, "CarePlan.activity.detail.code.coding.code")
    alerts = path(bundle, "Bundle.entry.resource.ofType(DetectedIssue).code.coding.code")
    assert alerts == [f"alert.{code}" for code in result["alerts"]] and alerts


def test_the_patient_is_identified_only_when_asked(decided):
    anonymous = export(decided, identifiers=False)
    assert decided.patient.mrn not in json.dumps(anonymous) and "Bea Three" not in json.dumps(anonymous)
    assert path(anonymous, "Bundle.entry.resource.ofType(Patient).identifier") == []
    assert codes.MCODE_CANCER_PATIENT not in json.dumps(anonymous)
    named = export(decided)
    patient = path(named, "Bundle.entry.resource.ofType(Patient)")[0]
    assert path(
        patient,
        "Patient.identifier.where(system = %mrn).value".replace("%mrn", "'https://hospital.example.org/fhir/sid/mrn'"),
    ) == [decided.patient.mrn]
    assert patient["name"][0]["text"] == "Bea Three" and patient["birthDate"] == "1960-05-17"
    assert patient["gender"] == "female" and patient["meta"]["profile"] == [codes.MCODE_CANCER_PATIENT]


def test_the_mrn_system_and_canonical_base_come_from_settings(decided, settings):
    settings.FHIR_MRN_SYSTEM = "urn:oid:1.2.3.4"
    settings.FHIR_CANONICAL_BASE = "https://fhir.hospital.test/escc"
    bundle = export(decided)
    assert path(bundle, "Bundle.entry.resource.ofType(Patient).identifier.system") == ["urn:oid:1.2.3.4"]
    code_system = path(bundle, "Bundle.entry.resource.ofType(CodeSystem)")[0]
    assert code_system["url"] == "https://fhir.hospital.test/escc/CodeSystem/escc"
    systems = set(path(bundle, "Bundle.entry.resource.ofType(Observation).code.coding.system"))
    assert "https://fhir.hospital.test/escc/CodeSystem/escc" in systems


def test_every_own_code_used_is_in_the_published_code_system(decided):
    bundle = export(decided)
    code_system = path(bundle, "Bundle.entry.resource.ofType(CodeSystem)")[0]
    published = {concept["code"] for concept in code_system["concept"]}
    used = set(path(bundle, f"Bundle.entry.resource.descendants().where(system = '{codes.own_system()}').code"))
    assert used and used <= published


# --- Round trip: every value is found again ----------------------------------------------------------


def test_round_trip_reads_every_value_back(decided):
    text = bundle_json(case_bundle(case_record(decided), identifiers=True, now=EXPORTED))
    bundle = json.loads(Bundle.model_validate_json(text).model_dump_json(exclude_none=True))
    result = decided.result

    def one(expression: str):
        values = path(bundle, expression)
        assert len(values) == 1, (expression, values)
        return values[0]

    obs = "Bundle.entry.resource.ofType(Observation)"
    for item in result["lesions"]:
        level = f"bodySite.coding.code contains 'level.{item['spinal_level']}'"
        sins = one(f"{obs}.where(code.coding.code = 'sins' and {level})")
        assert sins["valueInteger"] == item["sins"]["total"]
        assert path(sins, "Observation.interpretation.coding.code") == [f"sins-category.{item['sins']['category']}"]
        for name, points in item["sins"]["components"].items():
            assert path(sins, f"Observation.component.where(code.coding.code = 'sins.{name}').valueInteger") == [points]
        grade = one(f"{obs}.where(code.coding.code = 'escc-grade' and {level}).valueCodeableConcept.coding.code")
        assert grade == f"escc-grade.{item['escc']['grade']}"
        stability = one(f"{obs}.where(code.coding.code = 'stability' and {level}).valueCodeableConcept.coding.code")
        assert stability == f"stability.{item['stability']}"
    sites = path(bundle, "Bundle.entry.resource.ofType(Condition).where(code.coding.code = '128462008').bodySite.text")
    assert sites == [item["spinal_level"] for item in result["lesions"]]
    compression = path(
        bundle, "Bundle.entry.resource.ofType(Condition).where(code.coding.code = '71286001').bodySite.text"
    )
    assert compression == [item["spinal_level"] for item in result["lesions"] if item["escc"]["grade"] != "0"]
    assert one(f"{obs}.where(code.coding.code = 'motor-status').valueCodeableConcept.coding.code") == (
        f"motor-status.{decided.motor_status}"
    )
    assert one(f"{obs}.where(code.coding.code = '89243-0').valueInteger") == decided.karnofsky
    scores = result["prognosis_scores"]
    assert any("score" in score for score in scores.values())
    for name, score in scores.items():
        found = path(bundle, f"{obs}.where(code.coding.code = 'prognosis.{name}')")
        if "score" not in score:
            assert found == []
            continue
        assert found[0]["valueInteger"] == score["score"]
        assert path(found[0], "Observation.interpretation.coding.code") == [f"prognosis-band.{score['band']}"]
        for item, points in score["items"].items():
            assert path(
                found[0], f"Observation.component.where(code.coding.code = 'prognosis-item.{item}').valueInteger"
            ) == [points]
    pathway = result["pathway"]
    request = one("Bundle.entry.resource.ofType(ServiceRequest)")
    details = path(request, "ServiceRequest.orderDetail.coding.code")
    for group, key in (
        ("stabilization", "stabilization"),
        ("radiation", "radiation"),
        ("cebrt-regimen", "cebrt_regimen"),
    ):
        if pathway[key]:
            assert f"{group}.{pathway[key]}" in details
    recommendation = one("Bundle.entry.resource.ofType(CarePlan).where(intent = 'proposal')")
    activities = path(recommendation, "CarePlan.activity.detail.code.coding.code")
    for group, key in (
        ("steroids", "steroids"),
        ("vte-prophylaxis", "vte_prophylaxis"),
        ("bladder", "bladder"),
        ("mobility", "mobility"),
    ):
        assert f"{group}.{result[key]}" in activities
    assert path(recommendation, "CarePlan.instantiatesUri") == [codes.rule_set_uri(result["rule_set"])]
    for follow_up in decided.follow_ups.all():
        found = one(
            f"{obs}.where(code.coding.code = 'follow-up' and component.where(code.coding.code = 'follow-up.days').valueQuantity.value = {follow_up.days})"
        )

        def component(name: str, element: str, found: dict = found) -> list:
            return path(found, f"Observation.component.where(code.coding.code = 'follow-up.{name}').{element}")

        assert component("alive", "valueBoolean") == [follow_up.alive]
        assert component("fracture", "valueBoolean") == [follow_up.fracture]
        assert component("wound_problem", "valueBoolean") == [follow_up.wound_problem]
        assert component("local_recurrence", "valueBoolean") == [follow_up.local_recurrence]
        assert component("other_complication", "valueString") == [follow_up.other_complication]
        assert component("date_of_death", "valueDateTime") == (
            [follow_up.date_of_death.isoformat()] if follow_up.date_of_death else []
        )
        assert component("ambulatory", "valueCodeableConcept.coding.code") == (
            [f"follow-up.ambulatory.{follow_up.ambulatory}"] if follow_up.ambulatory else []
        )
        assert component("bladder", "valueCodeableConcept.coding.code") == (
            [f"follow-up.bladder.{follow_up.bladder}"] if follow_up.bladder else []
        )
    decision = decided.decisions.get()
    plan = one("Bundle.entry.resource.ofType(CarePlan).where(intent = 'plan')")
    assert path(plan, "CarePlan.identifier.value") == [f"{decided.pk}-{decision.number}"]
    assert path(plan, "CarePlan.period.start") == ["2026-12-01"]
    assert path(plan, "CarePlan.note.text")[0] == f"Attendees: {decision.attendees}"
    assert path(plan, "CarePlan.activity.detail.reasonCode.coding.code")[0] == "follows-recommendation"


def test_a_case_saved_under_rule_set_2026_1_exports_its_one_lesion(single):
    old = {k: v for k, v in single.result.items() if k not in {"lesions", "prognosis_scores", "alert_details"}}
    Case.objects.filter(pk=single.pk).update(result={**old, "rule_set": "2026.1"}, lesions=[])
    bundle = export(Case.objects.get(pk=single.pk))
    totals = path(bundle, "Bundle.entry.resource.ofType(Observation).where(code.coding.code = 'sins').valueInteger")
    assert totals == [single.sins_total]
    assert path(bundle, "Bundle.entry.resource.ofType(Provenance).policy") == [codes.rule_set_uri("2026.1")]
    assert path(bundle, "Bundle.entry.resource.ofType(DetectedIssue)") == []


# --- Refusal ------------------------------------------------------------------------------------------


def test_a_draft_without_a_result_is_refused_by_name(single, alice_client):
    Case.objects.filter(pk=single.pk).update(result={})
    response = alice_client.get(reverse("interop:case_fhir", args=[single.pk]))
    assert response.status_code == 409
    assert f"Case {single.pk} has no result yet" in response.content.decode()
    assert not AuditEntry.objects.filter(action="case.export", target_id=str(single.pk)).exists()
    with pytest.raises(CommandError, match=f"Case {single.pk} has no result yet"):
        call_command("export_fhir", str(single.pk), stdout=StringIO())


# --- Downloads: scoped and audited --------------------------------------------------------------------


def test_owner_downloads_the_bundle_and_the_export_is_audited(single, alice, alice_client):
    response = alice_client.get(reverse("interop:case_fhir", args=[single.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/fhir+json"
    assert f'filename="case-{single.pk}.fhir.json"' in response["Content-Disposition"]
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle" and single.patient.mrn not in response.content.decode()
    entry = AuditEntry.objects.get(action="case.export", target_id=str(single.pk))
    assert entry.actor == alice and entry.details == {"format": "fhir", "identifiers": False}
    assert not AuditEntry.objects.filter(action="patient.view").exists()


def test_identifiers_are_a_patient_view_too(single, alice, alice_client):
    response = alice_client.get(reverse("interop:case_fhir", args=[single.pk]) + "?identifiers=1")
    assert single.patient.mrn in response.content.decode()
    assert AuditEntry.objects.get(action="case.export").details == {"format": "fhir", "identifiers": True}
    assert AuditEntry.objects.get(action="patient.view", target_id=str(single.patient_id)).actor == alice


def test_another_clinicians_case_is_404_and_nothing_recorded(single, bob, client):
    client.force_login(bob)
    assert client.get(reverse("interop:case_fhir", args=[single.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="case.export").exists()


def test_the_board_sees_a_submitted_case_but_not_a_draft(single, decided, carol_client):
    assert carol_client.get(reverse("interop:case_fhir", args=[single.pk])).status_code == 404
    assert carol_client.get(reverse("interop:case_fhir", args=[decided.pk])).status_code == 200


def test_an_admin_without_a_clinical_role_gets_404(decided, dave_client):
    assert dave_client.get(reverse("interop:case_fhir", args=[decided.pk])).status_code == 404


def test_the_case_page_and_the_decision_letter_link_the_download(decided, carol_client):
    url = reverse("interop:case_fhir", args=[decided.pk])
    assert url in carol_client.get(reverse("assessments:case_detail", args=[decided.pk])).content.decode()
    decision = decided.decisions.get()
    assert url in carol_client.get(reverse("meetings:decision_letter", args=[decision.pk])).content.decode()


# --- The batch command --------------------------------------------------------------------------------


def test_export_fhir_writes_one_file_per_case_and_records_each(single, decided, tmp_path):
    Case.objects.filter(pk=single.pk).update(result={})
    err = StringIO()
    call_command("export_fhir", "--all", "--output", str(tmp_path), stdout=StringIO(), stderr=err)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"case-{decided.pk}.fhir.json"]
    assert f"Skipped: Case {single.pk} has no result yet" in err.getvalue()
    bundle = json.loads((tmp_path / f"case-{decided.pk}.fhir.json").read_text())
    Bundle.model_validate(bundle)
    entry = AuditEntry.objects.get(action="case.export")
    assert entry.target_id == str(decided.pk) and entry.actor_username == "manage.py export_fhir"


def test_export_fhir_one_case_to_standard_output_with_identifiers(decided):
    out = StringIO()
    call_command("export_fhir", str(decided.pk), "--identifiers", stdout=out)
    assert decided.patient.mrn in out.getvalue()
    assert AuditEntry.objects.filter(action="patient.view", actor_username="manage.py export_fhir").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Name the cases to export"),
        (["--all"], "Several cases need --output DIR"),
        (["999999"], "No case with id 999999"),
        (["1", "--output", "/nonexistent/folder"], "no such folder"),
    ],
)
def test_export_fhir_says_what_is_wrong(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_fhir", *args, stdout=StringIO())


# --- docs/fhir.md -------------------------------------------------------------------------------------


def test_docs_name_every_public_code_and_every_own_code_group():
    text = (Path(__file__).parent.parent / "docs" / "fhir.md").read_text(encoding="utf-8")
    public = [codes.SECONDARY_MALIGNANCY, codes.CORD_COMPRESSION, codes.CONSULT_NOTE, codes.KARNOFSKY]
    for code, _ in [*public, *codes.LEVEL_SNOMED.values()]:
        assert code in text, f"docs/fhir.md does not name {code} and its source"
    for group in [*codes.ENUM_GROUPS, *codes.CONCEPTS]:
        assert f"`{group}" in text, f"docs/fhir.md does not map the own code {group}"
