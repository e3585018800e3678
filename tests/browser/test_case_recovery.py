"""Nothing typed is lost: import then save, and a session that ends mid-assessment (issue 10)."""

from __future__ import annotations

from playwright.sync_api import expect

from assessments.models import ASSESSMENT_FIELDS, Case
from tests.browser.test_case_form import choose, sins_total
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
    choose(page, "sins_pain", "mechanical")  # occasional (1) -> mechanical (3)
    expect(sins_total(page)).to_have_text(str(original.sins_total + 2))
    # The live update replaced only the panel: no import page inside it, one form on the page.
    expect(page.locator("#result-panel h1")).to_have_count(0)
    expect(page.locator("form#case-form")).to_have_count(1)

    page.get_by_role("button", name="Save case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imported Patient")
    saved = Case.objects.exclude(pk=original.pk).get()
    assert (saved.mrn, saved.patient_name, str(saved.date_of_birth), saved.sex) == (
        "I0002",
        "Imported Patient",
        "1971-08-09",
        "male",
    )
    assert saved.sins_pain == "mechanical"
    for name in ASSESSMENT_FIELDS:
        if name != "sins_pain":
            assert getattr(saved, name) == getattr(original, name), name
