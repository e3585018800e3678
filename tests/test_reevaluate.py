"""Rule-set versions. A case saved under 2026.1 or 2027.1 shows its stored result, labelled; its owner
re-evaluates it under the current rule set (2027.2) only by confirming the differences; the board sees each
recommendation's rule set.

The stored results are real 2026.1 outputs, from the golden file frozen from the 2026.1 engine
(tests/golden/rules-2026.1.json.xz), each with the inputs it was evaluated from.
"""

from __future__ import annotations

import datetime
import json
import lzma
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import presenters, rules
from assessments.cases import services
from assessments.cases.inputs import case_input
from assessments.models import ASSESSMENT_FIELDS, URGENCY_RANK, Case, CaseStatus, Patient
from audit.models import AuditEntry
from board import services as board_services
from tests.factories import PATIENT, make_case

GOLDEN = Path(__file__).parent / "golden" / "rules-2026.1.json.xz"
# Unknown primary, paraplegic, not a surgical candidate: 2026.1 said biopsy and staging (P2);
# 2027.1 says urgent biopsy then cEBRT (spec section 0, clinical safety review).
BIOPSY = "003-unknown-primary-paraplegic-unfit-p2"
# Breast, unstable C2, unfit: 2027.1 stops routine high-dose dexamethasone for a normal examination.
BRACING = "014-breast-c2-unstable-unfit-bracing"


@pytest.fixture(scope="module")
def golden() -> dict[str, dict]:
    records = json.loads(lzma.decompress(GOLDEN.read_bytes()))
    return {record["case"]["id"]: record for record in records if record["case"]["id"] in (BIOPSY, BRACING)}


def case_2026(owner, record: dict) -> Case:
    """A case saved under rule set 2026.1: its inputs and the result 2026.1 gave for them, as stored then.

    Built as the 2026.1 app saved it (one version, its history record holding the 2026.1 result),
    not through today's services, which would evaluate it under 2027.1.
    """
    inputs = {name: record["case"][name] for name in ASSESSMENT_FIELDS}
    old = record["result"]
    now = timezone.now()
    hours = inputs["hours_nonambulatory"]
    patient, _ = Patient.objects.get_or_create(
        mrn=PATIENT["mrn"],
        defaults={"name": PATIENT["patient_name"], "date_of_birth": PATIENT["date_of_birth"], "sex": PATIENT["sex"]},
    )
    case = Case(
        owner=owner,
        patient=patient,
        **inputs,
        ambulation_lost_at=None if hours is None else now - datetime.timedelta(hours=hours),
        evaluated_at=now,
        rule_set=old["rule_set"],
        result=old,
        pathway_code=old["pathway"]["code"],
        pathway_rule=old["pathway"]["rule"],
        urgency=old["urgency"],
        urgency_rank=URGENCY_RANK[rules.Urgency(old["urgency"])],
        sins_total=old["sins"]["total"],
    )
    case._history_user = owner
    case.save()
    return case


def test_the_fixtures_are_real_2026_1_results(golden):
    for record in golden.values():
        result = record["result"]
        assert result["rule_set"] == "2026.1"
        assert not {"lesions", "cebrt_field", "prognosis_scores"} & set(result)


# --- The stored result, labelled --------------------------------------------------------------


def test_case_page_shows_the_stored_2026_1_result_labelled_and_offers_re_evaluation(alice_client, alice, golden):
    case = case_2026(alice, golden[BIOPSY])
    page = alice_client.get(case.get_absolute_url()).content.decode()
    assert 'data-rule-set="2026.1"' in page and "rule set 2026.1 (earlier rule set)" in page
    assert 'data-pathway="biopsy_and_staging"' in page, "the stored result, not a new evaluation"
    assert 'id="prognosis-not-in-rule-set"' in page
    assert reverse("assessments:case_reevaluate", args=[case.pk]) in page


def test_a_waiting_2026_1_case_is_not_re_evaluated_by_the_clock(alice_client, alice, golden):
    # Paraplegic with a time of loss of ambulation: a 2027.1 case would be evaluated "now"; this stays stored.
    case = case_2026(alice, golden[BIOPSY])
    assert case.ambulation_lost_at is not None
    page = alice_client.get(case.get_absolute_url()).content.decode()
    assert "Result as saved" in page and 'data-rule-set="2026.1"' in page


