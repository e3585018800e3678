"""Nothing typed is lost: import then save, and a session that ends mid-assessment."""

from __future__ import annotations

from playwright.sync_api import expect

from assessments.models import ASSESSMENT_FIELDS, Case
from tests.browser.test_case_form import choose, sins_total
from tests.conftest import PASSWORD
from tests.factories import make_case


def test_export_import_add_patient_change_finding_and_save(page, live_server, login, alice):
    original = make_case(alice, patient={"patient_name": "Source Case", "mrn": "S0001"})
    login(alice)
    page.goto(f"{live_server.url}{original.get_absolute_url()}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export JSON").click()
    exported = download.value.path()

    page.goto(f"{live_server.url}/cases/import/")
    page.get_by_label("Case file (JSON, case-file format)").set_input_files(exported)
    page.get_by_role("button", name="Read the file").click()
    expect(page.locator("#case-form")).to_be_visible()
    expect(sins_total(page)).to_have_text(str(original.sins_total))

    page.get_by_label("Hospital number (MRN)").fill("I0002")
    page.get_by_label("Patient name").fill("Imported Patient")
    page.get_by_label("Date of birth").fill("1971-08-09")
    page.get_by_label("Sex").select_option("male")
    choose(page, "lesions-0-sins_pain", "mechanical")  # occasional (1) -> mechanical (3)
    expect(sins_total(page)).to_have_text(str(original.sins_total + 2))
    # The live update replaced only the panel: no import page inside it, one form on the page.
    expect(page.locator("#result-panel h1")).to_have_count(0)
    expect(page.locator("form#case-form")).to_have_count(1)

    page.get_by_role("button", name="Save case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imported Patient")
    saved = Case.objects.exclude(pk=original.pk).get()
    assert (saved.patient.mrn, saved.patient.name, str(saved.patient.date_of_birth), saved.patient.sex) == (
        "I0002",
        "Imported Patient",
        "1971-08-09",
        "male",
    )
    assert saved.sins_pain == "mechanical"
    for name in ASSESSMENT_FIELDS:
        if name != "sins_pain":
            assert getattr(saved, name) == getattr(original, name), name


def fill_every_field(page) -> None:
    """Every patient field, time point and finding of ex04 (prostate, T12, operable), as a user fills them."""
    page.get_by_label("Hospital number (MRN)").fill("R0042")
    page.get_by_label("Patient name").fill("Rita Recover")
    page.get_by_label("Date of birth").fill("1950-01-31")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Symptom onset").fill("2026-11-28T08:30")
    page.get_by_label("MRI", exact=True).fill("2026-11-30T09:15")
    page.get_by_label("Clinical notes").fill("Back pain for three days.")
    page.locator("#id_lesions-0-spinal_level").select_option("T12")
    page.get_by_label("Primary tumor (histology)").select_option("prostate")
    for name, value in [
        ("lesions-0-sins_pain", "mechanical"),
        ("lesions-0-sins_bone_lesion", "lytic"),
        ("lesions-0-sins_alignment", "normal"),
        ("lesions-0-sins_collapse", "lt_50"),
        ("lesions-0-sins_posterolateral", "unilateral"),
        ("lesions-0-retropulsion", "false"),
        ("lesions-0-escc_grade", "1a"),
        ("neurologic_deficit", "false"),
        ("deficit_progressing", "false"),
        ("motor_status", "ambulatory"),
        ("urinary_symptoms", "false"),
        ("urinary_retention", "false"),
        ("lesions-0-prior_radiation_in_field", "false"),
        ("expected_survival", "gt_6_months"),
        ("oligometastatic", "false"),
        ("vte_contraindication", "false"),
        ("surgical_candidate", "yes"),
        ("lesions-0-stability_assessment", "not_assessed"),
        ("sbrt_available", "true"),
    ]:
        choose(page, name, value)
    expect(page.locator("#pathway-rule")).to_have_text("Rule P3")


