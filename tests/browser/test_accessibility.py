"""WCAG 2.2 AA in a real browser: axe-core on every page (0 violations), focus handling, keyboard only.

axe-core comes bundled with axe-playwright-python (installed with the test requirements, never
from a CDN); it is evaluated in the page through Playwright, which the page's CSP does not govern.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from assessments.cases import services
from assessments.cases.inputs import case_input
from assessments.models import Case
from board import services as board_services
from tests.factories import make_case

# WCAG 2.0, 2.1 and 2.2, levels A and AA, and axe's best practices.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}

axe = Axe()


def violations(page) -> list[str]:
    """The page's axe-core violations, one readable line per failing element."""
    results = axe.run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:200]}"
        for v in results.response["violations"]
        for node in v["nodes"]
    ]


def assert_accessible(page, where: str, found: list[str] | None = None) -> None:
    """No axe violation on the page; with ``found``, collect them there instead (to report every page)."""
    page.wait_for_load_state("networkidle")
    problems = [f"{where}: {v}" for v in violations(page)]
    if found is None:
        assert problems == [], "\n".join(problems)
    else:
        found.extend(problems)


def submitted(case: Case) -> Case:
    return board_services.case_submit_to_board(case=case, user=case.owner, question="Surgery first?", meeting_date=None)


def test_axe_finds_nothing_on_any_page(page, live_server, login, alice, carol, dave):
    page.set_viewport_size({"width": 1280, "height": 900})
    draft = make_case(alice, patient={"clinical_notes": "Back pain for 3 weeks."})
    waiting = submitted(make_case(alice, patient={"mrn": "W1"}))
    decided = submitted(make_case(alice, patient={"mrn": "D1"}))
    board_services.case_comment_add(case=decided, author=carol, text="Spine surgeon to review.")
    board_services.board_decision_record(
        case=decided, signed_by=carol, meeting_date=decided.submitted_at.date(), pathway_code=decided.pathway_code,
        other_pathway_text="", reason="", attendees="Carol", supersedes=None, correction_reason="",
    )  # fmt: skip
    meeting = board_services.meeting_create(created_by=carol, chair=carol, starts_at=decided.submitted_at)

    found: list[str] = []
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page, found=found, where="login")

    login(alice)
    for path in [
        "/",
        "/cases/",
        "/cases/new/",
        f"/cases/{draft.pk}/",
        f"/cases/{draft.pk}/edit/",
        f"/cases/{draft.pk}/submit/",
        f"/cases/{decided.pk}/",
        f"/cases/{decided.pk}/treatment-start/",
        f"/cases/{decided.pk}/follow-up/30/",
        "/notifications/",
        "/cases/import/",
        "/no-such-page/",
    ]:
        page.goto(live_server.url + path)
        assert_accessible(page, path, found)
    # The panel after a live update, complete and incomplete, and a refused save with its errors.
    page.goto(f"{live_server.url}/cases/{draft.pk}/edit/")
    page.locator("label[for='id_lesions-0-sins_pain_0']").click()
    expect(page.get_by_test_id("sins-total")).to_have_text("5")
    assert_accessible(page, found=found, where="edit after a live update")
    page.goto(f"{live_server.url}/cases/new/")
    page.locator("#id_lesions-0-spinal_level").select_option("C7")
    expect(page.get_by_test_id("sins-total")).to_have_text("3")
    assert_accessible(page, found=found, where="new case, partial result")
    page.get_by_role("button", name="Save case").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_accessible(page, found=found, where="refused save")

    # A refused save over a newer version (409) with its comparison table.
    services.case_update(
        case_id=draft.pk, editor=alice, based_on_version=draft.version,
        patient={"clinical_notes": draft.clinical_notes},
        assessment=case_input(draft),
    )  # fmt: skip
    page.goto(f"{live_server.url}/cases/{draft.pk}/edit/")
    page.evaluate("() => { document.querySelector('input[name=version]').value = '1'; }")
    page.get_by_role("button", name="Save case").click()
    expect(page.locator("#conflict")).to_be_visible()
    assert_accessible(page, found=found, where="409 conflict")

    page.context.clear_cookies()
    login(carol)
    for path in [
        "/",
        "/board/",
        "/board/dashboard/",
        f"/board/pack/?case={waiting.pk}&case={decided.pk}",
        f"/cases/{waiting.pk}/",
        f"/cases/{waiting.pk}/decide/",
        f"/cases/{waiting.pk}/return/",
        f"/cases/{waiting.pk}/comment/",
        f"/cases/{decided.pk}/",
        f"/decisions/{decided.decisions.get().pk}/correct/",
        f"/board/meetings/{meeting.pk}/?find=D1",
    ]:
        page.goto(live_server.url + path)
        assert_accessible(page, path, found)

    page.context.clear_cookies()
    login(dave)
    for path in ["/", "/audit/"]:
        page.goto(live_server.url + path)
        assert_accessible(page, path, found)
    assert found == [], "\n".join(found)


def test_axe_would_report_an_unnamed_radio_group(page, live_server, login, alice):
    """The check above can fail: a radio without a name is reported."""
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    page.evaluate("() => document.querySelector('label[for=id_lesions-0-sins_pain_0]').remove()")
    assert any(v.startswith("label") for v in violations(page))


