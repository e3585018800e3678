"""Shared fixtures: the model users alice and bob (clinicians), carol (tumor board), dave (admin)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from accounts import roles

PASSWORD = "correct-horse-battery-staple"


def make_user(username: str, group: str | None = None, *, is_staff: bool = False) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=username.title())
    user.is_staff = is_staff
    user.save()
    if group:
        # get_or_create: transactional (browser) tests flush the groups the migration made.
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def alice(db) -> User:
    return make_user("alice", roles.CLINICIAN)


@pytest.fixture
def bob(db) -> User:
    return make_user("bob", roles.CLINICIAN)


@pytest.fixture
def carol(db) -> User:
    return make_user("carol", roles.TUMOR_BOARD)


@pytest.fixture
def dave(db) -> User:
    return make_user("dave", is_staff=True)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def carol_client(client, carol):
    client.force_login(carol)
    return client


@pytest.fixture
def dave_client(client, dave):
    client.force_login(dave)
    return client


# The real sign-in servers (slapd, an OpenID provider) for the directory and single sign-on tests.
from tests.servers.fixtures import ldap_directory, oidc_provider, oidc_server, slapd_server  # noqa: E402, F401
