"""Unsaved work is protected: a warning before leaving, a working copy on the server, Back after a save."""

from __future__ import annotations

from playwright.sync_api import expect

from assessments.models import Case, WorkingCopy
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_case_form import choose


def _start_typing(page, live_server):
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("Hospital number (MRN)").fill("H1112223")
    page.get_by_label("Patient name").fill("Una Saved")
    page.locator("#id_lesions-0-spinal_level").select_option("T12")
    choose(page, "lesions-0-sins_pain", "mechanical")
    choose(page, "motor_status", "ambulatory")
    expect(page.locator("#working-copy-status")).to_contain_text("Unsaved entries kept on the server at")


def _fill_the_rest(page):
    choose(page, "lesions-0-sins_bone_lesion", "lytic")
    choose(page, "lesions-0-sins_alignment", "normal")
    choose(page, "lesions-0-sins_collapse", "lt_50")
    choose(page, "lesions-0-sins_posterolateral", "unilateral")
    choose(page, "lesions-0-retropulsion", "false")
    choose(page, "lesions-0-escc_grade", "1a")
    choose(page, "neurologic_deficit", "false")
    choose(page, "deficit_progressing", "false")
    choose(page, "urinary_symptoms", "false")
    choose(page, "urinary_retention", "false")
    page.get_by_label("Primary tumor (histology)").select_option("prostate")
    choose(page, "lesions-0-prior_radiation_in_field", "false")
    choose(page, "expected_survival", "gt_6_months")
    choose(page, "oligometastatic", "false")
    choose(page, "vte_contraindication", "false")
    choose(page, "surgical_candidate", "yes")
    page.get_by_label("Date of birth").fill("1955-03-02")
    page.get_by_label("Sex").select_option("male")
    expect(page.locator("#pathway-rule")).to_have_text("Rule P3")


def test_leaving_by_a_menu_link_with_unsaved_entries_asks_first(page, live_server, login, alice):
    login(alice)
    _start_typing(page, live_server)
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.get_by_role("link", name="My cases").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(page.get_by_label("Patient name")).to_have_value("Una Saved")


def test_coming_back_puts_every_entry_back_including_the_radio_findings(page, live_server, login, alice):
    login(alice)
    _start_typing(page, live_server)
    page.on("dialog", lambda dialog: dialog.accept())  # leave anyway
    page.get_by_role("link", name="My cases").click()
    page.wait_for_url(f"{live_server.url}/cases/")
    page.go_back()
    expect(page.locator("#working-copy-restored")).to_contain_text("We restored your unsaved entries from")
    expect(page.get_by_label("Patient name")).to_have_value("Una Saved")
    expect(page.locator('input[name="lesions-0-sins_pain"][value="mechanical"]')).to_be_checked()
    expect(page.locator('input[name="motor_status"][value="ambulatory"]')).to_be_checked()
    stored = page.evaluate("JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
    assert "Una Saved" not in stored and "H1112223" not in stored, "nothing typed is kept in the browser"
    assert_accessible(page, "the form with its entries brought back")
    # Discarding them gives the empty form.
    page.get_by_test_id("working-copy-discard").click()
    expect(page.get_by_label("Patient name")).to_have_value("")
    assert not WorkingCopy.objects.exists()


def test_back_after_saving_a_new_case_never_makes_a_second_episode(page, live_server, login, alice):
    login(alice)
    _start_typing(page, live_server)
    _fill_the_rest(page)
    page.get_by_role("button", name="Save case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Una Saved")
    assert not WorkingCopy.objects.exists()
    page.go_back()
    page.wait_for_load_state("load")
    expect(page.get_by_label("Patient name")).to_have_value("")
    expect(page.locator("#working-copy-restored")).to_have_count(0)
    page.get_by_role("button", name="Save case").click()
    page.wait_for_load_state("load")
    assert Case.objects.count() == 1
