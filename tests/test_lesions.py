"""Several lesions on the case pages: cards, index, live panel, spine picture, saving, files.

The JavaScript-off path (the Django formset: "Add a lesion", "Remove this lesion") is driven here
with the test client; tests/browser/test_lesions.py drives the same page in Chromium.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re

import pytest
from django.urls import reverse

from assessments import rules
from assessments.cases import services
from assessments.models import Case, CaseStatus
from board import services as board_services
from tests.factories import ASSESSMENT, form_post, lesion, make_case

HX = {"HX-Request": "true"}
# A contiguous pair (T7 index, T8 unstable) and a skip lesion (L3, high grade): breast, so cEBRT with a field.
UNSTABLE = {"sins_pain": "mechanical", "sins_bone_lesion": "lytic", "sins_collapse": "gt_50", "escc_grade": "1a"}
THREE = [lesion("T7", index=True, escc_grade="2"), lesion("T8", **UNSTABLE), lesion("L3", escc_grade="2")]
BREAST = {"histology": "breast", "surgical_candidate": "no"}


def three_lesion_post(**overrides):
    return form_post(lesions=THREE, **{**BREAST, **overrides})


def _cards(body: str) -> list[str]:
    return re.findall(r'data-lesion-card="(\d+)"', body)


# --- The form: cards, no JavaScript ------------------------------------------------------------


def test_new_form_has_one_lesion_card_marked_index_and_an_add_button(alice_client):
    body = alice_client.get(reverse("assessments:case_create")).content.decode()
    assert _cards(body) == ["0"]
    assert 'name="lesions-TOTAL_FORMS" value="1"' in body
    assert re.search(r'name="lesions-index" value="0"[^>]*checked', body)
    assert 'id="add-lesion"' in body and 'value="add_lesion"' in body
    assert 'id="lesion-template"' in body and "lesions-__prefix__-spinal_level" in body
    assert "/static/img/escc/grade-2.svg" in body  # the Bilsky pictures on the card


def test_add_lesion_without_javascript_adds_an_empty_card_and_keeps_every_entry(alice_client):
    data = form_post(action="add_lesion", patient_name="Kept Name", sins_pain="mechanical")
    response = alice_client.post(reverse("assessments:case_create"), data)
    body = response.content.decode()
    assert Case.objects.count() == 0, "adding a card never saves"
    assert _cards(body) == ["0", "1"]
    assert 'name="lesions-TOTAL_FORMS" value="2"' in body
    assert 'value="Kept Name"' in body
    assert re.search(r'name="lesions-0-sins_pain" value="mechanical"[^>]*checked', body)
    assert re.search(r'name="lesions-0-spinal_level"[^>]*>.*?value="T6" selected', body, re.S)
    # The new card starts at the shown default and is not marked red before anything was typed.
    assert re.search(r'name="lesions-1-stability_assessment" value="not_assessed"[^>]*checked', body)
    assert 'data-field-error="lesions-1-' not in body
    # The panel names what the new card still needs.
    assert 'data-missing="lesions[1].spinal_level"' in body


def test_remove_lesion_without_javascript_draws_the_page_without_that_card(alice_client):
    data = three_lesion_post(action="preview", **{"lesions-1-DELETE": "on"})
    body = alice_client.post(reverse("assessments:case_create"), data).content.decode()
    assert _cards(body) == ["0", "1"]
    assert re.search(r'name="lesions-1-spinal_level"[^>]*>.*?value="L3" selected', body, re.S), "renumbered"
    assert "T8" not in re.search(r'id="lesion-table".*?</table>', body, re.S).group(0)


def test_removing_the_only_card_keeps_it_and_says_one_must_stay(alice_client):
    data = form_post(action="preview", **{"lesions-0-DELETE": "on", "lesions-0-sins_pain": "mechanical"})
    body = alice_client.post(reverse("assessments:case_create"), data).content.decode()
    assert _cards(body) == ["0"]
    assert re.search(r'name="lesions-0-sins_pain" value="mechanical"[^>]*checked', body)
    assert "Keep at least one lesion" in body


def test_three_lesions_save_with_the_index_mirrored_in_the_case_columns(alice_client):
    response = alice_client.post(reverse("assessments:case_create"), three_lesion_post())
    assert response.status_code == 302
    case = Case.objects.get()
    assert [item["spinal_level"] for item in case.lesions] == ["T7", "T8", "L3"]
    assert [item["index"] for item in case.lesions] == [True, False, False]
    assert case.lesions[1]["sins_collapse"] == "gt_50"
    assert case.lesion_count == 3
    assert (case.spinal_level, case.escc_grade) == ("T7", "2"), "the flat columns are the index lesion"
    assert case.result["pathway"]["cebrt_field"] == {"from": "T6", "to": "T9"}
    assert len(case.history.first().lesions) == 3, "the version holds every lesion"


def test_a_changed_index_decides_the_saved_index(alice_client):
    data = three_lesion_post(**{"lesions-index": "2"})
    assert alice_client.post(reverse("assessments:case_create"), data).status_code == 302
    case = Case.objects.get()
    assert [item["index"] for item in case.lesions] == [False, False, True]
    assert case.spinal_level == "L3"


def test_same_level_twice_is_refused_naming_the_later_lesion(alice_client):
    data = form_post(lesions=[lesion("T7", index=True), lesion("T8"), lesion("T7")])
    response = alice_client.post(reverse("assessments:case_create"), data)
    body = response.content.decode()
    assert response.status_code == 422 and Case.objects.count() == 0
    assert "Lesion 3 \u2014 spinal level: T7 is already Lesion 1" in body
    assert 'data-field-error="lesions-2-spinal_level"' in body


def test_more_than_eight_lesions_is_refused(alice_client):
    levels = ["T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9"]
    data = form_post(lesions=[lesion(level, index=level == "T1") for level in levels])
    response = alice_client.post(reverse("assessments:case_create"), data)
    assert response.status_code == 422 and Case.objects.count() == 0
    assert "Give at most 8 lesions" in response.content.decode()


def test_several_lesions_without_a_marked_index_are_refused(alice_client):
    data = three_lesion_post()
    del data["lesions-index"]
    response = alice_client.post(reverse("assessments:case_create"), data)
    assert response.status_code == 422 and Case.objects.count() == 0
    assert "Mark the index lesion" in response.content.decode()


# --- The live panel and the spine picture -----------------------------------------------------


def test_partial_shows_each_lesions_sins_the_index_block_the_field_and_multilevel_alerts(alice_client):
    response = alice_client.post(reverse("assessments:case_create"), three_lesion_post(), headers=HX)
    body = response.content.decode()
    assert response.status_code == 200
    # T7 index: 1 location + 1 pain + 1 mixed = 3; T8: 1 + 3 + 2 + 3 = 9; L3: 2 + 1 + 1 = 4.
    assert re.search(r'data-lesion-sins="0">3 <span[^>]*>Stable', body)
    assert re.search(r'data-lesion-sins="1">9 <span[^>]*>Indeterminate', body)
    assert re.search(r'data-lesion-sins="2">4 <span[^>]*>Stable', body)
    assert 'id="index-level">T7<' in body
    assert 'id="index-block">T7\u2013T8<' in body
    assert 'id="cebrt-field">T6\u2013T9<' in body
    assert 'data-multilevel-alert="additional_unstable_lesion"' in body
    assert 'data-multilevel-alert="escc_outside_index_block"' in body


def test_spine_picture_marks_the_levels_the_index_and_the_field_with_a_text_alternative(alice_client):
    body = alice_client.post(reverse("assessments:case_create"), three_lesion_post(), headers=HX).content.decode()
    svg = re.search(r'<svg class="spine-svg".*?</svg>', body, re.S).group(0)
    assert 'class="vertebra involved index" data-level="T7"' in svg
    assert 'class="vertebra involved" data-level="T8"' in svg
    assert 'class="vertebra involved" data-level="L3"' in svg
    assert 'class="vertebra" data-level="T9"' in svg
    assert 'id="spine-field"' in svg and 'id="spine-block"' in svg
    assert "Index lesion T7. Other lesions: T8, L3. Index block T7\u2013T8. cEBRT field T6 to T9." in svg


def test_changing_the_index_moves_the_block_and_the_spine_mark(alice_client):
    data = three_lesion_post(**{"lesions-index": "2"})
    body = alice_client.post(reverse("assessments:case_create"), data, headers=HX).content.decode()
    assert 'id="index-level">L3<' in body
    assert 'id="index-block">L3<' in body
    assert 'class="vertebra involved index" data-level="L3"' in body


def test_partly_filled_extra_lesion_keeps_the_panel_and_names_what_it_needs(alice_client):
    data = three_lesion_post(**{"lesions-2-sins_pain": "", "lesions-2-escc_grade": ""})
    response = alice_client.post(reverse("assessments:case_create"), data, headers=HX)
    body = response.content.decode()
    assert response.status_code == 422
    assert "data-pathway=" not in body, "never a pathway from missing inputs"
    assert re.search(r'data-lesion-sins="1">9 <span[^>]*>Indeterminate', body), "a complete lesion shows its SINS"
    assert 'data-lesion-sins="2">3 so far' in body  # L3 2 + mixed 1, pain missing
    assert "Lesion 3 still needs: Bilsky ESCC grade, Pain" in body
    assert 'data-missing="lesions[2].sins_pain"' in body
    assert 'class="vertebra involved" data-level="L3"' in body, "the spine shows every level given so far"


def test_an_empty_added_card_does_not_break_the_live_update(alice_client):
    data = form_post(**{"lesions-TOTAL_FORMS": "2", "lesions-1-stability_assessment": "not_assessed"})
    response = alice_client.post(reverse("assessments:case_create"), data, headers=HX)
    body = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="sins-total">3<' in body, "the index lesion's SINS still shows"
    assert 'data-missing="lesions[1].spinal_level"' in body


# --- Editing, conflicts, the expired session -------------------------------------------------


def test_edit_restores_every_card_and_the_index(alice_client, alice):
    case = make_case(alice, lesions=THREE, **BREAST)
    body = alice_client.get(reverse("assessments:case_edit", args=[case.pk])).content.decode()
    assert _cards(body) == ["0", "1", "2"]
    for number, level in enumerate(["T7", "T8", "L3"]):
        assert re.search(rf'name="lesions-{number}-spinal_level"[^>]*>.*?value="{level}" selected', body, re.S)
    assert re.search(r'name="lesions-1-sins_collapse" value="gt_50"[^>]*checked', body)
    for number in range(3):  # yes/no answers too, not only the coded choices
        assert re.search(rf'name="lesions-{number}-retropulsion" value="false"[^>]*checked', body)
        assert re.search(rf'name="lesions-{number}-prior_radiation_in_field" value="false"[^>]*checked', body)
    assert re.search(r'name="lesions-index" value="0"[^>]*checked', body)
    assert 'id="cebrt-field">T6\u2013T9<' in body, "the panel is the saved case's"


def test_stale_save_keeps_every_lesions_entries_and_compares_lesion_by_lesion(alice_client, alice):
    case = make_case(alice, lesions=THREE, **BREAST)
    url = reverse("assessments:case_edit", args=[case.pk])
    assert alice_client.post(url, three_lesion_post(version="1")).status_code == 302  # another tab saves v2
    mine = three_lesion_post(version="1", **{"lesions-2-sins_pain": "mechanical"})
    response = alice_client.post(url, mine)
    body = response.content.decode()
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.lesions[2]["sins_pain"] == "occasional_nonmechanical", "the newer version is not overwritten"
    assert re.search(r'name="lesions-2-sins_pain" value="mechanical"[^>]*checked', body)
    assert "Lesion 3 \u2014 Pain" in body


def test_expired_session_keeps_every_lesion_until_login(client, alice):
    from tests.conftest import PASSWORD

    response = client.post(reverse("assessments:case_create"), three_lesion_post())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.post(reverse("login"), {"username": alice.username, "password": PASSWORD})
    body = client.get(reverse("assessments:case_create")).content.decode()
    assert _cards(body) == ["0", "1", "2"]
    assert re.search(r'name="lesions-2-spinal_level"[^>]*>.*?value="L3" selected', body, re.S)
    assert Case.objects.count() == 0


def test_a_page_drawn_before_lesions_still_saves_its_one_lesion(alice_client):
    from tests.factories import PATIENT

    flat = {
        k: ("true" if v is True else "false" if v is False else "" if v is None else v) for k, v in ASSESSMENT.items()
    }
    data = {**flat, **{k: str(v) for k, v in PATIENT.items()}}
    assert alice_client.post(reverse("assessments:case_create"), data).status_code == 302
    assert Case.objects.get().lesions[0]["spinal_level"] == "T6"


# --- Case page, versions, board --------------------------------------------------------------


def test_case_page_shows_every_lesion(alice_client, alice):
    case = make_case(alice, lesions=THREE, **BREAST)
    body = alice_client.get(case.get_absolute_url()).content.decode()
    assert re.findall(r'data-saved-lesion="(\d)"', body) == ["0", "1", "2"]
    assert 'data-input="lesions[1].sins_collapse">More than 50% collapse' in body or re.search(
        r'data-input="lesions\[1\]\.sins_collapse">[^<]*50', body
    )
    assert "Lesion 1: T7 <span" in body and "index lesion" in body
    assert 'id="spine-picture"' in body


def test_versions_list_a_changed_lesion_by_its_card(alice_client, alice):
    case = make_case(alice, lesions=THREE, **BREAST)
    url = reverse("assessments:case_edit", args=[case.pk])
    assert (
        alice_client.post(url, three_lesion_post(version="1", **{"lesions-2-sins_pain": "mechanical"})).status_code
        == 302
    )
    body = alice_client.get(case.get_absolute_url()).content.decode()
    assert "Lesion 3 \u2014 Pain" in body


def test_board_queue_and_pack_show_the_index_level_and_the_number_of_levels(carol_client, alice):

    case = make_case(alice, lesions=THREE, **BREAST)
    board_services.case_submit_to_board(case=case, user=alice, question="Which field?", meeting_date=None)
    queue = carol_client.get(reverse("assessments:board_queue")).content.decode()
    assert 'data-levels="3">T7, 1 of 3 levels<' in queue
    pack = carol_client.get(reverse("assessments:board_pack") + f"?case={case.pk}").content.decode()
    assert "index level T7 (block T7\u2013T8); other levels T8, L3; cEBRT field T6\u2013T9" in pack


# --- Case files -------------------------------------------------------------------------------


def test_export_writes_2027_1_with_every_lesion_and_reads_back_the_same(alice_client, alice):
    from assessments.cases.case_format import evaluate_case_object

    case = make_case(alice, lesions=THREE, **BREAST)
    data = json.loads(alice_client.get(reverse("assessments:case_export", args=[case.pk])).content)
    assert [item["spinal_level"] for item in data["lesions"]] == ["T7", "T8", "L3"]
    assert "spinal_level" not in data and "patient_name" not in data and "mrn" not in data
    assert evaluate_case_object(data)["pathway"] == case.result["pathway"]


@pytest.mark.parametrize("example", ["ex09-multilevel-breast.json"])
def test_import_of_a_2027_1_file_with_three_lesions_fills_the_cards(alice_client, example):
    from django.conf import settings

    spec = json.loads((settings.BASE_DIR.parent / "shared" / "spec" / "examples-2027.1" / example).read_text())
    upload = io.BytesIO(json.dumps(spec["case"]).encode())
    upload.name = "case.json"
    response = alice_client.post(reverse("assessments:case_import"), {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert _cards(body) == ["0", "1", "2"]
    assert re.search(r'name="lesions-1-spinal_level"[^>]*>.*?value="T12" selected', body, re.S)
    assert 'id="cebrt-field">T10\u2013L1<' in body


def test_import_of_a_2026_1_flat_file_fills_one_card(alice_client):
    upload = io.BytesIO(json.dumps({**ASSESSMENT, "id": "old"}).encode())
    upload.name = "case.json"
    body = alice_client.post(reverse("assessments:case_import"), {"file": upload}).content.decode()
    assert _cards(body) == ["0"]
    assert re.search(r'name="lesions-0-spinal_level"[^>]*>.*?value="T6" selected', body, re.S)


def test_import_names_a_bad_lesion_by_its_position(alice_client):
    bad = {**{k: ASSESSMENT[k] for k in rules.CASE_FIELDS}, "lesions": [
        {**{k: ASSESSMENT[k] for k in rules.LESION_FIELDS}, "index": True},
        {**{k: ASSESSMENT[k] for k in rules.LESION_FIELDS}, "spinal_level": "T7", "index": False, "sins_pain": "x"},
    ]}  # fmt: skip
    upload = io.BytesIO(json.dumps(bad).encode())
    upload.name = "case.json"
    response = alice_client.post(reverse("assessments:case_import"), {"file": upload})
    assert response.status_code == 422
    assert "lesions[1].sins_pain" in response.content.decode()


def test_import_of_a_file_with_prior_radiation_courses_fills_their_boxes(alice_client):
    from django.conf import settings

    spec = settings.BASE_DIR.parent / "shared" / "spec" / "examples-2027.2" / "ex11-phases.json"
    upload = io.BytesIO(json.dumps(json.loads(spec.read_text())["case"]).encode())
    upload.name = "case.json"
    body = alice_client.post(reverse("assessments:case_import"), {"file": upload}).content.decode()
    assert 'name="lesions-0-prior_radiation_courses-TOTAL_FORMS" value="2"' in body
    assert re.search(r'name="lesions-0-prior_radiation_courses-0-total_dose_gy" value="40"', body)
    assert re.search(r'name="lesions-0-prior_radiation_courses-1-end_date" value="2026-04"', body)
    assert re.search(r'name="lesions-0-prior_radiation_courses-1-same_course_as_previous"[^>]*checked', body)


def test_a_saved_case_stores_and_exports_its_courses_and_reads_them_back(alice):
    from assessments.cases.case_format import export_case, validate_case
    from assessments.cases.inputs import case_input

    courses = [
        {"technique": "cebrt", "total_dose_gy": 30.12, "fractions": 10, "end_date": "2026-03"},
        {"technique": "sbrt", "total_dose_gy": 24, "fractions": 2, "end_date": "2026-09-01", "cord_max_dose_gy": 14},
    ]
    case = make_case(alice, lesions=[{"index": True, "prior_radiation_in_field": True}])
    stored = case_input(case)
    lesion = dataclasses.replace(stored.lesions[0], prior_radiation_courses=validate_courses(courses))
    services.case_update(
        case_id=case.pk,
        editor=alice,
        based_on_version=case.version,
        patient={},
        assessment=dataclasses.replace(stored, lesions=(lesion,)),
    )
    case.refresh_from_db()
    assert case.lesions[0]["prior_radiation_courses"] == courses
    assert case.result["lesions"][0]["reirradiation"]["status"] == "no_validated_limit"
    exported = export_case(case)
    assert exported["lesions"][0]["prior_radiation_courses"] == courses
    read_back, errors = validate_case(exported)
    assert errors == {} and read_back is not None
    assert read_back.lesions[0].prior_radiation_courses == case_input(case).lesions[0].prior_radiation_courses


def validate_courses(entries):
    courses, errors = rules.read_courses(entries, name="courses", flagged=True, evaluation_date=None)
    assert errors == {}
    return courses


def test_submitted_multi_lesion_case_is_read_only(alice_client, alice):

    case = make_case(alice, lesions=THREE, **BREAST)
    board_services.case_submit_to_board(case=case, user=alice, question="Q", meeting_date=None)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert alice_client.get(reverse("assessments:case_edit", args=[case.pk])).status_code == 403
