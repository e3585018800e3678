"""A case with three lesions (a contiguous pair, T7 and T8, and a skip lesion, L3), built card by card.

The clinician adds each card with one click (nothing typed is cleared), watches every lesion's SINS, the
index block, the cEBRT field and the spine picture update, moves the index lesion, removes a card and
saves. The same page without JavaScript is tested with the Django test client in tests/test_lesions.py.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from assessments.models import Case
from tests.browser.test_accessibility import assert_accessible

EN = "\u2013"


def choose(page, name: str, value: str) -> None:
    """Click the toggle button (label) of a radio choice, as a user does."""
    radio_id = page.locator(f'input[name="{name}"][value="{value}"]').get_attribute("id")
    page.locator(f'label[for="{radio_id}"]').click()


def fill_lesion(page, number: int, level: str, **findings: str) -> None:
    values = {
        "escc_grade": "3",
        "sins_pain": "occasional_nonmechanical",
        "sins_bone_lesion": "mixed",
        "sins_alignment": "normal",
        "sins_collapse": "none",
        "sins_posterolateral": "none",
        "retropulsion": "false",
        "prior_radiation_in_field": "false",
        **findings,
    }
    page.locator(f"#id_lesions-{number}-spinal_level").select_option(level)
    for name, value in values.items():
        choose(page, f"lesions-{number}-{name}", value)


def fill_case(page) -> None:
    page.get_by_label("Hospital number (MRN)").fill("M3000003")
    page.get_by_label("Patient name").fill("Three Levels")
    page.get_by_label("Date of birth").fill("1958-04-12")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Primary tumor (histology)").select_option("breast")
    for name, value in {
        "neurologic_deficit": "true",
        "deficit_progressing": "false",
        "motor_status": "ambulatory_with_aid",
        "urinary_symptoms": "false",
        "urinary_retention": "false",
        "expected_survival": "gt_6_months",
        "surgical_candidate": "no",
        "sbrt_available": "true",
        "oligometastatic": "false",
        "vte_contraindication": "false",
    }.items():
        choose(page, name, value)


def spine_box(page, level: str):
    return page.locator(f'#spine-picture rect[data-level="{level}"]')


def test_three_lesions_index_changed_panel_and_spine_follow(page, live_server, login, alice):
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    fill_case(page)
    fill_lesion(page, 0, "T7", escc_grade="2")
    expect(page.locator("#pathway-title")).to_have_attribute("data-pathway", "cebrt")
    expect(page.locator("#cebrt-field")).to_have_text(f"T6{EN}T8")

    # One click adds a card; what was typed stays, and the panel names what the new card needs.
    page.get_by_test_id("add-lesion").click()
    expect(page.locator("[data-lesion-card]")).to_have_count(2)
    expect(page.locator("#id_lesions-0-spinal_level")).to_have_value("T7")
    expect(page.get_by_label("Patient name")).to_have_value("Three Levels")
    expect(page.locator("#id_lesions-1-spinal_level")).to_be_focused()
    expect(page.locator("[data-lesion-title]").nth(1)).to_have_text("Lesion 2")
    expect(page.locator('[data-missing="lesions[1].spinal_level"]')).to_be_visible()
    expect(page.locator("[data-pathway]")).to_have_count(0)
    expect(page.get_by_test_id("sins-total")).to_have_text("3")  # the index lesion's SINS still shows

    fill_lesion(page, 1, "T8", escc_grade="1a", sins_pain="mechanical", sins_bone_lesion="lytic", sins_collapse="gt_50")
    expect(page.locator("#index-block")).to_have_text(f"T7{EN}T8")
    expect(page.locator("#cebrt-field")).to_have_text(f"T6{EN}T9")
    expect(page.locator('[data-lesion-sins="1"]')).to_contain_text("9")
    expect(page.locator('[data-lesion-sins="1"]')).to_contain_text("Indeterminate")

    page.get_by_test_id("add-lesion").click()
    expect(page.locator("[data-lesion-card]")).to_have_count(3)
    fill_lesion(page, 2, "L3", escc_grade="2")
    expect(page.locator("#pathway-title")).to_have_attribute("data-pathway", "cebrt")
    expect(page.locator('[data-lesion-sins="0"]')).to_contain_text("3")
    expect(page.locator('[data-lesion-sins="2"]')).to_contain_text("4")
    expect(page.locator('[data-multilevel-alert="escc_outside_index_block"]')).to_be_visible()
    expect(page.locator('[data-multilevel-alert="additional_unstable_lesion"]')).to_be_visible()
    expect(spine_box(page, "T7")).to_have_class("vertebra involved index")
    expect(spine_box(page, "T8")).to_have_class("vertebra involved")
    expect(spine_box(page, "L3")).to_have_class("vertebra involved")
    expect(spine_box(page, "T10")).to_have_class("vertebra")
    expect(page.locator("#spine-title")).to_contain_text(f"Index block T7{EN}T8. cEBRT field T6 to T9.")
    assert_accessible(page, "three lesion cards, the lesions panel and the spine picture")

    # The skip lesion becomes the index: block, field and picture move with it.
    page.locator("#id_lesions-2-index").check()
    expect(page.locator("#index-level")).to_have_text("L3")
    expect(page.locator("#index-block")).to_have_text("L3")
    expect(page.locator("#cebrt-field")).to_have_text(f"L2{EN}L4")
    expect(spine_box(page, "L3")).to_have_class("vertebra involved index")
    expect(spine_box(page, "T7")).to_have_class("vertebra involved")
    expect(page.locator('[data-lesion-card="2"]')).to_have_class(re.compile(r"lesion-index"))

    # Removing T8 renumbers the cards on screen and in the panel; nothing else changes.
    page.locator('[data-lesion-card="1"] [data-remove-lesion]').click()
    expect(page.locator("[data-lesion-card]:visible")).to_have_count(2)
    expect(page.locator('[data-lesion-card="2"] [data-lesion-title]')).to_have_text("Lesion 2")
    expect(page.locator("#lesion-table tbody tr[data-lesion]")).to_have_count(2)
    expect(spine_box(page, "T8")).to_have_class("vertebra")
    expect(page.locator('[data-multilevel-alert="additional_unstable_lesion"]')).to_have_count(0)

    page.get_by_role("button", name="Save case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Three Levels")
    case = Case.objects.get()
    assert [(item["spinal_level"], item["index"]) for item in case.lesions] == [("T7", False), ("L3", True)]
    assert case.spinal_level == "L3" and case.lesion_count == 2
    expect(page.locator("[data-saved-lesion]")).to_have_count(2)
    expect(page.locator("#cebrt-field")).to_have_text(f"L2{EN}L4")

    # Editing restores both cards and the index.
    page.get_by_role("link", name="Edit").click()
    expect(page.locator("[data-lesion-card]")).to_have_count(2)
    expect(page.locator("#id_lesions-1-spinal_level")).to_have_value("L3")
    expect(page.locator("#id_lesions-1-index")).to_be_checked()
