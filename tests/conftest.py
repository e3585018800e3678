"""Shared fixtures: the model users alice and bob (clinicians), carol (tumor board), dave (admin)."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.test.testcases import LiveServerThread

from accounts import roles

PASSWORD = "correct-horse-battery-staple"


# When the test database is migrated: before every time the tests stand the clock at. ``migrate``
# writes the audit trail's first entry, and no later entry is ever dated before it.
MIGRATED_AT = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


class SharedSQLiteServer(ThreadedWSGIServer):
    """The live server, answering one request at a time when its threads share one SQLite connection.

    An in-memory SQLite test database is one connection that every server thread uses (pytest-django
    passes it to them). Two requests at once, say a working-copy post while the user clicks *Save*,
    then open a transaction inside the other's ("cannot start a transaction within a transaction")
    and the app rightly answers 503. A real database gives each thread its own connection, so only
    the shared one is serialised; a response is read whole, inside the lock, because a streamed one
    (a CSV export) still queries while it is sent.
    """

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    body = b"".join(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()
            return [body]

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = SharedSQLiteServer


@pytest.fixture(scope="session")
def _clock_at_migration():
    traveller = time_machine.travel(MIGRATED_AT, tick=False)
    traveller.start()
    return traveller


@pytest.fixture(scope="session")
def django_db_setup(_clock_at_migration, django_db_setup):
    """pytest-django's test database, migrated at ``MIGRATED_AT``."""
    _clock_at_migration.stop()


@receiver(post_migrate)
def trail_starts_as_migrate_leaves_it(sender, using="default", **kwargs) -> None:
    """After a transactional test empties every table, put back the keyed marker ``migrate`` wrote.

    ``migrate`` starts the audit trail with an ``audit.keyed`` entry and ``verify_audit`` fails a
    trail without it; the flush between transactional tests emits ``post_migrate`` afterwards.
    """
    from audit.models import AuditEntry
    from audit.services import audit_keying_mark

    if sender.name == "audit" and not AuditEntry.objects.using(using).exists():
        with time_machine.travel(MIGRATED_AT, tick=False):
            audit_keying_mark()


@receiver(post_migrate)
def role_groups_as_migrate_leaves_them(sender, using="default", **kwargs) -> None:
    """After a transactional test empties every table, put back the role groups a migration made.

    Tests that run after a browser test (``live_server`` flushes the database) see the database as
    ``migrate`` left it, groups included, whatever order the tests run in.
    """
    if sender.name == "assessments":
        for name in roles.ROLE_GROUPS:
            Group.objects.using(using).get_or_create(name=name)


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
def rita(db) -> User:
    """A referrer (an emergency doctor of another hospital)."""
    return make_user("rita", roles.REFERRER)


@pytest.fixture
def colin(db) -> User:
    """The network's MSCC coordinator."""
    return make_user("colin", roles.COORDINATOR)


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
