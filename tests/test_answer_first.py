"""The answer first: pathway, urgency, steroids and alerts lead the panel and the case page; reasons fold
by lesion; the copy-ready summary for the notes says everything needed, per case shape."""

from __future__ import annotations

import html
import json
import lzma
import re

import pytest
from django.urls import reverse

from assessments.models import Case
from tests.factories import form_post, lesion, make_case

HX = {"HX-Request": "true"}


def _positions(page: str, *ids: str) -> list[int]:
    return [page.index(f'id="{name}"') for name in ids]


def _summary(client, case: Case) -> str:
    page = client.get(case.get_absolute_url()).content.decode()
    match = re.search(r'<textarea[^>]*id="case-summary-text"[^>]*readonly[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert match, "the summary is in a read-only box"
    return html.unescape(match.group(1))


def test_form_panel_gives_pathway_urgency_steroids_and_alerts_before_the_scores(alice_client):
    three_levels = [lesion("T4", index=True), lesion("T9", escc_grade="2"), lesion("L2", escc_grade="2")]
    page = alice_client.post(reverse("assessments:case_create"), form_post(lesions=three_levels), headers=HX)
    page = page.content.decode()
    pathway, urgency, steroids, alerts, sins, lesions, why = _positions(
        page, "pathway-card", "urgency", "steroids", "alerts", "sins-card", "lesions-card", "rationale"
    )
    assert pathway < urgency < steroids < alerts < sins < lesions < why


def test_reasons_fold_by_lesion(alice_client):
    three_levels = [lesion("T4", index=True), lesion("T9", escc_grade="2"), lesion("L2", escc_grade="2")]
    page = alice_client.post(reverse("assessments:case_create"), form_post(lesions=three_levels), headers=HX)
    why = page.content.decode().split('id="rationale"')[1].split("</section>")[0]
    groups = re.findall(r'<details class="[^"]*reason-group" id="([^"]+)"( open)?>', why)
    assert [name for name, _ in groups] == [
        "reasons-pathway",
        "reasons-lesion-1",
        "reasons-lesion-2",
        "reasons-lesion-3",
        "reasons-prognosis",
    ]
    assert all(not opened for _, opened in groups), "every group starts folded"
    lesion_2 = why.split('id="reasons-lesion-2"')[1].split("</details>")[0]
    assert "Lesion 2: T9" in lesion_2 and 'data-topic="sins"' in lesion_2 and 'data-topic="escc"' in lesion_2
    pathway = why.split('id="reasons-pathway"')[1].split("</details>")[0]
    assert 'data-topic="pathway"' in pathway and 'data-topic="sins"' not in pathway


def test_case_page_puts_the_recommendation_before_board_clock_and_sharing(alice_client, alice):
    case = make_case(alice)
    page = alice_client.get(case.get_absolute_url()).content.decode()
    pathway, steroids, summary, clock, sharing = _positions(
        page, "pathway-card", "steroids", "case-summary", "case-clock", "care-section"
    )
    assert pathway < steroids < summary < clock and pathway < sharing


def test_summary_of_a_one_level_case(alice_client, alice):
    case = make_case(alice, spinal_level="T7")
    text = _summary(alice_client, case)
    patient = case.patient
    assert f"Patient: {patient.name}, MRN {patient.mrn}, born {patient.date_of_birth:%d/%m/%Y}" in text
    assert "Levels: T7 (index)" in text
    assert f"SINS: T7 {case.sins_total} of 18" in text
    assert "ESCC grade: T7 " in text
    assert f"Recommended pathway: {case.result['pathway']['rule']}" not in text
    assert re.search(r"Recommended pathway: .+ \(rule P\d\)", text)
    assert re.search(r"^Urgency: \w", text, re.MULTILINE)
    assert re.search(r"^Steroids: \w", text, re.MULTILINE)
    assert re.search(r"^Rule set: 2027\.2, evaluated \d\d/\d\d/\d{4} \d\d:\d\d$", text, re.MULTILINE)
    assert "\nSources:\n- " in text
    for code in ("separation_surgery", "high_dose", "sins_pain", "lesions["):
        assert code not in text, code


def test_summary_of_a_three_level_case_names_each_level_and_the_alerts(alice_client, alice):
    case = make_case(alice, lesions=[lesion("T4", index=True), lesion("T9", escc_grade="2"), lesion("L2")])
    text = _summary(alice_client, case)
    assert "Levels: T4 (index), T9, L2" in text
    assert text.count(" of 18 (") == 3
    assert "T9 ESCC grade 2" in text or re.search(r"T9 [^;]*2[^;]*\(high grade\)", text)
    alerts = [alert["code"] for alert in case.result["alert_details"]]
    assert alerts, "the case raises alerts about the other levels"
    assert "\nAlerts:\n- " in text
    assert text.count("\n- ") >= len(alerts)


def test_summary_says_when_there_is_no_alert(alice_client, alice):
    case = make_case(alice)
    if case.result.get("alert_details"):
        pytest.skip("the factory case raises alerts")
    assert "Alerts: none" in _summary(alice_client, case)


def test_copy_summary_button_is_static_js_and_the_text_is_there_without_it(alice_client, alice):
    page = alice_client.get(make_case(alice).get_absolute_url()).content.decode()
    assert '<script src="/static/js/copy_summary.js" defer></script>' in page
    assert 'id="copy-summary"' in page and "hidden>Copy summary</button>" in page


def test_summary_of_a_case_saved_under_the_earlier_rule_set_says_so(alice_client, alice):
    from tests.test_reevaluate import BRACING, GOLDEN, case_2026

    record = next(r for r in json.loads(lzma.decompress(GOLDEN.read_bytes())) if r["case"]["id"] == BRACING)
    case = case_2026(alice, record)
    text = _summary(alice_client, case)
    assert f"Levels: {case.spinal_level}" in text
    assert re.search(r"^SINS: \d+ of 18 \(", text, re.MULTILINE)
    assert re.search(r"^ESCC grade: \S", text, re.MULTILINE)
    assert "Rule set: 2026.1, evaluated" in text
    assert "rule set 2026.1 (earlier rule set): the treating team and tumor board decide." in text
