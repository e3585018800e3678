"""A clinician builds a case from an empty form and watches the result change live."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from assessments.models import Case


def choose(page, name: str, value: str) -> None:
    """Click the toggle button (label) of a radio choice, as a user does."""
    radio_id = page.locator(f'input[name="{name}"][value="{value}"]').get_attribute("id")
    page.locator(f'label[for="{radio_id}"]').click()


def sins_total(page):
    return page.get_by_test_id("sins-total")


def test_clinician_fills_case_field_by_field_and_sees_live_result(page, live_server, login, alice):
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    expect(sins_total(page)).to_have_text("0")
    expect(page.locator("#still-needed")).to_be_visible()

    page.get_by_label("Hospital number (MRN)").fill("H7654321")
    page.get_by_label("Patient name").fill("Brian Test")
    page.get_by_label("Date of birth").fill("1955-03-02")
    page.get_by_label("Sex").select_option("male")

    # Mechanical first: the SINS total moves with every finding.
    page.locator("#id_lesions-0-spinal_level").select_option("T12")
    expect(sins_total(page)).to_have_text("3")
    choose(page, "lesions-0-sins_pain", "mechanical")
    expect(sins_total(page)).to_have_text("6")
    choose(page, "lesions-0-sins_bone_lesion", "lytic")
    expect(sins_total(page)).to_have_text("8")
    choose(page, "lesions-0-sins_alignment", "normal")
    choose(page, "lesions-0-sins_collapse", "lt_50")
    expect(sins_total(page)).to_have_text("10")
    choose(page, "lesions-0-sins_posterolateral", "unilateral")
    expect(sins_total(page)).to_have_text("11")
    expect(page.locator("#sins-category")).to_have_text("Indeterminate (SINS 7-12)")
    choose(page, "lesions-0-retropulsion", "false")
    expect(page.locator("[data-pathway]")).to_have_count(0)

    # The rest of ex04 of the spec: prostate, grade 1a, ambulatory, operable.
    choose(page, "lesions-0-escc_grade", "1a")
    choose(page, "neurologic_deficit", "false")
    choose(page, "deficit_progressing", "false")
    choose(page, "motor_status", "ambulatory")
    choose(page, "urinary_symptoms", "false")
    choose(page, "urinary_retention", "false")
    page.get_by_label("Primary tumor (histology)").select_option("prostate")
    choose(page, "lesions-0-prior_radiation_in_field", "false")
    choose(page, "expected_survival", "gt_6_months")
    choose(page, "oligometastatic", "false")
    choose(page, "vte_contraindication", "false")
    choose(page, "surgical_candidate", "yes")
    expect(page.locator("#pathway-title")).to_have_attribute("data-pathway", "stabilization_then_radiation")
    expect(page.locator("#pathway-rule")).to_have_text("Rule P3")
    expect(page.locator("figure.noms-flow")).to_have_class(re.compile(r"noms-flow--P3"))

    # The surgeon's word wins: a stable spine takes the patient off the stabilization pathway.
    choose(page, "lesions-0-stability_assessment", "stable")
    expect(page.locator("#pathway-rule")).to_have_text("Rule P6")
    expect(page.locator("figure.noms-flow")).to_have_class(re.compile(r"noms-flow--P6"))  # swapped out of band
    expect(page.locator("figure.noms-flow")).to_have_count(1)
    choose(page, "lesions-0-stability_assessment", "not_assessed")
    expect(page.locator("#pathway-rule")).to_have_text("Rule P3")

    page.get_by_role("button", name="Save case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Brian Test")
    case = Case.objects.get()
    assert case.pathway_code == "stabilization_then_radiation"
    assert case.sins_total == 11

    # Reopen from the list and edit.
    page.get_by_role("link", name="My cases").click()
    page.get_by_role("link", name="Brian Test").click()
    expect(page.locator("#pathway-title")).to_have_attribute("data-pathway", "stabilization_then_radiation")
    page.get_by_role("link", name="Edit").click()
    expect(sins_total(page)).to_have_text("11")
    choose(page, "lesions-0-sins_collapse", "gt_50")
    expect(sins_total(page)).to_have_text("12")
    page.get_by_role("button", name="Save case").click()
    expect(page.locator("#case-status")).to_be_visible()
    expect(page.locator("#history")).to_contain_text(
        "Vertebral body collapse: Less than 50% collapse → More than 50% collapse"
    )
    case.refresh_from_db()
    assert case.version == 2 and case.sins_total == 12


def test_expired_session_shows_banner_and_keeps_entries(page, live_server, login, alice):
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("Patient name").fill("Kept Entry")
    page.locator("#id_lesions-0-spinal_level").select_option("L1")
    expect(sins_total(page)).to_have_text("3")
    page.context.clear_cookies(name="sessionid")  # the session ends (timeout, logout in another tab)
    choose(page, "lesions-0-sins_pain", "mechanical")
    expect(page.locator("#session-banner")).to_be_visible()
    expect(page.locator("#session-banner")).to_contain_text("Your entries are kept")
    expect(page.get_by_label("Patient name")).to_have_value("Kept Entry")
    expect(page.locator("#case-form")).to_be_visible()
    expect(sins_total(page)).to_have_text("3")
