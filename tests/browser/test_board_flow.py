"""One case from submission to a signed board decision, then the pack and the dashboard."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from assessments.models import BoardDecision, Case, CaseStatus
from audit.models import AuditEntry
from board import services as board_services
from tests.factories import make_case


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_case_from_submission_to_signed_decision(page, live_server, login, alice, carol):
    case = make_case(alice, patient={"patient_name": "Ada Board"})  # P8: separation surgery, then SBRT

    # Alice submits her draft with a question for the board.
    login(alice)
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("link", name="Submit to tumor board").click()
    page.get_by_label("Question for the board").fill("Is she fit for separation surgery?")
    page.get_by_label("Board meeting date").fill("2026-12-02")
    page.get_by_role("button", name="Submit to the tumor board").click()
    expect(page.locator("#board-read-only")).to_be_visible()
    expect(page.locator("#case-status")).to_have_text("Submitted to tumor board")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    log_out(page)

    # Carol finds it in the queue; "choose all" and the pack work from there.
    login(carol)
    page.get_by_role("link", name="Board queue").first.click()
    row = page.locator(f'tr[data-case="{case.pk}"]')
    expect(row).to_contain_text("Ada Board")
    expect(row).to_contain_text("Emergency")
    page.locator("#select-all").check()
    expect(row.locator("input.pack-choice")).to_be_checked()
    page.get_by_role("button", name="Open pack for the chosen cases").click()
    expect(page.locator("article.pack-page")).to_have_count(1)
    expect(page.locator("article.pack-page")).to_contain_text("Is she fit for separation surgery?")
    page.go_back()

    # She reviews the case and comments.
    page.get_by_role("link", name="Ada Board").click()
    expect(page.locator("#pathway-title")).to_have_attribute("data-pathway", "separation_surgery_sbrt")
    page.locator("#comment-form textarea").fill("Spine surgery says <b>not fit</b> this week.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator("#comments")).to_contain_text("Spine surgery says <b>not fit</b> this week.")
    expect(page.locator("#comments b")).to_have_count(0)

    # She decides against the recommendation, with a reason, and signs.
    page.get_by_role("link", name="Record decision").click()
    page.get_by_label("cEBRT", exact=True).check()
    expect(page.locator("#follows-indicator")).to_contain_text("Departs from the recommendation")
    page.get_by_label("Attendees").fill("Carol (oncology), Sam (spine surgery)")
    page.get_by_role("button", name="Sign decision").click()
    expect(page.locator("#div_id_reason")).to_contain_text("give the reason")
    page.get_by_label("Reason for departing from the recommendation").fill("Not fit for surgery this week.")
    page.get_by_role("button", name="Sign decision").click()
    decision = page.locator("#decisions article[data-current=true]")
    expect(decision).to_contain_text("cEBRT")
    expect(decision).to_contain_text("Departs from the recommendation")
    expect(decision).to_contain_text("signed by Carol")

    # The pack for this case prints one page with no navigation.
    page.get_by_role("link", name="Print pack page").click()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("article.pack-page")).to_contain_text("NOMS summary")
    page.emulate_media(media="screen")

    # The dashboard counts it.
    page.get_by_role("link", name="Quality dashboard").first.click()
    expect(page.locator('[data-metric="decisions"]')).to_have_text("1")
    expect(page.locator('[data-metric="concordance"]')).to_have_text("0.0%")
    expect(page.locator("#departure-reasons")).to_contain_text("Not fit for surgery this week.")
    log_out(page)

    # Alice sees the board's decision on her case.
    login(alice)
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.locator("#case-status")).to_have_text("Decided by tumor board")
    expect(page.locator("#decisions")).to_contain_text("Not fit for surgery this week.")
    expect(page.get_by_role("link", name="Record treatment start")).to_be_visible()

    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    signed = BoardDecision.objects.get(case=case)
    assert signed.signed_by == carol and signed.follows_recommendation is False
    assert AuditEntry.objects.filter(action="case.print", target_id=str(case.pk)).count() == 2
    assert Case.objects.filter(status=CaseStatus.SUBMITTED).count() == 0


def test_meeting_pack_prints_one_case_per_page(page, live_server, login, alice, carol):
    import datetime

    for name, histology in (("Pack One", "melanoma"), ("Pack Two", "prostate")):
        case = make_case(alice, patient={"patient_name": name}, histology=histology)
        board_services.case_submit_to_board(
            case=case, user=alice, question="Surgery first?", meeting_date=datetime.date(2026, 12, 9)
        )
    login(carol)
    page.goto(f"{live_server.url}/board/")
    page.get_by_label("Meeting pack for", exact=True).fill("2026-12-09")
    page.get_by_role("button", name="Open pack for this date").click()
    expect(page.locator("article.pack-page")).to_have_count(2)
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 2