def test_focus_moves_to_the_first_error_after_a_failed_save(page, live_server, login, alice):
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_role("button", name="Save case").click()
    expect(page.locator("#form-errors")).to_be_visible()
    focused = page.evaluate("() => document.activeElement.id")
    assert focused == "id_mrn", focused  # the first field of the form, which is empty
    described = page.get_attribute("#id_mrn", "aria-describedby") or ""
    assert page.get_attribute("#id_mrn", "aria-invalid") == "true"
    assert described and all(page.locator(f"#{ref}").count() == 1 for ref in described.split())
    group = page.locator("#field-lesions-0-escc_grade [role=radiogroup]")
    assert group.get_attribute("aria-invalid") == "true"
    assert page.locator(f"#{group.get_attribute('aria-describedby').split()[-1]}").inner_text().strip()
    expect(group).to_have_accessible_name("Bilsky ESCC grade")


def test_session_banner_takes_focus_when_it_appears(page, live_server, login, alice):
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    page.context.clear_cookies()
    page.locator("#id_lesions-0-spinal_level").select_option("C7")
    banner = page.locator("#session-banner")
    expect(banner).to_be_visible()
    expect(banner).to_be_focused()


def test_live_region_announces_the_summary_only(page, live_server, login, alice):
    login(alice)
    case = make_case(alice)
    page.goto(f"{live_server.url}/cases/{case.pk}/edit/")
    assert page.locator("#result-panel[aria-live]").count() == 0, "the whole panel is not read out"
    page.locator("label[for='id_lesions-0-sins_pain_0']").click()
    live = page.locator("#result-announcement")
    expect(live).to_contain_text("SINS 5 of 18")
    expect(live).to_contain_text("Recommended pathway: Stabilization, then radiation, rule P3. Emergency.")
    assert len(live.inner_text()) < 200


def test_skip_link_focus_ring_and_focusable_panel(page, live_server, login, alice):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The choice buttons: the real radio is hidden, its label shows a thick focus ring.
    page.focus("#id_lesions-0-sins_pain_0")
    page.keyboard.press("ArrowRight")
    ring = page.evaluate(
        "() => { const l = document.querySelector(`label[for='${document.activeElement.id}']`);"
        " const s = getComputedStyle(l); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert ring[0] == "solid" and ring[1] >= 2, ring
    panel = page.locator(".result-sticky")
    assert panel.get_attribute("tabindex") == "0"
    expect(panel).to_have_accessible_name("Result panel")


# --- Keyboard only: from an empty form to a saved case ---------------------------------------------


def tab_to(page, selector: str, limit: int = 150) -> None:
    """Press Tab until the element matching ``selector`` has the focus (never a click)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector}")


def choose(page, name: str, value: str) -> None:
    """Pick a radio option with the keyboard: Tab into the group, then arrow keys to the option."""
    tab_to(page, f"input[name='{name}']")
    for _ in range(30):
        if page.evaluate("(s) => document.activeElement.matches(s)", f"input[name='{name}'][value='{value}']"):
            break
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    assert page.is_checked(f"input[name='{name}'][value='{value}']"), (name, value)


def test_keyboard_only_from_an_empty_form_to_a_saved_case(page, live_server, login, alice):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    page.locator("body").focus()

    def type_into(selector: str, text: str) -> None:
        tab_to(page, selector)
        page.keyboard.type(text)

    type_into("#id_mrn", "K7654321")
    type_into("#id_patient_name", "Kay Board")
    tab_to(page, "#id_date_of_birth")
    page.keyboard.type("03021955")  # Debian's Chromium orders its date field month, day, year
    tab_to(page, "#id_sex")
    page.keyboard.press("f")  # a select answers to the first letter of its option
    choose(page, "lesions-0-escc_grade", "2")
    choose(page, "neurologic_deficit", "true")
    choose(page, "deficit_progressing", "false")
    choose(page, "motor_status", "ambulatory")
    choose(page, "urinary_symptoms", "false")
    choose(page, "urinary_retention", "false")
    tab_to(page, "#id_histology")
    page.keyboard.type("Breast")
    choose(page, "lesions-0-prior_radiation_in_field", "false")
    tab_to(page, "#id_lesions-0-spinal_level")
    page.keyboard.type("T8")
    choose(page, "lesions-0-sins_pain", "occasional_nonmechanical")
    choose(page, "lesions-0-sins_bone_lesion", "blastic")
    choose(page, "lesions-0-sins_alignment", "normal")
    choose(page, "lesions-0-sins_collapse", "none")
    choose(page, "lesions-0-sins_posterolateral", "none")
    choose(page, "lesions-0-retropulsion", "false")
    choose(page, "expected_survival", "gt_6_months")
    choose(page, "surgical_candidate", "yes")
    choose(page, "oligometastatic", "false")
    choose(page, "vte_contraindication", "false")
    expect(page.locator("#pathway-title")).to_be_visible()
    tab_to(page, "button[value='save']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.select_related("patient").get(patient__mrn="K7654321")
    assert case.patient.name == "Kay Board" and case.patient.sex == "female"
    assert case.patient.date_of_birth.isoformat() == "1955-03-02"
    assert (case.histology, case.spinal_level, case.escc_grade) == ("breast", "T8", "2")
    assert case.pathway_code == "cebrt"


def test_axe_finds_nothing_on_a_tablet(page, live_server, login, alice):
    """The tablet layout (sticky summary bar instead of the side panel) is checked too."""
    page.set_viewport_size({"width": 820, "height": 1180})
    case = make_case(alice)
    login(alice)
    found: list[str] = []
    for path in ["/", "/cases/", f"/cases/{case.pk}/"]:
        page.goto(live_server.url + path)
        assert_accessible(page, path, found)
    page.goto(f"{live_server.url}/cases/{case.pk}/edit/")
    page.locator("label[for='id_lesions-0-sins_pain_0']").click()
    expect(page.locator("#result-summary")).to_contain_text("SINS 5")
    assert_accessible(page, "edit on a tablet", found)
    assert found == [], "\n".join(found)
