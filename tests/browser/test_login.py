from playwright.sync_api import expect


def test_clinician_logs_in_and_sees_home_page(page, live_server, login, alice):
    login(alice)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Alice")
    expect(page.get_by_test_id("current-user")).to_have_text("Alice")


def test_anonymous_visitor_is_sent_to_login(page, live_server, db):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
