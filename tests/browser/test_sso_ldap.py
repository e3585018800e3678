"""Directory sign-in in the browser, against a real OpenLDAP (slapd, tests/servers/): the local
login form, roles from directory groups, a removed group, a disabled account, and log-out."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.servers.slapd import PASSWORDS


def nav(page):
    return page.get_by_role("navigation", name="Main")


def sign_in(page, live_server, uid):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_text("Use your hospital network username and password.")).to_be_visible()
    page.get_by_label("Username").fill(uid)
    page.get_by_label("Password").fill(PASSWORDS[uid])
    page.get_by_role("button", name="Log in").click()


def log_out(page, live_server):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")


def test_directory_user_signs_in_loses_a_group_then_is_disabled(page, live_server, ldap_directory):
    sign_in(page, live_server, "greta")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Greta Lind")
    expect(nav(page).get_by_role("link", name="My cases")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Board queue")).to_be_visible()
    log_out(page, live_server)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")

    ldap_directory.remove_from_group("greta", "escc-tumor-board")
    sign_in(page, live_server, "greta")
    page.wait_for_url(f"{live_server.url}/")
    expect(nav(page).get_by_role("link", name="My cases")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Board queue")).to_have_count(0)
    log_out(page, live_server)

    ldap_directory.disable("greta")
    sign_in(page, live_server, "greta")
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def test_directory_admin_gets_the_admin_pages(page, live_server, ldap_directory):
    sign_in(page, live_server, "chen")
    page.wait_for_url(f"{live_server.url}/")
    expect(nav(page).get_by_role("link", name="User administration")).to_be_visible()
    expect(nav(page).get_by_role("link", name="My cases")).to_be_visible()
