"""A patient with two episodes, and a case handed over from alice to bob."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from assessments.models import Case, CaseHandover, HandoverStatus
from tests.browser.test_accessibility import assert_accessible
from tests.factories import PATIENT, make_case


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_second_case_for_the_same_mrn_joins_the_patient_with_two_episodes(page, live_server, login, alice):
    first = make_case(alice, spinal_level="T6")
    login(alice)
    # The recurrence: the first episode's findings as a case file, then the same patient's details.
    page.goto(f"{live_server.url}{first.get_absolute_url()}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export JSON").click()
    page.goto(f"{live_server.url}/cases/import/")
    page.get_by_label("Case file (JSON, case-file format)").set_input_files(download.value.path())
    page.get_by_role("button", name="Read the file").click()
    expect(page.locator("#case-form")).to_be_visible()
    page.get_by_label("Hospital number (MRN)").fill(PATIENT["mrn"])
    page.get_by_label("Patient name").fill(PATIENT["patient_name"])
    page.get_by_label("Date of birth").fill(PATIENT["date_of_birth"].isoformat())
    page.get_by_label("Sex").select_option(PATIENT["sex"])
    page.get_by_role("button", name="Save case").click()

    expect(page.get_by_role("status").filter(has_text="Attached to the existing patient record")).to_be_visible()
    second = Case.objects.exclude(pk=first.pk).get()
    assert second.patient_id == first.patient_id
    expect(page.locator("#patient-link")).to_be_visible()
    page.locator("#patient-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PATIENT["patient_name"])
    rows = page.locator("#episode-table tbody tr")
    expect(rows).to_have_count(2)
    # Newest first.
    expect(rows.nth(0)).to_have_attribute("data-episode", str(second.pk))
    expect(rows.nth(1)).to_have_attribute("data-episode", str(first.pk))
    assert_accessible(page, where="patient page")


def test_handover_proposed_by_alice_and_accepted_by_bob(page, live_server, login, alice, bob):
    case = make_case(alice, patient={"patient_name": "Hana Dover"})
    login(alice)
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("link", name="Hand over to another clinician").click()
    assert_accessible(page, where="handover form")
    page.get_by_label("Hand over to").select_option(label="Bob (bob)")
    page.get_by_label("Handover note").fill("MRI at 08:00; spinal surgeon aware; steroids started.")
    page.get_by_role("button", name="Offer the handover").click()
    expect(page.locator("#handover-pending")).to_contain_text("Bob")
    log_out(page)

    login(bob)
    page.goto(f"{live_server.url}/cases/")
    offers = page.locator("#handovers-offered")
    expect(offers).to_contain_text("Hana Dover")
    offers.get_by_role("link").first.click()
    expect(page.locator("#handover-offer-note")).to_contain_text("MRI at 08:00")
    assert_accessible(page, where="case page with a handover offer")
    page.get_by_role("button", name="Accept: I take over this case").click()
    expect(page.get_by_role("status").filter(has_text="you now own this case")).to_be_visible()
    case.refresh_from_db()
    assert case.owner_id == bob.pk
    expect(page.locator("#handover-history")).to_contain_text("MRI at 08:00")
    page.get_by_role("link", name="My cases").first.click()
    page.locator("#tab-team-cases").click()
    expect(page.locator("#team-list-intro")).to_be_visible()
    assert_accessible(page, where="my team's cases")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")

    # Bob owns it now and edits it like his own.
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Clinical notes").fill("Seen by bob on the night shift.")
    page.get_by_role("button", name="Save case").click()
    expect(page.locator("#case-status")).to_be_visible()
    case.refresh_from_db()
    assert case.version == 2 and case.clinical_notes == "Seen by bob on the night shift."
    assert CaseHandover.objects.get().status == HandoverStatus.ACCEPTED
    log_out(page)

    # Alice, in no team of the case, no longer sees it.
    login(alice)
    response = page.goto(f"{live_server.url}{case.get_absolute_url()}")
    assert response.status == 404
    page.goto(f"{live_server.url}/cases/")
    expect(page.locator("#case-table")).to_have_count(0)
