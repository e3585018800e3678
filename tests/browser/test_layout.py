"""The page frame on a tablet and at 200% zoom: the header fits, Log out is on screen, the spine picture reads."""

from __future__ import annotations

import pytest

from tests.factories import lesion, make_case

# A tablet held upright, and a 1280 px window at 200% zoom (640 CSS pixels, two device pixels each).
SCREENS = {
    "tablet-820": {"viewport": {"width": 820, "height": 1180}, "device_scale_factor": 1},
    "zoom-200": {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2},
}


@pytest.fixture
def screen_page(browser, live_server, request):
    """A page in a fresh browser context sized as the screen named by the test's parameter."""
    context = browser.new_context(**SCREENS[request.param])
    page = context.new_page()
    yield page
    context.close()


def _log_in(page, live_server, user):
    from tests.conftest import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


def _overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: nothing is off to the side)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _on_screen(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width and box["width"] > 0


@pytest.mark.parametrize("screen_page", list(SCREENS), indirect=True)
@pytest.mark.parametrize("who", ["alice", "carol", "dave"])
def test_header_fits_and_log_out_is_on_screen(screen_page, live_server, who, request):
    page = screen_page
    user = request.getfixturevalue(who)
    _log_in(page, live_server, user)
    nav = page.get_by_role("navigation", name="Main")
    assert _overflow(page) == 0
    nav_box = nav.bounding_box()
    assert nav_box["x"] + nav_box["width"] <= page.evaluate("document.documentElement.clientWidth")
    log_out = page.get_by_role("button", name="Log out")
    if not log_out.is_visible():  # folded behind the menu button on a narrow screen
        page.get_by_role("button", name="Toggle navigation").click()
    log_out.wait_for(state="visible")
    assert _on_screen(page, log_out)
    assert _overflow(page) == 0


@pytest.mark.parametrize("screen_page", ["tablet-820"], indirect=True)
def test_spine_picture_is_readable_with_a_key(screen_page, live_server, alice):
    case = make_case(alice, lesions=[lesion("T4", index=True), lesion("T9", escc_grade="2")])
    page = screen_page
    _log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    picture = page.locator("#spine-picture")
    box = picture.bounding_box()
    assert box["width"] >= 120
    # The level labels read at the size of small body text.
    label_heights = page.eval_on_selector_all(
        "#spine-picture text.spine-label", "labels => labels.map(l => l.getBoundingClientRect().height)"
    )
    assert label_heights and min(label_heights) >= 11
    key = page.locator("#spine-key")
    for words in ("Involved level", "Index lesion", "Index block", "cEBRT field"):
        assert key.get_by_text(words).is_visible()
