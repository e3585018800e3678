"""No page breaks the strict Content-Security-Policy: a browser reports every violation on its console."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.factories import make_case


def test_pages_raise_no_csp_violation(page, live_server, login, alice):
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    case = make_case(alice)

    page.goto(f"{live_server.url}/accounts/login/")
    login(alice)
    for path in ["/", "/cases/", f"/cases/{case.pk}/", f"/cases/{case.pk}/edit/", "/cases/import/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    # Live updates swap HTML in: the swapped content must be CSP-clean too.
    page.goto(f"{live_server.url}/cases/new/")
    page.locator("#id_lesions-0-spinal_level").select_option("C7")
    expect(page.get_by_test_id("sins-total")).to_have_text("3")
    page.goto(f"{live_server.url}/cases/{case.pk}/edit/")
    page.locator("label[for='id_lesions-0-sins_pain_0']").click()
    expect(page.get_by_test_id("sins-total")).to_have_text("5")
    assert problems == []


def test_a_csp_violation_would_be_seen(page, live_server, login, alice):
    """The check above can fail: an inline script is refused and reported on the console."""
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(alice)
    page.evaluate(
        "() => { const s = document.createElement('div'); s.innerHTML = '<img src=x onerror=alert(1)>';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(300)
    assert any("Content Security Policy" in p for p in problems)
