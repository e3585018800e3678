"""On a tablet the case page opens on the recommendation, and Copy summary puts the notes' text on the clipboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_layout import _log_in
from tests.factories import lesion, make_case

TABLET = {"viewport": {"width": 820, "height": 1180}}


@pytest.fixture
def tablet(browser, live_server):
    context = browser.new_context(**TABLET)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def test_case_page_on_a_tablet_opens_on_the_recommendation(tablet, live_server, alice):
    case = make_case(alice, lesions=[lesion("T4", index=True), lesion("T9", escc_grade="2"), lesion("L2")])
    _log_in(tablet, live_server, alice)
    tablet.goto(f"{live_server.url}{case.get_absolute_url()}")
    height = tablet.viewport_size["height"]
    for part in ("#pathway-title", "#urgency", "#steroids"):
        box = tablet.locator(part).bounding_box()
        assert box["y"] + box["height"] <= height, f"{part} is below the fold"
    first_alert = tablet.locator("#alerts [data-alert]").first
    assert first_alert.bounding_box()["y"] < tablet.locator("#care-section").bounding_box()["y"]
    assert tablet.locator("#pathway-card").bounding_box()["y"] < tablet.locator("#case-clock").bounding_box()["y"]


def test_copy_summary_puts_the_text_on_the_clipboard(tablet, live_server, alice):
    case = make_case(alice)
    _log_in(tablet, live_server, alice)
    tablet.goto(f"{live_server.url}{case.get_absolute_url()}")
    tablet.get_by_role("button", name="Copy summary").click()
    expect(tablet.locator("#copy-summary-done")).to_contain_text("Copied")
    copied = tablet.evaluate("navigator.clipboard.readText()")
    assert copied == tablet.locator("#case-summary-text").input_value()
    assert f"MRN {case.patient.mrn}" in copied and "Recommended pathway: " in copied