def assert_saved_with_every_entry(case: Case, **changed: object) -> None:
    # The identifiers are the patient record's.
    assert (case.patient.mrn, case.patient.name, case.patient.sex) == ("R0042", "Rita Recover", "female")
    expected = {
        "clinical_notes": "Back pain for three days.",
        "spinal_level": "T12",
        "histology": "prostate",
        "sins_pain": "mechanical",
        "sins_bone_lesion": "lytic",
        "sins_alignment": "normal",
        "sins_collapse": "lt_50",
        "sins_posterolateral": "unilateral",
        "retropulsion": False,
        "escc_grade": "1a",
        "neurologic_deficit": False,
        "deficit_progressing": False,
        "motor_status": "ambulatory",
        "urinary_symptoms": False,
        "urinary_retention": False,
        "prior_radiation_in_field": False,
        "expected_survival": "gt_6_months",
        "oligometastatic": False,
        "vte_contraindication": False,
        "surgical_candidate": "yes",
        "stability_assessment": "not_assessed",
        "sbrt_available": True,
        **changed,
    }
    assert {name: getattr(case, name) for name in expected} == expected
    assert str(case.patient.date_of_birth) == "1950-01-31"
    assert case.symptom_onset_at is not None and case.mri_at is not None


def test_session_ends_user_follows_banner_and_saves_every_entry(page, live_server, login, alice):
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    fill_every_field(page)
    page.context.clear_cookies(name="sessionid")  # the session ends
    choose(page, "lesions-0-sins_collapse", "gt_50")
    expect(page.locator("#session-banner")).to_be_visible()

    with page.context.expect_page() as login_tab_info:
        page.locator("#session-login").click()
    login_tab = login_tab_info.value
    login_tab.get_by_label("Username").fill(alice.username)
    login_tab.get_by_label("Password").fill(PASSWORD)
    login_tab.get_by_role("button", name="Log in").click()
    expect(login_tab.locator("#session-resumed")).to_be_visible()
    login_tab.close()

    page.bring_to_front()
    page.get_by_role("button", name="Save case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rita Recover")
    assert_saved_with_every_entry(Case.objects.get(), sins_collapse="gt_50")


def test_save_without_session_keeps_entries_through_login(page, live_server, login, alice):
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    fill_every_field(page)
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Save case").click()  # no live update first: the save meets the login page
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert not Case.objects.exists()
    page.get_by_label("Username").fill(alice.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#case-form")).to_be_visible()
    assert not Case.objects.exists()  # restored, never saved silently
    expect(page.get_by_label("Patient name")).to_have_value("Rita Recover")
    expect(page.locator('input[name="lesions-0-sins_pain"][value="mechanical"]')).to_be_checked()
    page.get_by_role("button", name="Save case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rita Recover")
    assert_saved_with_every_entry(Case.objects.get())


def test_refused_csrf_on_live_update_keeps_the_page_in_debug_mode(page, live_server, login, alice, settings):
    settings.DEBUG = True  # make run's mode
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("Patient name").fill("Kept Entry")
    page.locator("#id_lesions-0-spinal_level").select_option("L1")
    expect(sins_total(page)).to_have_text("3")
    # In another tab: log out and in again, which rotates the CSRF token this page still holds.
    other = page.context.new_page()
    other.goto(f"{live_server.url}/")
    with other.expect_navigation():
        other.get_by_role("button", name="Log out").click()
    other.goto(f"{live_server.url}/accounts/login/")
    other.get_by_label("Username").fill(alice.username)
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Log in").click()
    other.wait_for_url(f"{live_server.url}/")
    other.close()
    choose(page, "lesions-0-sins_pain", "mechanical")
    # The refusal never replaces the form; the page takes the current token and updates.
    expect(sins_total(page)).to_have_text("6")
    expect(page.get_by_label("Patient name")).to_have_value("Kept Entry")
    expect(page.locator("#case-form")).to_be_visible()
    expect(page.locator("#session-banner")).to_be_hidden()


def test_over_long_text_is_counted_not_cut_off_and_refused_by_name(page, live_server, login, alice):
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    mrn = page.get_by_label("Hospital number (MRN)")
    mrn.fill("H" * 25)
    expect(mrn).to_have_value("H" * 25)  # nothing cut off by the browser
    expect(page.locator("#id_mrn_counter")).to_contain_text("25 / 20")
    page.get_by_role("button", name="Save case").click()
    expect(page.locator('[id="id_mrn"]')).to_have_value("H" * 25)
    expect(page.locator("body")).to_contain_text("Hospital number (MRN): at most 20 characters, this has 25")
    assert not Case.objects.exists()