def test_case_page_of_a_current_case_offers_no_re_evaluation(alice_client, alice):
    case = make_case(alice)
    page = alice_client.get(case.get_absolute_url()).content.decode()
    assert f'data-rule-set="{rules.RULE_SET}"' in page and 'id="earlier-rule-set"' not in page


# --- The differences, then the confirmed save -------------------------------------------------


def test_re_evaluate_page_shows_the_differences_in_clinical_words_and_saves_nothing(alice_client, alice, golden):
    case = case_2026(alice, golden[BIOPSY])
    response = alice_client.get(reverse("assessments:case_reevaluate", args=[case.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    pathway = body.split('data-change="pathway"')[1].split("</tr>")[0]
    assert "Staging and biopsy first (rule P2)" in pathway and "Urgent biopsy, then cEBRT (rule P2)" in pathway
    assert "biopsy_then_cebrt" not in pathway, "words, not codes"
    assert 'id="reevaluate-form"' in body and 'name="version" value="1"' in body
    assert "Prognosis scores" in body
    case.refresh_from_db()
    assert case.rule_set == "2026.1" and case.version == 1


def test_re_evaluate_page_lists_steroids_and_alerts_that_change(alice_client, alice, golden):
    case = case_2026(alice, golden[BRACING])
    body = alice_client.get(reverse("assessments:case_reevaluate", args=[case.pk])).content.decode()
    steroids = body.split('data-change="steroids"')[1].split("</tr>")[0]
    assert "High-dose" in steroids or "high-dose" in steroids
    diff = presenters.present_reevaluation(case.result, rules.evaluate(case_input(case)).to_dict())
    added = {alert["code"] for alert in diff["alerts_added"]}
    removed = {alert["code"] for alert in diff["alerts_removed"]}
    assert added or removed
    for code in added:
        assert f'data-alert-added="{code}"' in body
    for code in removed:
        assert f'data-alert-removed="{code}"' in body


def test_confirming_saves_a_new_version_under_the_current_rule_set_and_audits_it(alice_client, alice, golden):
    case = case_2026(alice, golden[BIOPSY])
    url = reverse("assessments:case_reevaluate", args=[case.pk])
    response = alice_client.post(url, {"version": "1"})
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    case.refresh_from_db()
    assert (case.version, case.rule_set, case.result["rule_set"]) == (2, "2027.2", "2027.2")
    assert case.result["evaluation_date"] == timezone.localdate().isoformat()
    assert case.pathway_code == "biopsy_then_cebrt" and "prognosis_scores" in case.result
    assert case.motor_status == "paraplegic", "the findings are not changed"
    older = case.history.filter(version=1).first()
    assert older.rule_set == "2026.1" and older.result["pathway"]["code"] == "biopsy_and_staging"
    entry = AuditEntry.objects.filter(action="case.update", target_id=str(case.pk)).latest("seq")
    assert entry.details["reevaluated"] is True
    assert (entry.details["from_rule_set"], entry.details["to_rule_set"]) == ("2026.1", "2027.2")
    page = alice_client.get(case.get_absolute_url()).content.decode()
    assert 'data-rule-set="2027.2"' in page and 'id="earlier-rule-set"' not in page


def test_re_evaluation_is_never_automatic(alice_client, alice, golden):
    case = case_2026(alice, golden[BIOPSY])
    alice_client.get(case.get_absolute_url())
    alice_client.get(reverse("assessments:case_reevaluate", args=[case.pk]))
    alice_client.get(reverse("assessments:case_edit", args=[case.pk]))
    case.refresh_from_db()
    assert case.rule_set == "2026.1" and case.version == 1


def test_confirming_after_a_newer_version_was_saved_is_refused_with_409(alice_client, alice, golden):
    case = case_2026(alice, golden[BIOPSY])
    Case.objects.filter(pk=case.pk).update(version=2)  # another tab saved meanwhile
    response = alice_client.post(reverse("assessments:case_reevaluate", args=[case.pk]), {"version": "1"})
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="reevaluate-refused"' in body and 'name="version" value="2"' in body
    case.refresh_from_db()
    assert case.rule_set == "2026.1"


def test_another_clinician_and_the_board_get_404(client, alice, bob, carol, golden):
    case = case_2026(alice, golden[BIOPSY])
    url = reverse("assessments:case_reevaluate", args=[case.pk])
    for user in (bob, carol):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"version": "1"}).status_code == 404
    case.refresh_from_db()
    assert case.rule_set == "2026.1"


def test_service_refuses_anyone_but_the_owner(alice, bob, golden):
    from django.core.exceptions import PermissionDenied

    case = case_2026(alice, golden[BIOPSY])
    with pytest.raises(PermissionDenied):
        services.case_reevaluate(case_id=case.pk, editor=bob, based_on_version=1)


# --- With the board: the result the board works on stays ---------------------------------------


def test_a_submitted_case_cannot_be_re_evaluated_and_keeps_its_result(alice_client, alice, golden):
    case = case_2026(alice, golden[BIOPSY])
    board_services.case_submit_to_board(case=case, user=alice, question="Biopsy?", meeting_date=None)
    url = reverse("assessments:case_reevaluate", args=[case.pk])
    page = alice_client.get(url).content.decode()
    assert 'id="reevaluate-not-allowed"' in page and 'id="reevaluate-form"' not in page
    response = alice_client.post(url, {"version": "1"})
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.rule_set == "2026.1" and case.status == CaseStatus.SUBMITTED
    detail = alice_client.get(case.get_absolute_url()).content.decode()
    assert "Only the case's clinician can re-evaluate it, while it is a draft." in detail


def test_a_decided_case_shows_the_result_the_board_decided_on(client, alice, carol, golden):
    case = case_2026(alice, golden[BIOPSY])
    board_services.case_submit_to_board(case=case, user=alice, question="Biopsy?", meeting_date=None)
    board_services.board_decision_record(
        case=case,
        signed_by=carol,
        meeting_date=datetime.date(2026, 11, 20),
        pathway_code=case.pathway_code,
        other_pathway_text="",
        reason="",
        attendees="A, B",
    )
    client.force_login(alice)
    assert client.post(reverse("assessments:case_reevaluate", args=[case.pk]), {"version": "1"}).status_code == 409
    client.force_login(carol)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-pathway="biopsy_and_staging"' in page and 'data-rule-set="2026.1"' in page


# --- The board sees the rule set -------------------------------------------------------------


def test_board_queue_pack_and_meeting_mode_name_each_recommendations_rule_set(carol_client, alice, carol, golden):
    from board import services as meeting_services

    old = case_2026(alice, golden[BIOPSY])
    new = make_case(alice)
    for case in (old, new):
        board_services.case_submit_to_board(case=case, user=alice, question="Plan?", meeting_date=None)
    queue = carol_client.get(reverse("assessments:board_queue")).content.decode()
    assert "rule set 2026.1 (earlier rule set)" in queue.split(f'data-case="{old.pk}"')[1].split("</tr>")[0]
    assert "rule set 2027.2" in queue.split(f'data-case="{new.pk}"')[1].split("</tr>")[0]
    pack = carol_client.get(reverse("assessments:board_pack"), {"case": [old.pk, new.pk]}).content.decode()
    assert 'data-rule-set="2026.1"' in pack and 'data-rule-set="2027.2"' in pack
    meeting = meeting_services.meeting_create(
        created_by=carol, chair=carol, starts_at=timezone.now() + datetime.timedelta(hours=1)
    )
    mode = carol_client.get(reverse("meetings:meeting_mode", args=[meeting.pk]), {"case": old.pk}).content.decode()
    assert 'data-rule-set="2026.1"' in mode


def test_rule_set_presenter_marks_an_earlier_rule_set():
    assert presenters.present_rule_set("2027.2")["current"] is True
    for old in ("2026.1", "2027.1"):
        earlier = presenters.present_rule_set(old)
        assert earlier["current"] is False and earlier["text"] == f"rule set {old} (earlier rule set)"


# --- A 2027.1 case under 2027.2 ---------------------------------------------------------------


def case_2027_1(owner) -> Case:
    """A case saved under rule set 2027.1, with a level irradiated before and the result 2027.1 gave.

    The 2027.1 result is the 2027.2 one without what section 0 (a) and (d) added: the level's budget,
    ``reirradiation_budget_unknown``, the evaluation date. Its rationale keeps what 2027.1 stored.
    """
    case = make_case(owner, prior_radiation_in_field=True, escc_grade="1b", stability_assessment="stable")
    result = dict(case.result)
    result["rule_set"] = "2027.1"
    del result["evaluation_date"]
    result["lesions"] = [{k: v for k, v in lesion.items() if k != "reirradiation"} for lesion in result["lesions"]]
    result["alerts"] = [a for a in result["alerts"] if a != "reirradiation_budget_unknown"]
    result["alert_details"] = [a for a in result["alert_details"] if a["code"] != "reirradiation_budget_unknown"]
    result["rationale"] = [
        item
        for item in result["rationale"]
        if item["topic"] not in ("reirradiation", "alert:reirradiation_budget_unknown")
    ]
    Case.objects.filter(pk=case.pk).update(rule_set="2027.1", result=result)
    case.refresh_from_db()
    return case


def test_a_2027_1_case_shows_the_budget_alert_it_would_gain_and_saves_only_on_confirm(alice_client, alice):
    case = case_2027_1(alice)
    url = reverse("assessments:case_reevaluate", args=[case.pk])
    body = alice_client.get(url).content.decode()
    assert 'data-alert-added="reirradiation_budget_unknown"' in body
    assert "Re-irradiation: earlier courses not recorded" in body
    case.refresh_from_db()
    assert case.rule_set == "2027.1" and "evaluation_date" not in case.result
    response = alice_client.post(url, {"version": str(case.version)})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.rule_set == "2027.2" and case.result["evaluation_date"] == timezone.localdate().isoformat()
    assert case.result["lesions"][0]["reirradiation"]["status"] == "unknown"
    assert "reirradiation_budget_unknown" in case.result["alerts"]


# --- Queries stay constant ---------------------------------------------------------------------


@pytest.mark.parametrize("versions", [0, 5])
def test_re_evaluate_page_queries_do_not_grow_with_versions(
    alice_client, alice, golden, django_assert_max_num_queries, versions
):
    case = case_2026(alice, golden[BIOPSY])
    for n in range(versions):
        Case.objects.filter(pk=case.pk).update(clinical_notes=f"note {n}")
        case.refresh_from_db()
        case._history_user = alice
        case.save()
    alice_client.get(reverse("home"))  # warm up the session and the user
    with django_assert_max_num_queries(10):  # 9, + the navigation badge
        response = alice_client.get(reverse("assessments:case_reevaluate", args=[case.pk]))
    assert response.status_code == 200


def test_findings_the_current_rule_set_refuses_are_named_not_a_500(alice_client, alice, golden):
    # 2026.1 accepted paraplegia without a recorded neurologic deficit; 2027.1 refuses it (spec 1).
    case = case_2026(alice, golden[BIOPSY])
    Case.objects.filter(pk=case.pk).update(neurologic_deficit=False, deficit_progressing=False)
    url = reverse("assessments:case_reevaluate", args=[case.pk])
    body = alice_client.get(url).content.decode()
    assert 'id="reevaluate-contradiction"' in body and "Neurologic deficit" in body
    assert 'id="reevaluate-form"' not in body
    response = alice_client.post(url, {"version": "1"})
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.rule_set == "2026.1"


def test_queue_csv_names_each_recommendations_rule_set(carol_client, alice, golden):
    import csv
    import io

    old = case_2026(alice, golden[BIOPSY])
    board_services.case_submit_to_board(case=old, user=alice, question="Plan?", meeting_date=None)
    text = carol_client.get(reverse("assessments:board_queue_csv")).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["Rule set"] for row in rows] == ["2026.1"]
