"""Sign-in from the hospital directory, against a real OpenLDAP (slapd) seeded from tests/servers/ldap/seed.ldif.

The app is configured through the same environment variables a hospital sets
(tests/servers/fixtures.py). Browser tests of the same path: tests/browser/test_sso_ldap.py.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts import roles
from audit.models import AuditEntry
from audit.signals import typed_username
from escc_site.env import ImproperSetting
from tests.conftest import PASSWORD, make_user
from tests.servers import slapd
from tests.servers.fixtures import configure
from tests.test_security import _set_session_clock

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str | None = None):
    password = slapd.PASSWORDS.get(username, "") if password is None else password
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in_as(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def role_names(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_directory_is_off_by_default(settings):
    assert settings.LDAP_ENABLED is False
    assert "accounts.backends.DirectoryBackend" not in settings.AUTHENTICATION_BACKENDS


def test_directory_user_signs_in_with_details_and_role_from_the_directory(client, ldap_directory):
    response = sign_in(client, "amara")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = signed_in_as(client)
    assert user.username == "amara"
    assert (user.first_name, user.last_name, user.email) == ("Amara", "Okafor", "amara.okafor@hospital.test")
    assert role_names(user) == {roles.CLINICIAN}
    assert not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()  # the password stays in the directory
    assert client.session["auth_method"] == "ldap"
    entry = AuditEntry.objects.filter(action="auth.login").latest("pk")
    assert entry.actor_username == "amara" and entry.details == {"method": "ldap"}
    assert client.get(reverse("assessments:case_list")).status_code == 200


@pytest.mark.parametrize(
    ("uid", "expected_roles", "staff"),
    [
        ("bruno", {roles.TUMOR_BOARD}, False),
        ("chen", {roles.CLINICIAN}, True),
        ("dora", {roles.CLINICIAN, roles.TUMOR_BOARD}, False),
    ],
)
def test_roles_follow_the_directory_groups(client, ldap_directory, uid, expected_roles, staff):
    sign_in(client, uid)
    user = signed_in_as(client)
    assert role_names(user) == expected_roles
    assert user.is_staff is staff


def test_user_in_no_role_group_is_not_let_in(client, ldap_directory):
    sign_in(client, "farid")
    assert signed_in_as(client) is None


def test_a_removed_group_removes_the_role_at_the_next_sign_in(client, ldap_directory):
    sign_in(client, "dora")
    assert role_names(signed_in_as(client)) == {roles.CLINICIAN, roles.TUMOR_BOARD}
    client.post(reverse("logout"))
    ldap_directory.remove_from_group("dora", "escc-tumor-board")
    sign_in(client, "dora")
    dora = signed_in_as(client)
    assert role_names(dora) == {roles.CLINICIAN}
    assert AuditEntry.objects.filter(
        action="user.role_change",
        target_id=str(dora.pk),
        details={"removed": [roles.TUMOR_BOARD], "approved_by": "directory"},
    ).exists()
    assert client.get(reverse("assessments:board_queue")).status_code == 404  # the board queue is not hers now


def test_losing_the_staff_group_removes_the_admin_role(client, ldap_directory):
    sign_in(client, "chen")
    assert signed_in_as(client).is_staff
    client.post(reverse("logout"))
    ldap_directory.remove_from_group("chen", "escc-admins")
    sign_in(client, "chen")
    assert signed_in_as(client).is_staff is False


def test_losing_every_role_group_removes_the_roles_and_refuses_sign_in(client, ldap_directory):
    sign_in(client, "bruno")
    client.post(reverse("logout"))
    ldap_directory.remove_from_group("bruno", "escc-tumor-board")
    sign_in(client, "bruno")
    assert signed_in_as(client) is None
    assert role_names(User.objects.get(username="bruno")) == set()


def test_details_are_refreshed_at_each_sign_in(client, ldap_directory):
    sign_in(client, "amara")
    client.post(reverse("logout"))
    ldap_directory.rename("amara", "Amarachi")
    sign_in(client, "amara")
    assert signed_in_as(client).first_name == "Amarachi"


def test_a_disabled_directory_account_cannot_sign_in(client, ldap_directory):
    sign_in(client, "emil")
    assert signed_in_as(client).username == "emil"
    client.post(reverse("logout"))
    ldap_directory.disable("emil")
    response = sign_in(client, "emil")
    assert response.status_code == 200 and signed_in_as(client) is None
    assert "Please enter a correct username and password" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.login_failed", actor_username="emil").exists()


def test_an_account_the_user_filter_excludes_cannot_sign_in_even_with_its_password(
    client, ldap_directory, settings, monkeypatch
):
    """The filter is what refuses Active Directory's disabled accounts (userAccountControl bit 2)."""
    configure(settings, monkeypatch, {"LDAP_USER_FILTER": "(!(uid=amara))"})
    sign_in(client, "amara")
    assert signed_in_as(client) is None
    sign_in(client, "dora")
    assert signed_in_as(client).username == "dora"


def test_a_user_deactivated_in_the_app_stays_out(client, ldap_directory):
    sign_in(client, "amara")
    client.post(reverse("logout"))
    User.objects.filter(username="amara").update(is_active=False)
    sign_in(client, "amara")
    assert signed_in_as(client) is None


