"""A meeting end to end, from agenda to decision, the owner told in the app and by e-mail,
the outcome letter printed on one page, the 30-day follow-up, and the dashboard counting it."""

from __future__ import annotations

import datetime
import re

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Case
from board import services as board_services
from board.models import Action, DecisionRecord, FollowUp
from tests.factories import make_case
from tests.test_notifications import run_worker, smtp_server, smtp_settings  # noqa: F401 (fixtures)


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_meeting_from_agenda_to_follow_up(page, live_server, login, alice, carol, smtp_server, smtp_settings):  # noqa: F811
    alice.email = "alice@example.org"
    alice.save()
    first = make_case(alice, patient={"patient_name": "Ada Meeting"})  # P8, emergency
    second = make_case(alice, patient={"patient_name": "Ben Meeting"}, escc_grade="1a", neurologic_deficit=False)
    for case in (first, second):
        board_services.case_submit_to_board(case=case, user=alice, question="Surgery or SBRT?", meeting_date=None)

    # Carol creates the meeting; the agenda comes from the queue, emergency first.
    login(carol)
    page.get_by_role("link", name="Meetings").first.click()
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Time").fill("08:00")
    page.get_by_role("button", name="Create meeting").click()
    agenda = page.locator("#agenda-list li")
    expect(agenda).to_have_count(2)
    expect(agenda.nth(0)).to_contain_text("Ada Meeting")
    # Reorder and back.
    page.get_by_role("button", name=f"Move case {second.pk} up").click()
    expect(page.locator("#agenda-list li").nth(0)).to_contain_text("Ben Meeting")
    page.get_by_role("button", name=f"Move case {second.pk} down").click()
    expect(page.locator("#agenda-list li").nth(0)).to_contain_text("Ada Meeting")

    # Attendees: quorate once spine surgery, radiation and medical oncology are there.
    for name, specialty in (("Sam Spine", "Spine surgery"), ("Rita Rad", "Radiation oncology"),
                            ("Max Med", "Medical oncology")):  # fmt: skip
        expect(page.locator("#quorum")).to_have_attribute("data-quorate", "false")
        page.get_by_label("Name").fill(name)
        page.get_by_label("Specialty").select_option(label=specialty)
        page.get_by_role("button", name="Add attendee").click()
        # Wait for the page the POST answers with, so the next name is not typed into the old one.
        expect(page.locator("#attendee-list")).to_contain_text(name)
    expect(page.locator("#quorum")).to_have_attribute("data-quorate", "true")

    # Meeting mode: n and p step through the two cases, d opens the decision form.
    page.get_by_role("link", name="Start meeting mode").click()
    expect(page.locator("#mode-title")).to_contain_text("Ada Meeting")
    expect(page.locator("html")).to_have_attribute("data-meeting-keys", "on")  # the keys are wired up
    page.keyboard.press("n")
    expect(page.locator("#mode-title")).to_contain_text("Ben Meeting")
    expect(page.locator("html")).to_have_attribute("data-meeting-keys", "on")  # the keys are wired up
    page.keyboard.press("p")
    expect(page.locator("#mode-title")).to_contain_text("Ada Meeting")
    expect(page.locator("html")).to_have_attribute("data-meeting-keys", "on")  # the keys are wired up
    page.keyboard.press("d")
    expect(page.get_by_label("Attendees")).to_have_value(re.compile("Sam Spine \\(Spine surgery\\)"))
    page.locator('input[name="pathway_code"][value="separation_surgery_sbrt"]').check()
    page.get_by_label("Plan (dose, timing, sequence)").fill("Separation surgery tomorrow, then SBRT 24 Gy/2")
    page.locator("#id_actions-0-text").fill("Book SBRT")
    page.locator("#id_actions-0-owner").select_option(label="Alice")
    due = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT12:00")
    page.locator("#id_actions-0-due_at").fill(due)
    page.get_by_role("button", name="Sign decision").click()
    # Back in meeting mode, on the decided case; n moves on to the second.
    expect(page.locator("#mode-decided")).to_be_visible()
    page.keyboard.press("n")
    expect(page.locator("#mode-title")).to_contain_text("Ben Meeting")
    expect(page.locator("#mode-decide")).to_be_visible()
    log_out(page)

    record = DecisionRecord.objects.get()
    assert record.quorate is True and record.plan.startswith("Separation surgery tomorrow")
    assert Action.objects.get().owner == alice

    # The e-mail goes out from the task queue and arrives at the SMTP server.
    run_worker()
    assert {tuple(m[1]) for m in smtp_server.messages} == {("alice@example.org",)}
    assert len(smtp_server.messages) == 2  # decided + the action assigned to her
    assert any("Board decision signed: Alice's " in m[2] and f"(case {first.pk})" in m[2] for m in smtp_server.messages)

    # Alice sees the unread count (loaded by HTMX) and the notification.
    login(alice)
    expect(page.locator("#unread-count")).to_have_text("2")
    expect(page.locator("#my-actions")).to_contain_text("Book SBRT")
    page.locator("#notification-link").click()
    expect(page.locator("#notifications")).to_contain_text("Board decision signed: Ada Meeting, MRN")
    page.get_by_role("link", name=re.compile("^Board decision signed: Ada Meeting")).click()
    expect(page.locator('[data-testid="decision-setting"]')).to_contain_text("Quorate meeting")
    expect(page.locator('[data-testid="decision-plan"]')).to_contain_text("SBRT 24 Gy/2")

    # The outcome letter prints on exactly one page.
    page.get_by_role("link", name="Outcome letter").click()
    expect(page.locator("#letter-plan")).to_contain_text("Separation surgery tomorrow")
    expect(page.locator("#letter-attendees")).to_contain_text("Rita Rad (Radiation oncology)")
    expect(page.locator("#letter-follows")).to_have_text("Follows the recommendation")
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1

    # A month later: the treatment started 31 days ago, the follow-up is on her worklist.
    now = timezone.now()
    Case.objects.filter(pk=first.pk).update(
        decided_at=now - datetime.timedelta(days=32), treatment_start_at=now - datetime.timedelta(days=31)
    )
    call_command("rebuild_monthly_summary", verbosity=0)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Follow-ups", exact=True).click()
    row = page.locator(f'#worklist tr[data-case="{first.pk}"][data-days="30"]')
    expect(row).to_contain_text("Ada Meeting")
    row.get_by_role("link", name="Record").click()
    page.get_by_label("Alive", exact=True).check()
    page.get_by_label("Walking").select_option(label="Walks independently")
    page.get_by_label("Bladder function").select_option(label="Continent")
    page.get_by_role("button", name="Save follow-up").click()
    expect(page.locator('#follow-ups li[data-days="30"]')).to_have_attribute("data-recorded", "true")
    assert FollowUp.objects.get().ambulatory == "independent"
    log_out(page)

    # The dashboard counts the walking patient among those who walked before treatment.
    login(carol)
    page.get_by_role("link", name="Quality dashboard").first.click()
    expect(page.locator("#outcomes-by-follows")).to_contain_text("Followed the recommendation")
    expect(page.locator("#outcomes-by-follows tbody tr").first).to_contain_text("1/1 (100%)")
