"""In the browser: prognosis scores appear as their inputs are filled; a 2026.1 case is re-evaluated."""

from __future__ import annotations

import json
import lzma

from playwright.sync_api import expect

from assessments.models import Case
from board import services as board_services
from tests.factories import make_case
from tests.test_reevaluate import BIOPSY, GOLDEN, case_2026


def test_prognosis_scores_appear_as_their_inputs_are_filled(page, live_server, login, alice):
    case = make_case(alice)  # melanoma, walks with an aid, estimate over 6 months
    login(alice)
    page.goto(f"{live_server.url}/cases/{case.pk}/edit/")
    tokuhashi = page.locator('[data-score="tokuhashi_revised"]')
    expect(tokuhashi).to_contain_text("not computed: needs Karnofsky performance status")
    expect(page.locator("#prognosis-field-primary_site")).to_be_hidden()  # melanoma gives the site

    page.get_by_label("Karnofsky performance status").select_option("80")
    expect(page.locator("#karnofsky-ecog")).to_contain_text("ECOG 1")
    expect(tokuhashi).not_to_contain_text("Karnofsky performance status")
    page.get_by_label("Bone metastases outside the spine").fill("0")
    page.get_by_label("Vertebral bodies with metastases").fill("1")
    page.get_by_label("Visceral metastases").select_option("none")
    expect(tokuhashi).to_contain_text("not computed: needs Frankel grade")
    page.get_by_label("Frankel grade").select_option("D")
    expect(tokuhashi.locator("[data-score-total]")).to_have_text("11 of 15")
    expect(tokuhashi).to_contain_text("Predicted survival 6 months or more")
    expect(tokuhashi.locator('[data-score-item="frankel_grade"]')).to_contain_text("1 point")

    # Tomita needs the growth of a melanoma: the field is asked for, and the score follows it.
    expect(page.locator("#prognosis-field-primary_growth")).to_be_visible()
    tomita = page.locator('[data-score="tomita"]')
    expect(tomita).to_contain_text("needs growth of the primary")
    page.get_by_label("Growth of the primary").select_option("rapid")
    expect(tomita.locator("[data-score-total]")).to_have_text("5 of 10")

    # The clinician's estimate is untouched by the scores; a disagreeing one raises the alert.
    expect(page.locator('input[name="expected_survival"][value="gt_6_months"]')).to_be_checked()
    expect(page.locator("#prognosis-discordant")).to_have_count(0)
    radio_id = page.locator('input[name="expected_survival"][value="lt_3_months"]').get_attribute("id")
    page.locator(f'label[for="{radio_id}"]').click()
    expect(page.locator("#prognosis-discordant")).to_be_visible()

    page.get_by_role("button", name="Save case").click()
    expect(page.locator("#result-rule-set")).to_have_text("rule set 2027.2")
    expect(page.locator('[data-score="tokuhashi_revised"] [data-score-total]')).to_have_text("11 of 15")
    saved = Case.objects.get(pk=case.pk)
    assert (saved.karnofsky, saved.frankel_grade, saved.primary_growth) == (80, "D", "rapid")
    assert saved.expected_survival == "lt_3_months"


def test_a_2026_1_case_is_re_evaluated_after_its_owner_sees_the_differences(page, live_server, login, alice):
    records = json.loads(lzma.decompress(GOLDEN.read_bytes()))
    case = case_2026(alice, next(r for r in records if r["case"]["id"] == BIOPSY))
    login(alice)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("#result-rule-set")).to_have_text("rule set 2026.1")
    expect(page.locator("#pathway-title")).to_have_attribute("data-pathway", "biopsy_and_staging")

    page.locator("#reevaluate-link").click()
    pathway = page.locator('[data-change="pathway"]')
    expect(pathway).to_contain_text("Staging and biopsy first (rule P2)")
    expect(pathway).to_contain_text("Urgent biopsy, then cEBRT (rule P2)")
    assert Case.objects.get(pk=case.pk).rule_set == "2026.1", "nothing saved before the confirmation"

    page.get_by_role("button", name="Save as a new version under rule set 2027.2").click()
    expect(page.locator("#result-rule-set")).to_have_text("rule set 2027.2")
    expect(page.locator("#pathway-title")).to_have_attribute("data-pathway", "biopsy_then_cebrt")
    expect(page.locator("#earlier-rule-set")).to_have_count(0)
    expect(page.locator("#history")).to_contain_text("version 2")
    saved = Case.objects.get(pk=case.pk)
    assert (saved.version, saved.rule_set) == (2, "2027.2")


def test_axe_finds_nothing_on_the_prognosis_panel_and_the_re_evaluation_pages(page, live_server, login, alice, carol):
    from tests.browser.test_accessibility import assert_accessible

    page.set_viewport_size({"width": 1280, "height": 900})
    records = json.loads(lzma.decompress(GOLDEN.read_bytes()))
    old = case_2026(alice, next(r for r in records if r["case"]["id"] == BIOPSY))
    waiting = case_2026(alice, next(r for r in records if r["case"]["id"] == BIOPSY))
    board_services.case_submit_to_board(case=waiting, user=alice, question="Biopsy?", meeting_date=None)
    found: list[str] = []
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("Karnofsky performance status").select_option("60")
    expect(page.locator("#karnofsky-ecog")).to_contain_text("ECOG 2")
    assert_accessible(page, found=found, where="new case with a Karnofsky score")
    case = make_case(alice, expected_survival="lt_3_months")
    page.goto(f"{live_server.url}/cases/{case.pk}/edit/")
    page.get_by_label("Karnofsky performance status").select_option("80")
    page.get_by_label("Bone metastases outside the spine").fill("0")
    page.get_by_label("Vertebral bodies with metastases").fill("1")
    page.get_by_label("Visceral metastases").select_option("none")
    page.get_by_label("Frankel grade").select_option("D")
    expect(page.locator("#prognosis-discordant")).to_be_visible()
    assert_accessible(page, found=found, where="edit with scores and the discordance alert")
    for path in [f"/cases/{old.pk}/", f"/cases/{old.pk}/reevaluate/", f"/cases/{waiting.pk}/reevaluate/"]:
        page.goto(live_server.url + path)
        assert_accessible(page, path, found)
    page.context.clear_cookies()
    login(carol)
    for path in ["/board/", f"/cases/{waiting.pk}/"]:
        page.goto(live_server.url + path)
        assert_accessible(page, path, found)
    assert found == [], "\n".join(found)
