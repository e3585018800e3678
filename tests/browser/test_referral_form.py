"""In Chromium: an emergency doctor refers at night, and the triage panel tells them, as they type, to call now."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from referrals.models import Referral

PHONE = "01632 960999"


@pytest.fixture
def coordinator_phone(settings):
    settings.MSCC_COORDINATOR_PHONE = PHONE


def tick(page, name: str, value: str) -> None:
    page.locator(f'input[name="{name}"][value="{value}"]').check()


def test_the_night_referral_panel_says_call_the_coordinator_now(login, live_server, rita, coordinator_phone):
    page = login(rita)
    page.get_by_role("link", name="Refer", exact=True).click()
    panel = page.locator("#referral-panel")
    expect(panel).to_contain_text("The triage shows here as you fill in the findings")

    page.get_by_label("Patient name").fill("Dora Example")
    page.get_by_label("Date of birth").fill("1950-05-17")
    page.get_by_label("Your hospital, ward or practice").fill("Riverside Hospital emergency department")
    page.get_by_label("Phone or bleep to call you back on now").fill("bleep 4411")
    page.get_by_label("Where the patient is now").select_option("emergency_department")
    tick(page, "cancer_status", "current")
    page.get_by_label("Cancer type").select_option("breast")
    tick(page, "pain_assessed", "assessed")
    tick(page, "pain_features", "mechanical")
    tick(page, "pain_features", "thoracic_or_cervical")
    tick(page, "neuro_history", "asked")
    tick(page, "neuro_examination", "done")
    tick(page, "neuro_findings", "limb_weakness")
    page.get_by_label("Are the findings getting worse?").select_option("no")
    page.get_by_label("Walking now").select_option("walks_with_aid")
    tick(page, "urinary_retention_confirmed", "not_checked")
    # The last finding: the panel answers without a save.
    tick(page, "imaging_status", "not_done")

    call = panel.get_by_role("alert")
    expect(call).to_contain_text(f"Call the MSCC coordinator now on {PHONE}")
    expect(panel).to_contain_text("Whole-spine MRI: within 24 hours")
    expect(panel).to_contain_text("Immobilise (flat bed rest, log-roll)")
    expect(panel).to_contain_text("High-dose dexamethasone now")
    assert Referral.objects.count() == 0

    page.get_by_role("button", name="Send the referral").click()
    expect(page).to_have_url(re.compile(r"/referrals/\d+/$"))
    expect(page.get_by_role("alert").first).to_contain_text("Call the MSCC coordinator now")
    referral = Referral.objects.get()
    assert referral.referrer == rita and referral.patient_name == "Dora Example"
    assert referral.triage == "suspected_mscc"
