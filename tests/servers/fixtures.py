"""Fixtures for the real sign-in servers: Debian's slapd and an OpenID provider (npm's oidc-provider).

Each server starts once per test session on 127.0.0.1 (ports from
``SSO_TEST_BASE_PORT``, default 20500: slapd +1 and +2 (LDAPS), the provider +3).
Without slapd or Node and the provider's packages the tests that need them
skip with the reason; with ``REQUIRE_SSO_SERVERS=1`` (as .ci/run sets) they fail.

The app is configured for a test the way a hospital configures it: the
environment variables of docs/deployment.md are set and escc_site/settings.py
is evaluated again, and its sign-in settings replace the test settings.
"""

from __future__ import annotations

import os
import runpy
import socket
from pathlib import Path

import ldap3
import pytest

from tests.servers import oidc, slapd

BASE_PORT = int(os.environ.get("SSO_TEST_BASE_PORT", "20500"))
SETTINGS_FILE = Path(__file__).resolve().parents[2] / "escc_site" / "settings.py"
HOSPITAL = "St Elsewhere Hospital"


def ports(*offsets: int) -> list[int]:
    """Ports from ``SSO_TEST_BASE_PORT``, refused up front if taken (say by another test run's server)."""
    chosen = [BASE_PORT + offset for offset in offsets]
    for port in chosen:
        with socket.socket() as probe:
            # SO_REUSEADDR: a closed earlier run's TIME_WAIT sockets do not count, a listener does.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                pytest.fail(f"127.0.0.1:{port} is in use: set SSO_TEST_BASE_PORT to a free range", pytrace=False)
    return chosen


def unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_SSO_SERVERS"):
        pytest.fail(f"REQUIRE_SSO_SERVERS is set but {reason}", pytrace=False)
    pytest.skip(f"sign-in server not available: {reason}")


def configure(settings, monkeypatch, env: dict[str, str]) -> None:
    """Set ``env`` and apply the sign-in settings that escc_site/settings.py derives from it."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    derived = runpy.run_path(str(SETTINGS_FILE))
    for name, value in derived.items():
        if name.startswith(("LDAP_", "OIDC_")) or name in (
            "AUTHENTICATION_BACKENDS",
            "LOGIN_REDIRECT_URL_FAILURE",
            "CONTENT_SECURITY_POLICY",
        ):
            setattr(settings, name, value)


# --- LDAP ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def slapd_server(tmp_path_factory):
    reason = slapd.missing()
    if reason:
        unavailable(reason)
    process, directory = slapd.start(tmp_path_factory.mktemp("slapd") / "run", *ports(1, 2))
    yield directory
    process.terminate()
    process.wait(timeout=10)


def ldap_env(directory: slapd.Directory) -> dict[str, str]:
    """A hospital's LDAP configuration for the test directory: StartTLS with the certificate verified."""
    return {
        "LDAP_URL": directory.url,
        "LDAP_START_TLS": "true",
        "LDAP_CA_FILE": str(directory.ca_file),
        "LDAP_SEARCH_BASE": f"ou=people,{directory.base}",
        "LDAP_BIND_DN": slapd.READER_DN,
        "LDAP_BIND_PASSWORD": slapd.READER_PASSWORD,
        "LDAP_USER_FILTER": "(!(pwdAccountLockedTime=*))",
        "LDAP_CLINICIAN_GROUP_DN": directory.group_dn("escc-clinicians"),
        "LDAP_TUMOR_BOARD_GROUP_DN": directory.group_dn("escc-tumor-board"),
        "LDAP_STAFF_GROUP_DN": directory.group_dn("escc-admins"),
    }


class DirectoryEdits:
    """Changes a test makes in the shared test directory, undone after the test."""

    def __init__(self, directory: slapd.Directory) -> None:
        self.directory = directory
        self._undo: list[tuple[str, dict]] = []

    def _modify(self, dn: str, change: dict, undo: dict) -> None:
        with self.directory.admin() as connection:
            connection.modify(dn, change)
        self._undo.append((dn, undo))

    def remove_from_group(self, uid: str, group: str) -> None:
        member = self.directory.user_dn(uid)
        self._modify(
            self.directory.group_dn(group),
            {"member": [(ldap3.MODIFY_DELETE, [member])]},
            {"member": [(ldap3.MODIFY_ADD, [member])]},
        )

    def disable(self, uid: str) -> None:
        """Lock the account the OpenLDAP way (password policy): it can no longer bind or be found."""
        self._modify(
            self.directory.user_dn(uid),
            {"pwdAccountLockedTime": [(ldap3.MODIFY_REPLACE, ["000001010000Z"])]},
            {"pwdAccountLockedTime": [(ldap3.MODIFY_DELETE, [])]},
        )

    def rename(self, uid: str, given_name: str) -> None:
        with self.directory.admin() as connection:
            connection.search(self.directory.user_dn(uid), "(objectClass=*)", ldap3.BASE, attributes=["givenName"])
            old = str(connection.entries[0].givenName)
        self._modify(
            self.directory.user_dn(uid),
            {"givenName": [(ldap3.MODIFY_REPLACE, [given_name])]},
            {"givenName": [(ldap3.MODIFY_REPLACE, [old])]},
        )

    def undo(self) -> None:
        with self.directory.admin() as connection:
            for dn, change in reversed(self._undo):
                connection.modify(dn, change)
        self._undo.clear()


@pytest.fixture
def ldap_directory(settings, monkeypatch, slapd_server):
    """The app signing in against the test directory; yields the directory's editor."""
    configure(settings, monkeypatch, ldap_env(slapd_server))
    edits = DirectoryEdits(slapd_server)
    yield edits
    edits.undo()


# --- OpenID Connect ----------------------------------------------------------------


@pytest.fixture(scope="session")
def oidc_server(tmp_path_factory, live_server):
    reason = oidc.missing()
    if reason:
        unavailable(reason)
    process, provider = oidc.start(tmp_path_factory.mktemp("oidc"), *ports(3), live_server.url)
    yield provider
    process.terminate()
    process.wait(timeout=10)


def oidc_env(provider: oidc.Provider) -> dict[str, str]:
    """A hospital's single sign-on configuration, with the endpoints the provider publishes."""
    meta = provider.metadata
    return {
        "OIDC_CLIENT_ID": oidc.CLIENT_ID,
        "OIDC_CLIENT_SECRET": oidc.CLIENT_SECRET,
        "OIDC_PROVIDER_NAME": HOSPITAL,
        "OIDC_AUTHORIZATION_ENDPOINT": meta["authorization_endpoint"],
        "OIDC_TOKEN_ENDPOINT": meta["token_endpoint"],
        "OIDC_USERINFO_ENDPOINT": meta["userinfo_endpoint"],
        "OIDC_JWKS_ENDPOINT": meta["jwks_uri"],
        "OIDC_END_SESSION_ENDPOINT": meta["end_session_endpoint"],
        "OIDC_CLINICIAN_GROUPS": "escc-clinicians",
        "OIDC_TUMOR_BOARD_GROUPS": "escc-tumor-board",
        "OIDC_STAFF_GROUPS": "escc-admins",
    }


@pytest.fixture
def oidc_provider(settings, monkeypatch, oidc_server):
    """The app signing in through the test OpenID provider; yields the provider (accounts reset)."""
    oidc_server.reset_accounts()
    configure(settings, monkeypatch, oidc_env(oidc_server))
    yield oidc_server
    oidc_server.reset_accounts()
