"""Single sign-on in the browser, through a real OpenID provider (npm's oidc-provider, tests/servers/oidc/).

Authorization code flow with PKCE, groups mapped to roles, a removed group, a
disabled account (at the provider and in the app) and log-out ending the
session here and at the provider.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import expect

from accounts import roles
from audit.models import AuditEntry
from tests.conftest import PASSWORD, make_user
from tests.servers.fixtures import HOSPITAL
from tests.servers.oidc import PASSWORDS


def nav(page):
    return page.get_by_role("navigation", name="Main")


def start_sso(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name=f"Sign in with {HOSPITAL}").click()


def sso_sign_in(page, live_server, name):
    start_sso(page, live_server)
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORDS[name])
    page.get_by_role("button", name="Sign in").click()


def log_out_everywhere(page, live_server):
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # the provider's own page
    page.wait_for_url(f"{live_server.url}/accounts/login/")


def roles_of(username):
    return set(User.objects.get(username=username).groups.values_list("name", flat=True))


def test_sso_sign_in_with_pkce_maps_groups_and_log_out_ends_both_sessions(page, live_server, oidc_provider):
    authorization_requests = []
    page.on(
        "request",
        lambda r: (
            authorization_requests.append(r.url)
            if r.url.startswith(oidc_provider.metadata["authorization_endpoint"])
            else None
        ),
    )
    sso_sign_in(page, live_server, "olga")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Olga Petrova")
    expect(nav(page).get_by_role("link", name="My cases")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Board queue")).to_have_count(0)
    assert "code_challenge_method=S256" in authorization_requests[0] and "code_challenge=" in authorization_requests[0]
    assert "response_type=code" in authorization_requests[0]
    olga = User.objects.get(username="olga")
    assert roles_of("olga") == {roles.CLINICIAN} and not olga.is_staff and not olga.has_usable_password()
    assert olga.email == "olga@hospital.test"
    assert AuditEntry.objects.filter(action="auth.login", actor_username="olga").latest("pk").details == {
        "method": "oidc"
    }

    log_out_everywhere(page, live_server)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    assert AuditEntry.objects.filter(action="auth.logout", actor_username="olga").exists()
    # The provider's session ended too: single sign-on asks for the password again.
    start_sso(page, live_server)
    expect(page.get_by_label("Password")).to_be_visible()


def test_a_group_removed_at_the_provider_removes_the_role_at_the_next_sign_in(page, live_server, oidc_provider):
    sso_sign_in(page, live_server, "quinn")
    expect(nav(page).get_by_role("link", name="Board queue")).to_be_visible()
    assert roles_of("quinn") == {roles.CLINICIAN, roles.TUMOR_BOARD}
    log_out_everywhere(page, live_server)

    accounts = oidc_provider.accounts()
    accounts["quinn"]["claims"]["groups"] = ["escc-clinicians"]
    oidc_provider.save_accounts(accounts)
    sso_sign_in(page, live_server, "quinn")
    page.wait_for_url(f"{live_server.url}/")
    expect(nav(page).get_by_role("link", name="My cases")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Board queue")).to_have_count(0)
    assert roles_of("quinn") == {roles.CLINICIAN}


def test_groups_sent_in_the_id_token_only_grant_roles(page, live_server, oidc_provider):
    """Entra ID puts groups and app roles in the ID token, not in its userinfo answer."""
    sso_sign_in(page, live_server, "sven")
    page.wait_for_url(f"{live_server.url}/")
    expect(nav(page).get_by_role("link", name="Board queue")).to_be_visible()
    assert roles_of("sven") == {roles.TUMOR_BOARD}


def test_an_account_disabled_at_the_provider_cannot_sign_in(page, live_server, oidc_provider):
    accounts = oidc_provider.accounts()
    accounts["rosa"]["disabled"] = True
    oidc_provider.save_accounts(accounts)
    sso_sign_in(page, live_server, "rosa")
    expect(page.get_by_role("alert")).to_have_text("This account is disabled.")
    assert not User.objects.filter(username="rosa").exists()


def test_a_user_deactivated_in_the_app_or_in_no_role_group_is_refused(page, live_server, oidc_provider):
    sso_sign_in(page, live_server, "pavel")
    expect(nav(page).get_by_role("link", name="Board queue")).to_be_visible()
    log_out_everywhere(page, live_server)
    User.objects.filter(username="pavel").update(is_active=False)
    sso_sign_in(page, live_server, "pavel")
    page.wait_for_url(f"{live_server.url}/accounts/login/?sso=failed")
    expect(page.get_by_test_id("sso-failed")).to_contain_text("Single sign-on did not sign you in")

    accounts = oidc_provider.accounts()
    accounts["rosa"]["claims"]["groups"] = ["some-other-department"]
    oidc_provider.save_accounts(accounts)
    page.context.clear_cookies()  # a different person at the same computer
    sso_sign_in(page, live_server, "rosa")
    page.wait_for_url(f"{live_server.url}/accounts/login/?sso=failed")
    assert not User.objects.filter(username="rosa").exists()


def test_the_local_form_stays_beside_single_sign_on(page, live_server, oidc_provider):
    make_user("alice", roles.CLINICIAN)
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("link", name=f"Sign in with {HOSPITAL}")).to_be_visible()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Alice")
    # A local user's log-out stays here: there is no provider session to end.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
