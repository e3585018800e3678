"""A level irradiated before, its earlier course added, removed and added again in Chromium, the live result following.

With scripts on, "Add a prior course" copies the empty entry into the card and the result updates as it is
filled in; "Remove" hides it and marks it removed. With scripts off, the same button asks the server for the
page with one more, empty entry. tests/test_prior_courses_form.py drives the same page with the test client.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from assessments.models import Case
from tests.browser.test_lesions import choose, fill_case, fill_lesion
from tests.conftest import PASSWORD

UNKNOWN = '#result-panel [data-alert="reirradiation_budget_unknown"]'


def fill_course(page, lesion: int, course: int, *, dose: str, fractions: str, end: str) -> None:
    prefix = f"lesions-{lesion}-prior_radiation_courses-{course}"
    choose(page, f"{prefix}-technique", "cebrt")
    page.locator(f"#id_{prefix}-total_dose_gy").fill(dose)
    page.locator(f"#id_{prefix}-fractions").fill(fractions)
    page.locator(f"#id_{prefix}-end_date").fill(end)
    page.locator(f"#id_{prefix}-end_date").blur()


def test_a_course_added_filled_removed_and_added_again_updates_the_result_and_saves(page, live_server, login, alice):
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    fill_case(page)
    fill_lesion(page, 0, "T7", escc_grade="1b", prior_radiation_in_field="true")
    expect(page.locator(UNKNOWN)).to_be_visible()
    expect(page.get_by_text("No course recorded.")).to_be_visible()

    page.get_by_role("button", name="Add a prior course to lesion 1").click()
    entry = page.locator("[data-course-entry]:visible")
    expect(entry).to_have_count(1)
    expect(page.locator("#id_lesions-0-prior_radiation_courses-TOTAL_FORMS")).to_have_value("1")
    expect(page.get_by_text("No course recorded.")).to_be_hidden()
    # Each box names its lesion and entry to a screen reader.
    expect(page.get_by_label("Lesion 1, prior course 1, Total dose (Gy)")).to_be_visible()
    fill_course(page, 0, 0, dose="30.5", fractions="10", end="2026-03")
    expect(page.locator(UNKNOWN)).to_have_count(0)

    page.get_by_role("button", name="Remove prior course 1").click()
    expect(entry).to_have_count(0)
    expect(page.locator("#id_lesions-0-prior_radiation_courses-0-DELETE")).to_be_checked()
    expect(page.locator(UNKNOWN)).to_be_visible()

    page.get_by_role("button", name="Add a prior course to lesion 1").click()
    expect(page.locator("[data-course-entry]:visible")).to_have_count(1)
    # The entry shown is the first again: numbered by its place on screen, not by the removed one before it.
    again = page.locator("#id_lesions-0-prior_radiation_courses-1-total_dose_gy")
    expect(again).to_have_accessible_name("Lesion 1, prior course 1, Total dose (Gy)")
    fill_course(page, 0, 1, dose="20", fractions="5", end="2026-05-04")
    expect(page.locator(UNKNOWN)).to_have_count(0)
    page.get_by_role("button", name="Save case").click()
    page.wait_for_url(re.compile(r"/cases/[0-9]+/$"))
    case = Case.objects.get()
    assert case.lesions[0]["prior_radiation_courses"] == [
        {"technique": "cebrt", "total_dose_gy": 20, "fractions": 5, "end_date": "2026-05-04"}
    ]


def test_a_refused_dose_is_shown_by_its_box_naming_lesion_and_course(page, live_server, login, alice):
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    fill_lesion(page, 0, "T7", prior_radiation_in_field="true")
    page.get_by_role("button", name="Add a prior course to lesion 1").click()
    fill_course(page, 0, 0, dose="30.125", fractions="10", end="2026-03")
    page.get_by_role("button", name="Save case").click()
    error = page.locator("#id_lesions-0-prior_radiation_courses-0-total_dose_gy_error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Lesion 1, prior course 1, total dose: 30.125 has more than 2 decimals")
    expect(page.locator("#id_lesions-0-prior_radiation_courses-0-total_dose_gy")).to_have_value("30.125")


def test_without_javascript_add_a_prior_course_asks_the_server_and_keeps_every_entry(browser, live_server, alice):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(alice.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{live_server.url}/cases/new/")
        page.get_by_label("Patient name").fill("Kept Name")
        page.get_by_role("button", name="Add a prior course to lesion 1").click()
        page.wait_for_load_state()
        expect(page.locator("[data-course-entry]")).to_have_count(1)
        expect(page.get_by_label("Patient name")).to_have_value("Kept Name")
        expect(page.get_by_label("Remove this course")).to_be_visible()
        page.get_by_label("Lesion 1, prior course 1, Total dose (Gy)").fill("30")
        page.get_by_role("button", name="Add a prior course to lesion 1").click()
        page.wait_for_load_state()
        expect(page.locator("[data-course-entry]")).to_have_count(2)
        expect(page.locator("#id_lesions-0-prior_radiation_courses-0-total_dose_gy")).to_have_value("30")
        assert Case.objects.count() == 0
    finally:
        context.close()
