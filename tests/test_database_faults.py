"""Database faults are a pause, not a 500: 503 with Retry-After and a plain page; saves are idempotent.

The database really fails here: the request's connection is pointed at a closed port on
127.0.0.1, so psycopg's connection attempt is refused exactly as while PostgreSQL restarts.
"""

from __future__ import annotations

import socket
import uuid

import pytest
from django.db import connections
from django.db.backends.postgresql.base import DatabaseWrapper
from django.urls import reverse

from assessments.models import Case
from tests.factories import form_post, make_case

HX = {"HX-Request": "true"}


def _closed_port() -> int:
    # Bind and release: nothing listens there afterwards (the kernel does not reuse it at once).
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_down(db):
    """While the test runs, the app's ``default`` connection goes to a PostgreSQL that is not there."""
    original = connections["default"]
    settings_dict = connections.configure_settings(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "escc",
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": str(_closed_port()),
                "OPTIONS": {"connect_timeout": 2},
                "CONN_HEALTH_CHECKS": True,
            }
        }
    )["default"]
    connections["default"] = DatabaseWrapper(settings_dict, alias="default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = original


@pytest.fixture
def down_client(alice_client, database_down):
    # The test client re-raises what Django logs as a request exception; a browser sees the response.
    alice_client.raise_request_exception = False
    return alice_client


def test_page_is_503_with_retry_after_and_plain_page(down_client):
    response = down_client.get(reverse("home"))
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    assert "The service is restarting" in body
    assert "Nothing was saved." in body
    assert "<script" not in body and "style=" not in body
    assert "Content-Security-Policy" in response


def test_htmx_partial_is_503_with_retry_after(down_client):
    response = down_client.post(reverse("assessments:case_create"), form_post(), headers=HX)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Nothing was saved." in response.content.decode()


def test_failed_save_says_nothing_was_saved_and_how_to_repeat_it(down_client):
    response = down_client.post(reverse("assessments:case_create"), form_post())
    body = response.content.decode()
    assert response.status_code == 503
    assert "Nothing was saved." in body
    assert "reload this page" in body


def test_log_in_is_503_too(client, database_down):
    client.raise_request_exception = False
    page = client.get(reverse("login"))  # needs no database: no session yet
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(reverse("login"), {"csrfmiddlewaretoken": token, "username": "alice", "password": "x"})
    assert page.status_code == 200
    assert response.status_code == 503
    assert "The service is restarting" in response.content.decode()


def test_fault_in_a_view_is_caught_by_the_middleware_and_logged(client, database_down, caplog):
    # No session yet: the first query is the log-in view's own, so the middleware's
    # process_exception answers (a fault in the session middleware goes through handler500).
    page = client.get(reverse("login"))
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(reverse("login"), {"csrfmiddlewaretoken": token, "username": "alice", "password": "x"})
    assert response.status_code == 503
    assert any(r.name == "escc_site.middleware" and r.levelname == "WARNING" for r in caplog.records)


def test_healthz_stays_json_503(client, database_down):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_other_errors_are_still_500(alice_client, monkeypatch):
    from escc_site import views

    def broken(*args, **kwargs):
        raise RuntimeError("not a database fault")

    monkeypatch.setattr(views.selectors, "recent_cases_for_owner", broken)
    alice_client.raise_request_exception = False
    response = alice_client.get(reverse("home"))
    assert response.status_code == 500


# --- Idempotent saves ------------------------------------------------------------------------


def test_repeated_new_case_save_creates_one_case(alice_client, alice):
    data = form_post(save_token=str(uuid.uuid4()))
    first = alice_client.post(reverse("assessments:case_create"), data)
    again = alice_client.post(reverse("assessments:case_create"), data)
    case = Case.objects.get()
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] == case.get_absolute_url()
    assert case.history.count() == 1


def test_new_case_saves_with_different_tokens_are_two_cases(alice_client):
    alice_client.post(reverse("assessments:case_create"), form_post(save_token=str(uuid.uuid4())))
    alice_client.post(reverse("assessments:case_create"), form_post(save_token=str(uuid.uuid4())))
    assert Case.objects.count() == 2


def test_repeated_edit_save_creates_one_version(alice_client, alice):
    case = make_case(alice)
    data = form_post(version="1", sins_pain="mechanical", save_token=str(uuid.uuid4()))
    first = alice_client.post(reverse("assessments:case_edit", args=[case.pk]), data)
    again = alice_client.post(reverse("assessments:case_edit", args=[case.pk]), data)
    case.refresh_from_db()
    assert first.status_code == again.status_code == 302
    assert case.version == 2
    assert case.history.count() == 2


def test_another_tabs_save_of_the_same_version_is_still_a_conflict(alice_client, alice):
    case = make_case(alice)
    url = reverse("assessments:case_edit", args=[case.pk])
    alice_client.post(url, form_post(version="1", sins_pain="pain_free", save_token=str(uuid.uuid4())))
    response = alice_client.post(url, form_post(version="1", sins_pain="mechanical", save_token=str(uuid.uuid4())))
    assert response.status_code == 409


def test_form_pages_carry_a_fresh_save_token(alice_client, alice):
    case = make_case(alice)
    for url in (reverse("assessments:case_create"), reverse("assessments:case_edit", args=[case.pk])):
        bodies = [alice_client.get(url).content.decode() for _ in range(2)]
        tokens = [b.split('name="save_token" value="', 1)[1].split('"', 1)[0] for b in bodies]
        assert uuid.UUID(tokens[0]) != uuid.UUID(tokens[1])


def test_malformed_save_token_is_refused_with_the_entries_kept(alice_client):
    response = alice_client.post(reverse("assessments:case_create"), form_post(save_token="not-a-token"))
    assert response.status_code == 422
    assert Case.objects.count() == 0
    assert 'value="Ann Example"' in response.content.decode()
