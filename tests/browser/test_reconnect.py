"""The assessment page while the service restarts: every entry kept, a reconnecting note, retries by itself.

The server side of a database fault (503, Retry-After, the plain page) is tested against a real
failing connection in tests/test_database_faults.py. Here the fault is put on the network path
of the live update, which is where the browser meets it: first the answer the app gives during a
database restart (the real 503 page and header, Retry-After shortened to 1 s), then no answer at
all (an app server gone, connection refused). Then the service comes back.
"""

from __future__ import annotations

from django.test import RequestFactory
from playwright.sync_api import expect

from escc_site.middleware import database_unavailable_response
from tests.browser.test_case_form import choose, sins_total


def _live_update(route) -> bool:
    return route.request.method == "POST" and route.request.headers.get("hx-request") == "true"


def test_live_update_503_shows_reconnecting_and_retries_by_itself(page, live_server, login, alice):
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("Patient name").fill("Kept Entry")
    page.locator("#id_lesions-0-spinal_level").select_option("L1")
    expect(sins_total(page)).to_have_text("3")

    unavailable = database_unavailable_response(RequestFactory().post("/cases/new/"))
    down = {"mode": "503"}

    def fault(route):
        if not _live_update(route) or down["mode"] == "up":
            return route.continue_()
        if down["mode"] == "503":
            return route.fulfill(
                status=503, headers={"Retry-After": "1", "Content-Type": "text/html"}, body=unavailable.content
            )
        return route.abort("connectionrefused")

    page.route("**/cases/new/", fault)
    choose(page, "lesions-0-sins_pain", "mechanical")
    note = page.get_by_test_id("reconnect-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Reconnecting")
    expect(note).to_contain_text("Your entries are kept")
    expect(sins_total(page)).to_have_text("3")  # the old result stays; nothing was swapped in
    expect(page.get_by_label("Patient name")).to_have_value("Kept Entry")

    # A save now would only reach the 503 page: it is held back, and the note says nothing was saved.
    page.get_by_role("button", name="Save case").click()
    expect(note).to_contain_text("Not saved")
    expect(page).to_have_url(f"{live_server.url}/cases/new/")

    down["mode"] = "refused"  # the app server is gone altogether
    page.wait_for_timeout(1500)
    expect(note).to_be_visible()

    down["mode"] = "up"  # the service is back: the page retries by itself, no click needed
    expect(sins_total(page)).to_have_text("6", timeout=10_000)
    expect(note).to_be_hidden()
    expect(page.get_by_label("Patient name")).to_have_value("Kept Entry")
