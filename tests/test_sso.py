"""Single sign-on settings and pages that need no provider (the flow itself: tests/browser/test_sso_oidc.py)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from escc_site.env import ImproperSetting
from tests.servers.fixtures import HOSPITAL, configure
from tests.test_foundation import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db

IDP = "https://login.hospital.test/tenant/oauth2/v2.0"
ENV = {
    "OIDC_CLIENT_ID": "escc",
    "OIDC_CLIENT_SECRET": "secret",
    "OIDC_PROVIDER_NAME": HOSPITAL,
    "OIDC_AUTHORIZATION_ENDPOINT": f"{IDP}/authorize",
    "OIDC_TOKEN_ENDPOINT": f"{IDP}/token",
    "OIDC_USERINFO_ENDPOINT": "https://graph.hospital.test/oidc/userinfo",
    "OIDC_JWKS_ENDPOINT": "https://login.hospital.test/tenant/discovery/v2.0/keys",
    "OIDC_END_SESSION_ENDPOINT": f"{IDP}/logout",
}


def test_single_sign_on_is_off_by_default(client, settings):
    assert settings.OIDC_ENABLED is False
    assert not any("OIDC" in backend for backend in settings.AUTHENTICATION_BACKENDS)
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404


def test_login_page_offers_the_hospital_sign_on_beside_the_local_form(client, settings, monkeypatch):
    configure(settings, monkeypatch, ENV)
    body = client.get(reverse("login") + "?next=/cases/").content.decode()
    assert f"Sign in with {HOSPITAL}" in body
    assert 'href="/accounts/oidc/start/?next=/cases/"' in body
    assert 'name="password"' in body  # the local form stays (break-glass admin)


def test_sign_on_starts_an_authorization_code_request_with_pkce(client, settings, monkeypatch):
    configure(settings, monkeypatch, ENV)
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == ENV["OIDC_AUTHORIZATION_ENDPOINT"]
    query = parse_qs(location.query)
    assert query["response_type"] == ["code"] and query["client_id"] == ["escc"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["scope"] == ["openid email profile"]
    assert query["redirect_uri"] == ["http://testserver/accounts/oidc/callback/"]


def test_log_out_may_redirect_to_the_providers_end_session_page(settings, monkeypatch):
    configure(settings, monkeypatch, ENV)
    assert "https://login.hospital.test" in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]


def test_a_local_users_log_out_stays_here(alice_client, settings, monkeypatch):
    configure(settings, monkeypatch, ENV)
    response = alice_client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


@pytest.mark.parametrize("missing", ["OIDC_CLIENT_SECRET", "OIDC_TOKEN_ENDPOINT", "OIDC_JWKS_ENDPOINT"])
def test_an_incomplete_sign_on_setting_stops_start_up_naming_the_variable(settings, monkeypatch, missing):
    monkeypatch.delenv(missing, raising=False)
    with pytest.raises(ImproperSetting, match=f"{missing} is required"):
        configure(settings, monkeypatch, {k: v for k, v in ENV.items() if k != missing})


# --- The documented configurations -------------------------------------------------

DEPLOYMENT = Path(__file__).resolve().parents[1] / "docs" / "deployment.md"
SETTINGS = Path(__file__).resolve().parents[1] / "escc_site" / "settings.py"


def documented_example(title: str) -> dict[str, str]:
    """The ``KEY=value`` lines of the first sh block after ``title`` in docs/deployment.md."""
    text = DEPLOYMENT.read_text()
    block = text[text.index(title) :].split("```sh\n", 1)[1].split("```", 1)[0]
    return dict(line.split("=", 1) for line in block.splitlines() if line and not line.startswith("#"))


@pytest.mark.parametrize("title", ["Active Directory example", "Entra ID example"])
def test_the_documented_examples_pass_the_deploy_check(title):
    env = {**PRODUCTION_ENV, **documented_example(title)}
    if "LDAP_CA_FILE" in env:  # the hospital's CA file: any PEM bundle will do for the check
        env["LDAP_CA_FILE"] = "/etc/ssl/certs/ca-certificates.crt"
    assert any(name in env for name in ("LDAP_URL", "OIDC_CLIENT_ID"))
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_missing_ca_file_stops_start_up_naming_the_variable():
    env = {**PRODUCTION_ENV, **documented_example("Active Directory example")}
    result = run_manage("check", **env)  # /etc/escc/hospital-root-ca.pem does not exist here
    assert result.returncode != 0
    assert "LDAP_CA_FILE '/etc/escc/hospital-root-ca.pem' is not a readable file" in result.stderr


def test_every_sign_in_variable_is_documented():
    read = set(re.findall(r'env_\w+\("((?:LDAP|OIDC)_\w+)"', SETTINGS.read_text()))
    assert len(read) > 20
    documented = DEPLOYMENT.read_text()
    assert {name for name in read if f"`{name}`" not in documented and f"`{name} `" not in documented} == set()
