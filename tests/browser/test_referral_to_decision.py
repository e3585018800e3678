"""In Chromium, on a fixed clock: the front door from a night referral to the board's decision the referrer sees.

An emergency doctor refers a patient with known breast cancer at night, with leg weakness that is not
progressing and pain on movement. The panel says to call the coordinator now, whole-spine MRI within 24
hours, lie flat and dexamethasone. The coordinator acknowledges late (the 30-minute target breached),
books the MRI, records it done and reported, creates the assessment with the prefill confirmed and
submits it; the board decides; the referrer sees the decision. The server's clock is fixed by
time_machine (the browser's own timers are untouched), so each timer's status is known.
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts import roles
from assessments.models import Case, CaseStatus
from referrals.models import Referral
from tests.browser.test_case_form import choose

PHONE = "01632 960999"
NIGHT = datetime.datetime(2026, 12, 9, 2, 10, tzinfo=datetime.UTC)  # London keeps UTC in December
MINUTES = datetime.timedelta(minutes=1)


@pytest.fixture
def coordinator_phone(settings):
    settings.MSCC_COORDINATOR_PHONE = PHONE


@pytest.fixture
def colin_clinician(colin):
    """The coordinator is a clinical nurse specialist here: a clinician too, so he creates the assessment."""
    colin.groups.add(Group.objects.get_or_create(name=roles.CLINICIAN)[0])
    return colin


def tick(page, name: str, value: str) -> None:
    page.locator(f'input[name="{name}"][value="{value}"]').check()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def action(page, name: str):
    """Open the coordinator's action ``name`` on the referral page; its form."""
    part = page.locator(f'details[data-action="{name}"]')
    part.locator("summary").click()
    return part.locator("form")


def timer_status(page, name: str):
    return page.locator(f'[data-testid="timers"] tr[data-timer="{name}"]')


def refer_at_night(page) -> None:
    page.get_by_role("link", name="Refer", exact=True).click()
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
    tick(page, "imaging_status", "not_done")


def complete_the_assessment(page) -> None:
    """What the referral cannot say, typed by the clinician; the prefilled values confirmed one by one."""
    boxes = page.locator('#start-values input[type="checkbox"]')
    expect(boxes.first).to_be_visible()
    for number in range(boxes.count()):
        boxes.nth(number).check()
    page.get_by_label("Sex").select_option("female")
    page.locator("#id_mrn").fill("RH-20417")  # the referrer did not know this hospital's number
    for name, value in [
        ("lesions-0-sins_pain", "mechanical"),
        ("lesions-0-sins_bone_lesion", "lytic"),
        ("lesions-0-sins_alignment", "normal"),
        ("lesions-0-sins_collapse", "lt_50"),
        ("lesions-0-sins_posterolateral", "unilateral"),
        ("lesions-0-retropulsion", "false"),
        ("lesions-0-escc_grade", "2"),
        ("lesions-0-prior_radiation_in_field", "false"),
        ("lesions-0-stability_assessment", "not_assessed"),
        ("urinary_retention", "false"),
        ("expected_survival", "gt_6_months"),
        ("oligometastatic", "false"),
        ("vte_contraindication", "false"),
        ("surgical_candidate", "yes"),
        ("sbrt_available", "true"),
    ]:
        choose(page, name, value)