def test_wrong_directory_password_is_refused(client, ldap_directory):
    response = sign_in(client, "amara", "not-her-password")
    assert response.status_code == 200 and signed_in_as(client) is None


def test_directory_sign_in_goes_through_the_same_lockout(client, ldap_directory):
    for _ in range(5):
        sign_in(client, "amara", "not-her-password")
    response = sign_in(client, "amara")  # the right password, but locked
    assert response.status_code == 429 and signed_in_as(client) is None
    # amara has never signed in, so she has no account here yet: the trail keeps only the keyed
    # digest of the typed name, never the name itself.
    _, details = typed_username("amara")
    assert AuditEntry.objects.filter(action="auth.lockout", actor_username="", details=details).exists()


def test_directory_session_has_the_same_idle_timeout(client, ldap_directory):
    sign_in(client, "amara")
    _set_session_clock(client, started_ago=3600, last_seen_ago=15 * 60 + 5)
    response = client.get(reverse("assessments:case_list"))
    assert response.status_code == 302 and signed_in_as(client) is None


def test_a_local_account_is_never_taken_over_from_the_directory(client, ldap_directory):
    local = make_user("amara", roles.TUMOR_BOARD)  # e.g. a break-glass or small-site account
    sign_in(client, "amara")  # the directory's password for the directory's amara
    assert signed_in_as(client) is None
    local.refresh_from_db()
    assert local.first_name == "Amara" and local.email == "" and role_names(local) == {roles.TUMOR_BOARD}
    assert local.check_password(PASSWORD)


def test_local_accounts_still_sign_in_with_the_directory_on(client, ldap_directory):
    make_user("alice", roles.CLINICIAN)
    sign_in(client, "alice", PASSWORD)
    assert signed_in_as(client).username == "alice"
    assert client.session["auth_method"] == "local"
    assert AuditEntry.objects.filter(action="auth.login").latest("pk").details == {"method": "local"}


@pytest.mark.parametrize("username", ["amara)(uid=*", "*", "amara,ou=people", "amara\x00"])
def test_a_name_that_is_no_directory_username_is_refused(client, ldap_directory, username):
    sign_in(client, username, slapd.PASSWORDS["amara"])
    assert signed_in_as(client) is None


def test_ldaps_with_the_hospital_ca_signs_in(client, ldap_directory, slapd_server, settings, monkeypatch):
    configure(settings, monkeypatch, {"LDAP_URL": slapd_server.ldaps_url, "LDAP_START_TLS": "false"})
    sign_in(client, "amara")
    assert signed_in_as(client).username == "amara"


@pytest.mark.parametrize("tls", ["starttls", "ldaps"])
def test_a_certificate_the_ca_file_does_not_vouch_for_is_refused(
    client, ldap_directory, slapd_server, settings, monkeypatch, tls
):
    env = {"LDAP_CA_FILE": "/etc/ssl/certs/ca-certificates.crt"}  # the public CAs, not the hospital's
    if tls == "ldaps":
        env |= {"LDAP_URL": slapd_server.ldaps_url, "LDAP_START_TLS": "false"}
    configure(settings, monkeypatch, env)
    sign_in(client, "amara")
    assert signed_in_as(client) is None


def test_an_unreachable_directory_refuses_cleanly_and_local_accounts_still_work(
    client, ldap_directory, settings, monkeypatch
):
    configure(settings, monkeypatch, {"LDAP_URL": "ldap://127.0.0.1:9", "LDAP_TIMEOUT_SECONDS": "2"})
    response = sign_in(client, "amara")
    assert response.status_code == 200 and signed_in_as(client) is None
    make_user("alice", roles.CLINICIAN)
    sign_in(client, "alice", PASSWORD)
    assert signed_in_as(client).username == "alice"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LDAP_URL": "http://dc1.hospital.test"}, "LDAP_URL must be ldap://"),
        ({"LDAP_URL": "ldaps://dc1.hospital.test"}, "LDAP_SEARCH_BASE is required"),
        (
            {
                "LDAP_URL": "ldap://dc1.hospital.test",
                "LDAP_SEARCH_BASE": "dc=hospital",
                "LDAP_BIND_DN": "cn=reader",
                "LDAP_BIND_PASSWORD": "x",
            },
            "would send passwords in clear",
        ),
        (
            {
                "LDAP_URL": "ldap://dc1.hospital.test",
                "LDAP_SEARCH_BASE": "dc=hospital",
                "LDAP_BIND_DN": "cn=reader",
                "LDAP_BIND_PASSWORD": "x",
                "LDAP_START_TLS": "maybe",
            },
            "LDAP_START_TLS must be",
        ),
    ],
)
def test_a_bad_directory_setting_stops_start_up_naming_the_variable(settings, monkeypatch, env, message):
    for name in ("LDAP_SEARCH_BASE", "LDAP_BIND_DN", "LDAP_BIND_PASSWORD", "LDAP_START_TLS"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ImproperSetting, match=message):
        configure(settings, monkeypatch, env)
