"""The prognosis inputs on the case form and the prognosis panel (spec 1 and 8.2)."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.urls import reverse

from assessments import presenters
from assessments.labels import ecog_for_karnofsky
from assessments.models import Case
from tests.factories import ASSESSMENT, form_post, make_case

HX = {"HX-Request": "true"}
# Melanoma ("others", 2 points; growth not fixed by Tomita), walking with an aid (Frankel D).
PROGNOSIS = {
    "karnofsky": "80",
    "extraspinal_bone_metastases": "0",
    "vertebral_metastases": "1",
    "visceral_metastases": "none",
    "frankel_grade": "D",
}


def live(client, **overrides: str | None):
    return client.post(reverse("assessments:case_create"), form_post(**overrides), headers=HX)


def score_block(body: str, code: str) -> str:
    return body.split(f'data-score="{code}"')[1].split("data-score=")[0]


# --- The form section -------------------------------------------------------------------------


def test_new_form_has_an_optional_prognosis_section_with_every_input(alice_client):
    body = alice_client.get(reverse("assessments:case_create")).content.decode()
    section = body.split('id="prognosis-section"')[1].split("</section>")[0]
    for name in ("karnofsky", "extraspinal_bone_metastases", "vertebral_metastases", "visceral_metastases"):
        assert f'name="{name}"' in section
    for name in ("frankel_grade", "primary_site", "primary_growth"):
        assert f'name="{name}"' in section
    assert "optional" in section.lower()
    assert 'id="karnofsky-ecog"' in section


@pytest.mark.parametrize(("karnofsky", "ecog"), [(100, 0), (90, 0), (80, 1), (70, 1), (60, 2), (50, 2), (40, 3)])
def test_karnofsky_maps_to_the_usual_ecog_grade(karnofsky, ecog):
    assert ecog_for_karnofsky(karnofsky)[0] == ecog
    assert ecog_for_karnofsky(30)[0] == 3 and ecog_for_karnofsky(20)[0] == 4 and ecog_for_karnofsky(10)[0] == 4


def test_live_update_shows_the_ecog_equivalent_beside_karnofsky(alice_client):
    body = live(alice_client, karnofsky="60").content.decode()
    ecog = body.split('id="karnofsky-ecog"')[1].split("</div>")[0]
    assert ecog.startswith(' class="small" data-part="')  # merged into the page's note (kept_parts.js)
    assert "ECOG 2" in ecog and "Oken 1982" in ecog
    assert "ECOG 1" in live(alice_client, karnofsky="70").content.decode()


def test_ecog_is_shown_even_while_the_assessment_is_incomplete(alice_client):
    body = live(alice_client, karnofsky="30", histology=None).content.decode()
    assert "ECOG 3" in body.split('id="karnofsky-ecog"')[1]


def test_prognosis_inputs_are_saved_kept_in_versions_and_shown_on_the_case_page(alice_client):
    response = alice_client.post(reverse("assessments:case_create"), form_post(**PROGNOSIS))
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.karnofsky, case.extraspinal_bone_metastases, case.vertebral_metastases) == (80, 0, 1)
    assert (case.visceral_metastases, case.frankel_grade, case.primary_site) == ("none", "D", None)
    assert case.history.first().karnofsky == 80
    page = alice_client.get(case.get_absolute_url()).content.decode()
    assert re.search(r'data-input="karnofsky">80 \(about ECOG 1\)', page)
    assert 'data-input="primary_site">Not recorded' in page
    assert "Revised Tokuhashi score" in score_block(page, "tokuhashi_revised")


def test_editing_a_prognosis_input_is_listed_as_a_change_in_the_versions(alice_client, alice):
    case = make_case(alice)
    url = reverse("assessments:case_edit", args=[case.pk])
    assert alice_client.post(url, form_post(version="1", karnofsky="70")).status_code == 302
    page = alice_client.get(case.get_absolute_url()).content.decode()
    assert "Karnofsky performance status: — → 70" in page


def test_edit_form_shows_the_saved_prognosis_inputs(alice_client, alice):
    alice_client.post(reverse("assessments:case_create"), form_post(**PROGNOSIS))
    case = Case.objects.get()
    body = alice_client.get(reverse("assessments:case_edit", args=[case.pk])).content.decode()
    assert re.search(r'<option value="80" selected>', body)
    assert re.search(r'<option value="D" selected>', body)
    assert "ECOG 1" in body.split('id="karnofsky-ecog"')[1]


# --- Contradictions on the field, naming it ---------------------------------------------------


def test_frankel_grade_that_contradicts_motor_status_is_refused_on_its_field(alice_client):
    response = alice_client.post(reverse("assessments:case_create"), form_post(**{**PROGNOSIS, "frankel_grade": "A"}))
    body = response.content.decode()
    assert response.status_code == 422
    assert Case.objects.count() == 0
    error = body.split('data-field-error="frankel_grade"')[1].split("</div>")[0]
    assert "Frankel grade A" in error and "walks with an aid" in error
    assert re.search(r'<option value="A" selected>', body), "the entry is kept"


def test_primary_site_for_a_histology_that_fixes_it_is_refused_on_its_field(alice_client):
    response = alice_client.post(reverse("assessments:case_create"), form_post(primary_site="stomach"))
    assert response.status_code == 422
    error = response.content.decode().split('data-field-error="primary_site"')[1].split("</div>")[0]
    assert "Primary site" in error and "already gives the primary site" in error


def test_primary_site_of_another_histology_is_refused_naming_the_allowed_sites(alice_client):
    response = alice_client.post(
        reverse("assessments:case_create"), form_post(histology="gastrointestinal", primary_site="thyroid")
    )
    error = response.content.decode().split('data-field-error="primary_site"')[1].split("</div>")[0]
    assert "not a site of gastrointestinal cancer" in error and "Stomach" in error


def test_growth_where_tomita_fixes_it_is_refused_on_its_field(alice_client):
    response = alice_client.post(
        reverse("assessments:case_create"), form_post(histology="breast", primary_growth="rapid")
    )
    assert response.status_code == 422
    assert "Growth of the primary" in response.content.decode().split('data-field-error="primary_growth"')[1]


def test_karnofsky_not_a_multiple_of_ten_is_refused_on_its_field(alice_client):
    response = alice_client.post(reverse("assessments:case_create"), form_post(karnofsky="75"))
    assert response.status_code == 422
    assert "multiple of 10" in response.content.decode().split('data-field-error="karnofsky"')[1]


def test_live_panel_names_a_prognosis_contradiction_and_shows_no_pathway(alice_client):
    body = live(alice_client, frankel_grade="E", motor_status="paraplegic").content.decode()
    assert 'data-missing="frankel_grade"' in body
    assert 'id="pathway-card"' not in body


# --- The panel --------------------------------------------------------------------------------


def test_panel_says_what_each_score_needs_in_words_then_shows_the_score(alice_client):
    body = live(alice_client).content.decode()
    needs = score_block(body, "tokuhashi_revised")
    assert "not computed: needs Karnofsky performance status, bone metastases outside the spine" in needs
    assert "Frankel grade" in needs and "primary site" not in needs, "melanoma gives the primary site"
    body = live(alice_client, **PROGNOSIS).content.decode()
    tokuhashi = score_block(body, "tokuhashi_revised")
    assert "not computed" not in tokuhashi
    # 80 -> 2, no bone metastases -> 2, one vertebra -> 2, no viscera -> 2, melanoma "others" -> 2, D -> 1
    assert "<strong>11</strong> of 15" in tokuhashi
    assert "Predicted survival 6 months or more" in tokuhashi
    assert 'data-score-item="frankel_grade"><td>Palsy (Frankel grade)</td><td class="text-end">1 point' in tokuhashi
    assert "Tokuhashi 2005" in tokuhashi
    # Tomita needs the growth of a melanoma, which the table does not fix.
    assert "needs growth of the primary" in score_block(body, "tomita").lower()
    assert "<strong>3</strong> of 4" in score_block(body, "modified_bauer"), "melanoma: not breast, kidney, ..."


def test_panel_shows_the_clinicians_estimate_beside_the_scores(alice_client):
    body = live(alice_client, expected_survival="3_to_6_months", **PROGNOSIS).content.decode()
    estimate = body.split('id="survival-estimate"')[1].split("</p>")[0]
    assert "3" in estimate and "6 months" in estimate


def test_discordance_alert_shows_when_the_tokuhashi_band_disagrees_with_the_estimate(alice_client):
    body = live(alice_client, expected_survival="lt_3_months", **PROGNOSIS).content.decode()
    assert 'id="prognosis-discordant"' in body
    body = live(alice_client, expected_survival="gt_6_months", **PROGNOSIS).content.decode()
    assert 'id="prognosis-discordant"' not in body


def test_the_scores_never_prefill_the_clinicians_estimate(alice_client):
    # A complete prognosis but no estimate: the score is shown, the estimate stays unanswered.
    data = form_post(expected_survival=None, **PROGNOSIS)
    body = alice_client.post(reverse("assessments:case_create"), {**data, "action": "preview"}).content.decode()
    field = body.split('id="field-expected_survival"')[1].split('id="field-')[0]
    assert "checked" not in field
    assert Case.objects.count() == 0
    # Saved with an estimate the score disagrees with: the estimate is stored as given.
    alice_client.post(reverse("assessments:case_create"), form_post(expected_survival="lt_3_months", **PROGNOSIS))
    case = Case.objects.get()
    assert case.expected_survival == "lt_3_months"
    assert case.result["prognosis_scores"]["tokuhashi_revised"]["band"] == "gte_6_months"
    assert "survival_estimate_discordant" in case.result["alerts"]


def test_case_page_shows_the_stored_prognosis_panel(alice_client):
    alice_client.post(reverse("assessments:case_create"), form_post(expected_survival="lt_3_months", **PROGNOSIS))
    page = alice_client.get(Case.objects.get().get_absolute_url()).content.decode()
    assert 'id="prognosis-panel"' in page and 'id="prognosis-discordant"' in page
    assert "<strong>11</strong> of 15" in page


def test_presenter_reads_a_result_without_scores_as_an_earlier_rule_set():
    shown = presenters.present_prognosis({"rule_set": "2026.1"}, expected_survival="gt_6_months")
    assert shown["available"] is False and shown["rule_set"] == "2026.1"
    assert shown["estimate"]


# --- Conflicts, session expiry, import and export ---------------------------------------------


def test_409_comparison_lists_the_prognosis_inputs_that_differ(alice_client, alice):
    case = make_case(alice)
    url = reverse("assessments:case_edit", args=[case.pk])
    alice_client.post(url, form_post(version="1", karnofsky="90"))
    response = alice_client.post(url, form_post(version="1", karnofsky="50"))
    body = response.content.decode()
    assert response.status_code == 409
    row = body.split('<th scope="row">Karnofsky performance status</th>')[1].split("</tr>")[0]
    assert "50" in row and "90" in row
    assert '<option value="50" selected>' in body, "the user's entry is kept"


def test_prognosis_entries_survive_an_expired_session(client, alice):
    from tests.conftest import PASSWORD

    response = client.post(reverse("assessments:case_create"), form_post(**PROGNOSIS))
    assert response.status_code == 302
    client.post(reverse("login"), {"username": alice.username, "password": PASSWORD})
    body = client.get(reverse("assessments:case_create")).content.decode()
    assert '<option value="80" selected>' in body and '<option value="D" selected>' in body
    assert Case.objects.count() == 0


def test_export_writes_the_recorded_prognosis_inputs_only(alice_client, alice):
    plain = json.loads(alice_client.get(reverse("assessments:case_export", args=[make_case(alice).pk])).content)
    assert "karnofsky" not in plain
    alice_client.post(reverse("assessments:case_create"), form_post(**PROGNOSIS))
    case = Case.objects.latest("pk")
    data = json.loads(alice_client.get(reverse("assessments:case_export", args=[case.pk])).content)
    assert data["karnofsky"] == 80 and data["frankel_grade"] == "D" and data["vertebral_metastases"] == 1
    assert "primary_site" not in data


def test_import_fills_the_prognosis_inputs(alice_client):
    upload = io.BytesIO(json.dumps({**ASSESSMENT, "karnofsky": 80, "frankel_grade": "D", "id": "x"}).encode())
    upload.name = "case.json"
    response = alice_client.post(reverse("assessments:case_import"), {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<option value="80" selected>' in body and '<option value="D" selected>' in body


def test_import_of_a_contradictory_prognosis_names_the_field(alice_client):
    upload = io.BytesIO(json.dumps({**ASSESSMENT, "frankel_grade": "A"}).encode())
    upload.name = "case.json"
    response = alice_client.post(reverse("assessments:case_import"), {"file": upload})
    assert response.status_code == 422
    assert "<code>frankel_grade</code>" in response.content.decode()


# --- Primary site and growth: asked for only where spec 8.2 needs them -------------------------


def state(body: str) -> tuple[str, str]:
    element = body.split('id="prognosis-fields-state"')[1].split(">")[0]
    site = re.search(r'data-primary-site="(\w+)"', element).group(1)
    growth = re.search(r'data-primary-growth="(\w+)"', element).group(1)
    return site, growth


def test_new_form_hides_primary_site_and_growth_until_the_histology_needs_them(alice_client):
    body = alice_client.get(reverse("assessments:case_create")).content.decode()
    assert 'id="prognosis-field-primary_site" hidden' in body
    assert 'id="prognosis-field-primary_growth" hidden' in body


@pytest.mark.parametrize(
    ("histology", "site", "expected"),
    [
        ("breast", None, ("hidden", "hidden")),  # breast gives the site and Tomita fixes its growth
        ("melanoma", None, ("hidden", "shown")),  # "others": growth not in Tomita's table
        ("gastrointestinal", None, ("shown", "hidden")),  # the site first
        ("gastrointestinal", "colon", ("shown", "hidden")),  # colon: rapid growth in Tomita's table
        ("gastrointestinal", "rectum", ("shown", "shown")),  # rectum: growth needed
    ],
)
def test_live_update_says_whether_primary_site_and_growth_are_asked_for(alice_client, histology, site, expected):
    body = live(alice_client, histology=histology, primary_site=site).content.decode()
    assert 'id="prognosis-fields-state"' in body
    assert state(body) == expected


def test_a_field_holding_a_value_the_case_contradicts_stays_shown_with_its_error(alice_client):
    response = alice_client.post(reverse("assessments:case_create"), form_post(primary_site="stomach"))
    body = response.content.decode()
    assert 'id="prognosis-field-primary_site" hidden' not in body
    assert 'data-field-error="primary_site"' in body


def test_vertebral_count_below_the_lesions_is_refused_on_its_field_naming_the_count():
    from assessments.cases.case_format import validate_case

    second = {k: ASSESSMENT[k] for k in ("escc_grade", "sins_pain", "sins_bone_lesion", "sins_alignment")}
    lesion = {
        **second,
        "sins_collapse": "none",
        "sins_posterolateral": "none",
        "stability_assessment": "not_assessed",
        "retropulsion": False,
        "prior_radiation_in_field": False,
    }
    case_fields = {k: v for k, v in ASSESSMENT.items() if k not in lesion and k != "spinal_level"}
    two = {
        **case_fields,
        "lesions": [{**lesion, "spinal_level": "T6", "index": True}, {**lesion, "spinal_level": "L2", "index": False}],
    }
    case_input, errors = validate_case(two)
    assert errors == {}
    case_input, errors = validate_case({**two, "vertebral_metastases": 1})
    assert case_input is None
    assert "fewer than the 2 levels assessed" in errors["vertebral_metastases"][0]
    assert validate_case({**two, "vertebral_metastases": 2})[0] is not None