def test_a_night_referral_reaches_the_board_and_the_referrer_sees_the_decision(
    page, live_server, login, rita, colin_clinician, carol, coordinator_phone
):
    colin = colin_clinician
    with time_machine.travel(NIGHT, tick=True) as clock:
        # 02:10, the emergency department: the panel answers as the findings are typed.
        login(rita)
        refer_at_night(page)
        panel = page.locator("#referral-panel")
        expect(panel.get_by_role("alert")).to_contain_text(f"Call the MSCC coordinator now on {PHONE}")
        expect(panel).to_contain_text("Whole-spine MRI: within 24 hours")
        expect(panel).to_contain_text("Immobilise (flat bed rest, log-roll)")
        expect(panel).to_contain_text("High-dose dexamethasone now")
        page.get_by_role("button", name="Send the referral").click()
        expect(page).to_have_url(re.compile(r"/referrals/\d+/$"))
        referral = Referral.objects.get()
        log_out(page)

        # 02:55: the coordinator's worklist shows the acknowledgement overdue; he acknowledges.
        clock.move_to(NIGHT + 45 * MINUTES)
        login(colin)
        page.get_by_role("link", name="Worklist").first.click()
        row = page.locator(f'tr[data-referral="{referral.pk}"]')
        expect(row).to_contain_text("Dora Example")
        expect(row.locator('td[data-timer="acknowledge"]')).to_have_attribute("data-status", "breached")
        row.get_by_role("link", name=re.compile("Dora Example")).click()
        action(page, "acknowledge").get_by_role("button").click()
        expect(timer_status(page, "acknowledge")).to_have_attribute("data-status", "breached")
        expect(timer_status(page, "acknowledge")).to_contain_text("stopped")

        # He books the whole-spine MRI for 04:00.
        booked = action(page, "booked")
        booked.locator('input[value="mri"]').check()
        booked.get_by_label("Booked for").fill("2026-12-09T04:00")
        booked.get_by_role("button").click()
        expect(timer_status(page, "imaging")).to_have_attribute("data-status", "running")
        log_out(page)

        # 05:00: the scan was done at 04:05 and reported at 04:50, compression at T7.
        clock.move_to(NIGHT + 170 * MINUTES)
        login(colin)
        page.goto(f"{live_server.url}{referral.get_absolute_url()}")
        done = action(page, "done")
        done.get_by_label("Scan done at").fill("2026-12-09T04:05")
        done.locator('input[value="mri"]').check()
        done.locator('input[value="whole_spine"]').check()
        done.get_by_role("button").click()
        reported = action(page, "reported")
        reported.get_by_label("Reported at").fill("2026-12-09T04:50")
        reported.locator('input[value="mscc"]').check()
        reported.locator('input[value="T7"]').check()
        reported.get_by_role("button").click()
        for name, status in (("acknowledge", "breached"), ("imaging", "met"), ("report", "met")):
            expect(timer_status(page, name)).to_have_attribute("data-status", status)
        expect(timer_status(page, "decision")).to_have_attribute("data-status", "running")

        # He creates the assessment: the referral's values proposed, each confirmed; then to the board.
        page.get_by_role("button", name="Create assessment").click()
        expect(page.locator("#case-start")).to_contain_text(f"Referral {referral.pk}")
        expect(page.locator("#id_patient_name")).to_have_value("Dora Example")
        expect(page.locator('[data-prefilled="histology"]')).to_contain_text("Breast")
        complete_the_assessment(page)
        page.get_by_role("button", name="Save case").click()
        expect(page.locator("#case-origin")).to_have_text(f"From referral {referral.pk}")
        case = Case.objects.get()
        referral.refresh_from_db()
        assert referral.case == case and not referral.case_created_by_hand
        page.get_by_role("link", name="Submit to tumor board").click()
        page.get_by_label("Question for the board").fill("Surgery before radiotherapy?")
        page.get_by_role("button", name="Submit to the tumor board").click()
        expect(page.locator("#case-status")).to_have_text("Submitted to tumor board")
        log_out(page)

        # 08:10: the board decides on the recommended pathway.
        clock.move_to(NIGHT + 6 * 60 * MINUTES)
        login(carol)
        page.goto(f"{live_server.url}{case.get_absolute_url()}")
        page.get_by_role("link", name="Record decision").click()
        page.locator(f'input[name="pathway_code"][value="{case.pathway_code}"]').check()
        page.get_by_label("Attendees").fill("Carol (oncology), Sam (spine surgery)")
        page.get_by_role("button", name="Sign decision").click()
        expect(page.locator("#decisions article[data-current=true]")).to_contain_text("signed by Carol")
        case.refresh_from_db()
        assert case.status == CaseStatus.DECIDED
        log_out(page)

        # 08:20: the referrer sees the board's decision on her referral, and the decision timer met.
        clock.move_to(NIGHT + 370 * MINUTES)
        login(rita)
        page.goto(f"{live_server.url}{referral.get_absolute_url()}")
        expect(page.locator("#referral-outcome")).to_contain_text("The tumor board decided")
        expect(timer_status(page, "decision")).to_have_attribute("data-status", "met")
        expect(page.locator("#referral-case-link")).to_have_count(0)  # the decision, never the case
