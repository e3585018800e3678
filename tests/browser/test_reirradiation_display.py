"""The cord dose budget in Chromium: no axe violation where it is shown, and the printed pages stay one sheet.

A case with one earlier cEBRT course carries the largest budget (courses, Nieder's reference
calculations and Sahgal's Pmax table); its outcome letter still prints on one A4 sheet, its meeting-pack
page on two.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_pack_print import pdf_pages
from tests.test_reirradiation_display import ONE_CEBRT, decided, submitted

BUDGET = '[data-testid="reirradiation-card"]'


def test_axe_finds_nothing_where_the_budget_is_shown(page, live_server, login, alice, carol):
    from board import services as board_services

    page.set_viewport_size({"width": 1280, "height": 900})
    waiting = submitted(alice, ONE_CEBRT, name="Wait Ray")
    done = decided(alice, carol, ONE_CEBRT)
    meeting = board_services.meeting_create(
        created_by=carol, chair=carol, starts_at=datetime.datetime(2026, 12, 1, 13, 0, tzinfo=datetime.UTC)
    )
    found: list[str] = []
    login(carol)
    for where, url in (
        ("case page", done.get_absolute_url()),
        ("meeting mode", reverse("meetings:meeting_mode", args=[meeting.pk]) + f"?case={waiting.pk}"),
        ("meeting pack", reverse("assessments:board_pack") + f"?case={waiting.pk}&case={done.pk}"),
        ("outcome letter", reverse("meetings:decision_letter", args=[done.decisions.get().pk])),
    ):
        page.goto(live_server.url + url)
        assert page.locator(BUDGET).count() >= 1, where
        assert_accessible(page, where, found)
    assert found == [], "\n".join(found)


def test_the_largest_budget_keeps_the_letter_on_one_sheet_and_the_pack_page_on_two(
    page, live_server, login, alice, carol
):
    """A typical pack page (question, two comments, ruled lines) of a case with the largest budget.

    The whole table and its statements do not leave room for the rest of a full pack page on one A4
    sheet; the budget is kept whole on its sheet and the next case still starts a sheet of its own.
    """
    from board import services as board_services

    waiting = submitted(alice, ONE_CEBRT, name="Wait Ray")
    for text in ("Spine surgeon to review the CT before the meeting.", "Radiation oncology: plans of 2025 requested."):
        board_services.case_comment_add(case=waiting, author=carol, text=text)
    done = decided(alice, carol, ONE_CEBRT)
    login(carol)
    page.goto(f"{live_server.url}{reverse('assessments:board_pack')}?case={waiting.pk}&case={done.pk}")
    page.emulate_media(media="print")
    assert page.locator(f"article.pack-page {BUDGET}").count() == 2
    assert pdf_pages(page.pdf(format="A4", print_background=False)) == 4
    page.goto(live_server.url + reverse("meetings:decision_letter", args=[done.decisions.get().pk]))
    assert page.locator(BUDGET).count() == 1
    assert pdf_pages(page.pdf(prefer_css_page_size=True)) == 1
