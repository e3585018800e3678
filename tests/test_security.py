"""Least privilege, user administration, log-in protection, sessions, browser hardening, bad input."""

from __future__ import annotations

import datetime
import json
import time

import pytest
from axes.models import AccessAttempt
from django import forms as django_forms
from django.contrib import admin
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.test import Client
from django.urls import URLPattern, reverse

from accounts import roles
from accounts.models import RoleGrantRequest
from assessments import urls as case_urls
from assessments.cases import services
from assessments.cases.forms import CleanCharField, PatientForm, reject_hidden_characters
from assessments.models import Case
from audit.models import AuditEntry
from board import services as board_services
from board import urls as board_urls
from tests.conftest import PASSWORD
from tests.factories import PATIENT, form_post, make_case
from tests.test_foundation import PRODUCTION_ENV, run_manage

WRONG = "not-the-password-1"


def login(client: Client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- Least privilege: an admin without a clinical role sees no patient data ---


# Care teams are names and members, no patient data; admins define them in the admin.
NOT_PATIENT_DATA = {"CareTeam", "CareTeamMembership"}


def _patient_models() -> set[type]:
    from django.apps import apps

    return {m for m in apps.get_app_config("assessments").get_models() if m.__name__ not in NOT_PATIENT_DATA}


def test_no_patient_data_model_is_registered_in_the_admin():
    patient_models = _patient_models()
    assert {"Case", "CaseComment", "BoardDecision", "HistoricalCase", "Patient", "HistoricalPatient",
            "PatientRecordConflict", "CaseHandover"} <= {m.__name__ for m in patient_models}  # fmt: skip
    for model in admin.site._registry:
        assert model not in patient_models, model
        assert not model.__name__.startswith("Historical"), model
        related = {f.related_model for f in model._meta.get_fields() if f.is_relation and not f.auto_created}
        assert not related & patient_models, model


@pytest.fixture
def root(db) -> User:
    return User.objects.create_superuser("root", password=PASSWORD)


@pytest.mark.parametrize("who", ["dave", "root"])
def test_admin_index_lists_no_case_models(client, dave, root, who):
    client.force_login(dave if who == "dave" else root)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    listed = {m["object_name"] for app in response.context["app_list"] for m in app["models"]}
    assert "User" in listed
    assert not listed & {"Case", "CaseComment", "BoardDecision", "HistoricalCase"}
    assert client.get("/admin/assessments/case/").status_code == 404


@pytest.fixture
def submitted_case(alice):
    case = make_case(alice)
    return board_services.case_submit_to_board(case=case, user=alice, question="Surgery?", meeting_date=None)


def _case_url_requests(case: Case):
    """Every URL of the case app, with any id filled with the case's, plain and as HTMX."""
    for pattern in [*case_urls.urlpatterns, *board_urls.case_urlpatterns]:
        assert isinstance(pattern, URLPattern)
        kwargs = dict.fromkeys(pattern.pattern.converters, case.pk)
        url = reverse(f"assessments:{pattern.name}", kwargs=kwargs)
        yield url, {}
        yield url, {"HX-Request": "true"}


def test_admin_without_clinical_role_gets_404_on_every_case_url(dave_client, submitted_case):
    assert reverse("assessments:case_list") in [url for url, _ in _case_url_requests(submitted_case)]
    for url, headers in _case_url_requests(submitted_case):
        response = dave_client.get(url, headers=headers)
        if response.status_code == 405:
            response = dave_client.post(url, {}, headers=headers)
        assert response.status_code == 404, (url, headers, response.status_code)


def test_admin_pages_show_no_patient_data(dave_client, submitted_case):
    for url in (reverse("home"), reverse("admin:index"), reverse("admin:auth_user_changelist"),
                reverse("admin:auth_user_change", args=[submitted_case.owner_id])):  # fmt: skip
        body = dave_client.get(url).content.decode()
        assert PATIENT["patient_name"] not in body and PATIENT["mrn"] not in body, url


# --- User administration -------------------------------------------------------


def test_clinician_cannot_reach_user_administration(alice_client):
    response = alice_client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_creates_a_user_with_a_role(dave_client):
    board = Group.objects.get(name=roles.TUMOR_BOARD)
    response = dave_client.post(
        reverse("admin:auth_user_add"),
        {"username": "frank", "usable_password": "true", "password1": "a-long-new-password-9",
         "password2": "a-long-new-password-9", "first_name": "Frank", "groups": [board.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    frank = User.objects.get(username="frank")
    assert not frank.is_staff and frank.check_password("a-long-new-password-9")
    # The role waits for a second admin (tests/test_admin_accounts.py).
    assert not roles.is_board_member(frank)
    assert RoleGrantRequest.objects.get(user=frank, approved__isnull=True).role == roles.TUMOR_BOARD


def test_admin_user_creation_applies_the_password_rules(dave_client):
    response = dave_client.post(
        reverse("admin:auth_user_add"),
        {"username": "frank", "usable_password": "true", "password1": "short-9", "password2": "short-9"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="frank").exists()
    assert "at least 12 characters" in response.content.decode()


def test_user_list_shows_roles_and_last_login(dave_client, alice):
    Client().post(reverse("login"), {"username": "alice", "password": PASSWORD})
    alice.refresh_from_db()
    response = dave_client.get(reverse("admin:auth_user_changelist"))
    body = response.content.decode()
    assert "Last login" in body and roles.CLINICIAN in body
    assert alice.last_login is not None


def test_admin_role_choices_are_the_clinical_roles_only(dave_client, alice):
    Group.objects.create(name="Ward clerks")
    form = dave_client.get(reverse("admin:auth_user_change", args=[alice.pk])).context["adminform"].form
    assert {g.name for g in form.fields["groups"].queryset} == set(roles.ROLE_GROUPS)
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    assert "last_login" not in form.fields  # shown read-only


def test_staff_admin_cannot_make_anyone_superuser(dave_client, alice):
    clinician = Group.objects.get(name=roles.CLINICIAN)
    dave_client.post(
        reverse("admin:auth_user_change", args=[alice.pk]),
        {"username": "alice", "is_active": "on", "groups": [clinician.pk], "is_superuser": "on",
         "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"},
    )  # fmt: skip
    alice.refresh_from_db()
    assert not alice.is_superuser


def test_staff_admin_cannot_change_a_superuser(dave_client, root):
    assert dave_client.post(reverse("admin:auth_user_password_change", args=[root.pk]), {}).status_code == 403
    form_page = dave_client.get(reverse("admin:auth_user_change", args=[root.pk]))
    assert form_page.context["has_change_permission"] is False


def test_users_are_deactivated_not_deleted(dave_client, alice):
    response = dave_client.get(reverse("admin:auth_user_delete", args=[alice.pk]))
    assert response.status_code == 403
    response = dave_client.post(
        reverse("admin:auth_user_changelist"), {"action": "deactivate_users", "_selected_action": [alice.pk]}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active
    refused = Client()
    login(refused, "alice", PASSWORD)
    assert not logged_in(refused)
    assert AuditEntry.objects.filter(action="user.deactivate", target_id=str(alice.pk)).exists()


def test_admin_cannot_deactivate_themselves(dave_client, dave):
    dave_client.post(
        reverse("admin:auth_user_changelist"), {"action": "deactivate_users", "_selected_action": [dave.pk]}
    )
    dave.refresh_from_db()
    assert dave.is_active


def test_forced_password_reset_locks_the_password_and_ends_sessions(dave_client, dave, alice):
    alice_browser = Client()
    login(alice_browser, "alice", PASSWORD)
    assert alice_browser.get(reverse("assessments:case_list")).status_code == 200
    response = dave_client.post(
        reverse("admin:auth_user_changelist"), {"action": "force_password_reset", "_selected_action": [alice.pk]}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.has_usable_password()
    assert alice_browser.get(reverse("assessments:case_list")).status_code == 302  # old session ended
    fresh = Client()
    login(fresh, "alice", PASSWORD)
    assert not logged_in(fresh)
    entry = AuditEntry.objects.get(action="user.password_reset")
    assert (entry.actor, entry.target_repr, entry.details) == (dave, "alice", {"method": "unusable_password"})


def test_admin_setting_a_new_password_is_recorded(dave_client, dave, alice):
    response = dave_client.post(
        reverse("admin:auth_user_password_change", args=[alice.pk]),
        {"usable_password": "true", "password1": "a-fresh-password-42", "password2": "a-fresh-password-42"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-fresh-password-42")
    entry = AuditEntry.objects.get(action="user.password_reset")
    assert (entry.actor, entry.details) == (dave, {"method": "set_by_admin"})


# --- Log-in protection ---------------------------------------------------------


def test_five_failed_logins_lock_even_the_right_password_out(client, alice):
    for _ in range(5):
        login(client, "alice", WRONG)
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    assert not logged_in(client)


def test_four_failed_logins_do_not_lock(client, alice):
    for _ in range(4):
        assert login(client, "alice", WRONG).status_code == 200
    assert login(client, "alice", PASSWORD).status_code == 302


def test_lock_is_per_user_and_address(alice, bob):
    for _ in range(5):
        login(Client(), "alice", WRONG)
    same_address = Client()
    assert login(same_address, "bob", PASSWORD).status_code == 302 and logged_in(same_address)
    other_address = Client()
    assert login(other_address, "alice", PASSWORD, address="10.1.2.3").status_code == 302
    assert logged_in(other_address)


def _age_attempts(minutes: int) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes))


def test_lock_lifts_after_the_cool_off_even_if_tried_meanwhile(client, alice):
    for _ in range(5):
        login(client, "alice", WRONG)
    _age_attempts(14)
    assert login(client, "alice", PASSWORD).status_code == 429  # still locked, and the try does not restart the clock
    _age_attempts(2)  # now 16 minutes old: past the 15-minute cool-off
    assert login(client, "alice", PASSWORD).status_code == 302
    assert logged_in(client)


def test_successful_login_resets_the_failure_count(client, alice):
    for _ in range(4):
        login(client, "alice", WRONG)
    login(client, "alice", PASSWORD)
    client.post(reverse("logout"))
    for _ in range(4):
        login(client, "alice", WRONG)
    assert login(client, "alice", PASSWORD).status_code == 302


@pytest.mark.parametrize("password", ["short-pw-1", "123456789012345", "password12345"])
def test_weak_passwords_are_refused(alice, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=alice)


def test_a_long_uncommon_password_is_accepted(alice):
    assert validate_password("ward-seven-night-shift-tea", user=alice) is None


# --- Sessions --------------------------------------------------------------------


def _set_session_clock(client: Client, *, started_ago: int, last_seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session["escc_started"], session["escc_last_seen"] = now - started_ago, now - last_seen_ago
    session.save()


def test_idle_session_is_logged_out_after_15_minutes(alice_client):
    _set_session_clock(alice_client, started_ago=3600, last_seen_ago=15 * 60 + 5)
    response = alice_client.get(reverse("assessments:case_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not logged_in(alice_client)


def test_session_ends_after_12_hours_however_active(alice_client):
    _set_session_clock(alice_client, started_ago=12 * 3600 + 5, last_seen_ago=10)
    response = alice_client.get(reverse("assessments:case_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_active_session_within_both_limits_continues(alice_client):
    _set_session_clock(alice_client, started_ago=11 * 3600, last_seen_ago=14 * 60)
    assert alice_client.get(reverse("assessments:case_list")).status_code == 200


def test_idle_timeout_is_configurable(alice_client, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    _set_session_clock(alice_client, started_ago=3600, last_seen_ago=6 * 60)
    assert alice_client.get(reverse("assessments:case_list")).status_code == 302


def test_session_key_changes_at_login(client, alice):
    session = client.session
    session["probe"] = "before login"
    session.save()
    before = session.session_key
    assert login(client, "alice", PASSWORD).status_code == 302
    assert client.session.session_key != before
    assert not SessionStore().exists(before)


# --- Browser hardening -----------------------------------------------------------


def test_pages_for_a_logged_in_user_are_never_stored(alice_client, alice):
    case = make_case(alice)
    for url in (reverse("home"), reverse("assessments:case_list"), reverse("assessments:case_detail", args=[case.pk]),
                reverse("assessments:case_detail", args=[case.pk + 1000])):  # fmt: skip
        response = alice_client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert response["Pragma"] == "no-cache", url


def test_admin_and_audit_pages_are_never_stored(dave_client):
    for url in (reverse("admin:index"), reverse("audit:report"), reverse("audit:export")):
        assert "no-store" in dave_client.get(url)["Cache-Control"], url


def test_login_response_is_never_stored(client, alice):
    assert "no-store" in login(client, "alice", PASSWORD)["Cache-Control"]


def test_static_files_keep_their_cache_lifetime(alice_client):
    response = alice_client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_pages_cannot_be_framed(alice_client):
    for response in (alice_client.get(reverse("assessments:case_list")), Client().get(reverse("login"))):
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_session_and_csrf_cookies_are_httponly_and_samesite(client, alice):
    client.get(reverse("login"))
    response = login(client, "alice", PASSWORD)
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["httponly"] and session_cookie["samesite"] == "Lax"
    csrf_cookie = client.cookies["csrftoken"]
    assert csrf_cookie["httponly"] and csrf_cookie["samesite"] == "Lax"


def test_production_cookies_are_secure_httponly_samesite():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SECURE', "
        "'CSRF_COOKIE_HTTPONLY', 'CSRF_COOKIE_SAMESITE', 'X_FRAME_OPTIONS', 'SECURE_SSL_REDIRECT']}))"
    )
    result = run_manage("shell", "-v", "0", "-c", code, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True, "CSRF_COOKIE_HTTPONLY": True, "CSRF_COOKIE_SAMESITE": "Lax",
        "X_FRAME_OPTIONS": "DENY", "SECURE_SSL_REDIRECT": True,
    }  # fmt: skip


# --- Bad input ---------------------------------------------------------------------


def test_too_large_post_is_400_and_saves_nothing(alice_client, settings):
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = alice_client.post(reverse("assessments:case_create"), form_post(clinical_notes=big))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_too_large_htmx_post_is_400(alice_client, settings):
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = alice_client.post(
        reverse("assessments:case_create"), form_post(clinical_notes=big), headers={"HX-Request": "true"}
    )
    assert response.status_code == 400


def test_too_large_login_post_is_400(client, settings, db):
    response = client.post(reverse("login"), {"username": "a", "password": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    assert response.status_code == 400


def test_too_many_fields_is_400(alice_client):
    data = form_post(**{f"extra{i}": "1" for i in range(250)})
    assert alice_client.post(reverse("assessments:case_create"), data).status_code == 400


HIDDEN = {
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "zero-width space": "\u200b",
    "bell": "\x07",
    "escape": "\x1b",
    "next line (C1)": "\x85",
    "private use": "\ue000",
}


def _patient_data(**overrides: str) -> dict[str, str]:
    return {**PATIENT, "date_of_birth": "1960-05-17", **overrides}


@pytest.mark.parametrize("field", ["mrn", "patient_name", "clinical_notes"])
@pytest.mark.parametrize("char", HIDDEN.values(), ids=HIDDEN.keys())
def test_patient_form_rejects_hidden_characters(field, char):
    form = PatientForm(data=_patient_data(**{field: f"Ab{char}cd"}))
    assert form.has_error(field, "hidden_character")


def test_patient_form_keeps_ordinary_unicode_and_line_breaks():
    form = PatientForm(
        data=_patient_data(patient_name="Zoë Ñúñez-דוד", clinical_notes="Line one\r\nLine two\twith a tab")
    )
    assert not form.has_error("patient_name") and not form.has_error("clinical_notes")


def test_clean_char_field_rejects_a_bidi_override():
    with pytest.raises(django_forms.ValidationError) as error:
        CleanCharField().clean("Ann\u202eelpmaxE")
    assert [e.code for e in error.value.error_list] == ["hidden_character"]


def test_reject_hidden_characters_names_the_code_point():
    with pytest.raises(django_forms.ValidationError) as error:
        reject_hidden_characters("a\u202eb")
    assert "U+202E" in error.value.messages[0]


def test_case_with_a_bidi_override_in_the_name_is_not_saved(alice_client):
    response = alice_client.post(reverse("assessments:case_create"), form_post(patient_name="Ann\u202eelpmaxE"))
    assert response.status_code == 422
    assert not Case.objects.exists()


# --- The client's address behind the proxy (axes and the audit trail) -------------------

PROXY = "10.0.0.2"  # the hospital's reverse proxy, as the app server sees it


def login_via_proxy(client: Client, username: str, password: str, forwarded_for: str):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_audit_and_lockout_use_the_client_address_behind_the_proxy(settings, alice):
    settings.PROXY_COUNT = 1
    client = Client()
    for _ in range(5):
        login_via_proxy(client, "alice", WRONG, "192.0.2.10")
    assert set(AuditEntry.objects.filter(action="auth.login_failed").values_list("ip_address", flat=True)) == {
        "192.0.2.10"
    }
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.10"]
    # The same user from another ward PC, through the same proxy, is not locked out.
    colleague = Client()
    assert login_via_proxy(colleague, "alice", PASSWORD, "192.0.2.77").status_code == 302


def test_spoofed_forwarded_for_beyond_proxy_count_is_not_trusted(settings, alice):
    """The client sends its own X-Forwarded-For; the proxy appends the real address: only that one counts."""
    settings.PROXY_COUNT = 1
    for n in range(5):
        login_via_proxy(Client(), "alice", WRONG, f"198.51.100.{n}, 192.0.2.10")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.10"}
    assert login_via_proxy(Client(), "alice", PASSWORD, "203.0.113.9, 192.0.2.10").status_code == 429


def test_without_a_proxy_the_forwarded_for_header_is_ignored(settings, alice):
    settings.PROXY_COUNT = 0
    login_via_proxy(Client(), "alice", WRONG, "192.0.2.10")
    assert AuditEntry.objects.filter(action="auth.login_failed").get().ip_address == PROXY


def test_two_proxies_take_the_address_the_outer_one_saw(settings, rf):
    from escc_site.client_ip import client_ip

    settings.PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.10, 10.0.0.2")
    assert client_ip(request) == "192.0.2.10"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="junk, nonsense")) == "10.0.0.3"


# --- No demo accounts in production ---------------------------------------------------


def test_manage_py_does_not_guess_debug(tmp_path):
    """Without DEBUG in the environment, manage.py runs production settings: no secret key, no start."""
    result = run_manage("check", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert result.returncode != 0 and "SECRET_KEY is required" in result.stderr


def test_seed_demo_refuses_against_a_production_configuration(tmp_path):
    database = f"sqlite:///{tmp_path}/prod.sqlite3"
    env = {**PRODUCTION_ENV, "DATABASE_URL": database}
    assert run_manage("migrate", "--noinput", **env).returncode == 0
    result = run_manage("seed_demo", **env)
    assert result.returncode != 0 and "only created when DEBUG=true" in result.stderr
    # DEBUG left unset is no better: production never defaults to debug.
    env.pop("DEBUG")
    assert run_manage("seed_demo", **env).returncode != 0
    assert "escc-demo-2026" not in result.stdout


def test_seed_demo_refuses_a_database_with_real_users(db, settings, monkeypatch, alice):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.DEMO_MODE = True
    monkeypatch.setenv("DEBUG", "true")
    User.objects.create_user("real.doctor", password=PASSWORD)
    with pytest.raises(CommandError, match="account\\(s\\) besides the demo ones"):
        call_command("seed_demo")
    assert not User.objects.filter(username="dave").exists()


def test_evaluate_case_still_runs_with_no_configuration_at_all(tmp_path):
    import os
    import subprocess
    import sys

    from tests.test_foundation import ROOT, TEST_ONLY_ENV

    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV | {"DATABASE_URL"}}
    done = subprocess.run(
        [sys.executable, "manage.py", "evaluate_case", "-"],
        input=json.dumps({"id": "x"}),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and json.loads(done.stdout)["id"] == "x", done.stderr


# --- A failed log-in's typed name is kept only when it is an account's --------------------


def test_failed_login_with_an_unknown_name_does_not_store_it(client, alice):
    typed = "Tr0ub4dor&3-my-password"  # a password typed into the username box
    login(client, typed, WRONG)
    entry = AuditEntry.objects.filter(action="auth.login_failed").get()
    assert entry.actor_username == ""
    assert typed not in entry.canonical().decode()
    assert len(entry.details["unknown_username"]) == 16
    login(client, typed, WRONG)  # the same unknown name again: the same digest, so repeats show
    digests = {e.details["unknown_username"] for e in AuditEntry.objects.filter(action="auth.login_failed")}
    assert len(digests) == 1


def test_lockout_of_an_unknown_name_does_not_store_it(client, db):
    for _ in range(5):
        login(client, "my-secret-password-99", WRONG)
    entries = AuditEntry.objects.filter(action__in=["auth.login_failed", "auth.lockout"])
    assert entries.filter(action="auth.lockout").exists()
    assert all("my-secret-password-99" not in e.canonical().decode() for e in entries)


# --- Throttling per address as well as per user ----------------------------------------


def test_many_usernames_from_one_address_lock_that_address(settings, alice):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 20
    for n in range(20):  # four failures each for five names: never five for one name
        login(Client(), f"user{n % 5}", WRONG, address="192.0.2.50")
    response = login(Client(), "alice", PASSWORD, address="192.0.2.50")
    assert response.status_code == 429


def test_an_address_locked_out_does_not_lock_out_others_behind_the_same_proxy(settings, alice):
    settings.PROXY_COUNT = 1
    settings.AXES_ADDRESS_FAILURE_LIMIT = 20
    for n in range(20):
        login_via_proxy(Client(), f"user{n}", WRONG, "192.0.2.50")
    assert login_via_proxy(Client(), "alice", PASSWORD, "192.0.2.50").status_code == 429
    assert login_via_proxy(Client(), "alice", PASSWORD, "192.0.2.51").status_code == 302


def test_a_few_mistakes_by_several_people_at_one_pc_do_not_lock_it(settings, alice):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 20
    for n in range(19):
        login(Client(), f"user{n}", WRONG, address="192.0.2.60")
    assert login(Client(), "alice", PASSWORD, address="192.0.2.60").status_code == 302


# --- No 500 on bad input; each message names the field or parameter -------------------


@pytest.mark.parametrize("query", [{"q": "smith\x00"}, {"status": "\x00"}, {"page": "1\x00"}])
def test_nul_byte_in_the_case_list_query_is_400_naming_the_parameter(alice_client, query):
    response = alice_client.get(reverse("assessments:case_list"), query)
    assert response.status_code == 400
    name = next(iter(query))
    assert f"The query parameter '{name}' contains a NUL character" in response.content.decode()


def test_nul_byte_in_any_query_string_is_400(carol_client, submitted_case):
    for url in ["/board/", "/board/pack/", "/board/dashboard/", f"/cases/{submitted_case.pk}/", "/"]:
        response = carol_client.get(url + "?months=1&x%00y=2")
        assert response.status_code == 400, url
        assert "'x\\0y' contains a NUL character" in response.content.decode()


def import_file(client: Client, content: bytes):
    upload = __import__("io").BytesIO(content)
    upload.name = "case.json"
    return client.post(reverse("assessments:case_import"), {"file": upload})


def test_import_of_json_nested_thousands_of_levels_is_422_with_the_reason(alice_client):
    response = import_file(alice_client, b"[" * 20_000 + b"]" * 20_000)  # 40 KB, under the 64 KB limit
    assert response.status_code == 422
    assert "nests more than 20 levels deep" in response.content.decode()


@pytest.mark.parametrize("field", ["sins_total", "id", "hours_nonambulatory"])
def test_import_of_a_number_with_thousands_of_digits_names_the_field(alice_client, field):
    case = {**json.loads(json.dumps(form_post_case())), field: 0}
    text = json.dumps(case).replace(f'"{field}": 0', f'"{field}": {"9" * 5000}')
    response = import_file(alice_client, text.encode())
    assert response.status_code == 422
    page = response.content.decode()
    assert f"<code>{field}</code>: A number of 5000 digits" in page


def form_post_case() -> dict:
    from tests.test_vignettes import EXAMPLES

    return json.loads(EXAMPLES[0].read_text())["case"]


def test_evaluate_case_refuses_deep_nesting_and_names_huge_numbers():
    from tests.test_vignettes import run_command

    done = run_command("[" * 100_000 + "]" * 100_000, "-")
    assert done.returncode == 2 and "nests more than 20 levels deep" in done.stderr
    case = form_post_case()
    done = run_command(json.dumps({**case, "id": 0}).replace('"id": 0', '"id": ' + "7" * 6000), "-")
    result = json.loads(done.stdout)
    assert done.returncode == 1
    assert result["errors"]["id"] == ["A number of 6000 digits: far more than this field takes."]


@pytest.mark.parametrize("value", ["9" * 30, "9" * 5000, "-4", "x"])
def test_meeting_pack_with_a_bad_case_id_names_the_parameter(carol_client, submitted_case, value):
    response = carol_client.get(reverse("assessments:board_pack"), {"case": value})
    assert response.status_code in {200, 422}
    assert "The case parameter" in response.content.decode()


def test_huge_case_id_in_a_url_is_404(alice_client):
    assert alice_client.get("/cases/" + "9" * 30 + "/").status_code == 404
    assert alice_client.get("/cases/" + "9" * 5000 + "/").status_code == 404


# --- Roles need a second person; one's own password -----------------------------------


def _change_user(client: Client, user: User, groups: list[Group], **extra: str):
    return client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {"username": user.username, "is_active": "on", "groups": [g.pk for g in groups],
         "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", **extra},
    )  # fmt: skip


@pytest.mark.parametrize("role", [roles.CLINICIAN, roles.TUMOR_BOARD])
def test_staff_admin_cannot_give_himself_a_clinical_or_board_role(dave_client, dave, role):
    group = Group.objects.get(name=role)
    before = AuditEntry.objects.filter(action="user.role_change", target_id=str(dave.pk)).count()
    response = _change_user(dave_client, dave, [group], is_staff="on")
    assert response.status_code == 200
    assert "You cannot give yourself a role" in response.content.decode()
    assert not dave.groups.exists()
    assert AuditEntry.objects.filter(action="user.role_refused", target_id=str(dave.pk)).exists()
    assert AuditEntry.objects.filter(action="user.role_change", target_id=str(dave.pk)).count() == before


def test_superuser_cannot_grant_himself_a_role_either(client, root):
    client.force_login(root)
    group = Group.objects.get(name=roles.TUMOR_BOARD)
    response = client.post(
        reverse("admin:auth_user_change", args=[root.pk]),
        {"username": "root", "is_active": "on", "is_staff": "on", "is_superuser": "on", "groups": [group.pk],
         "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"},
    )  # fmt: skip
    assert response.status_code == 200 and not root.groups.exists()


def test_a_self_grant_behind_the_form_is_refused_at_the_write(dave, rf):
    from audit.services import current_request
    from audit.signals import SelfGrantRefused

    request = rf.post("/admin/")
    request.user = dave
    token = current_request.set(request)
    try:
        with pytest.raises(SelfGrantRefused), transaction.atomic():
            dave.groups.add(Group.objects.get(name=roles.CLINICIAN))
        with pytest.raises(SelfGrantRefused), transaction.atomic():
            Group.objects.get(name=roles.TUMOR_BOARD).user_set.add(dave)
    finally:
        current_request.reset(token)
    assert not dave.groups.exists()


def test_a_grant_by_another_admin_is_recorded_with_who_approved_it(dave_client, dave, db):
    erin = User.objects.create_user("erin", password=PASSWORD, is_staff=True)
    frank = User.objects.create_user("frank", password=PASSWORD, is_staff=True)
    group = Group.objects.get(name=roles.CLINICIAN)
    response = _change_user(dave_client, erin, [group], is_staff="on")
    assert response.status_code == 302 and not erin.groups.exists()
    grant = RoleGrantRequest.objects.get(user=erin)
    second = Client()
    second.force_login(frank)
    second.post(
        reverse("admin:accounts_rolegrantrequest_changelist"), {"action": "approve", "_selected_action": [grant.pk]}
    )
    entry = AuditEntry.objects.filter(action="user.role_change", target_id=str(erin.pk)).latest("seq")
    assert (entry.actor, entry.details) == (
        frank,
        {"added": [roles.CLINICIAN], "approved_by": "frank", "requested_by": "dave"},
    )


def test_a_user_changes_her_own_password(client, alice):
    login(client, "alice", PASSWORD)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-brand-new-secret-77", "new_password2": "a-brand-new-secret-77"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-secret-77")
    assert logged_in(client)  # the session survives its own password change
    entry = AuditEntry.objects.get(action="user.password_change")
    assert (entry.actor, entry.details) == (alice, {"forced": False})


def test_password_change_needs_the_old_password_and_the_rules(alice_client, alice):
    response = alice_client.post(
        reverse("password_change"), {"old_password": WRONG, "new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_after_a_forced_reset_the_user_must_change_the_password_first(dave_client, alice):
    dave_client.post(
        reverse("admin:auth_user_changelist"), {"action": "force_password_reset", "_selected_action": [alice.pk]}
    )
    dave_client.post(
        reverse("admin:auth_user_password_change", args=[alice.pk]),
        {"usable_password": "true", "password1": "set-by-the-admin-42", "password2": "set-by-the-admin-42"},
    )
    browser = Client()
    login(browser, "alice", "set-by-the-admin-42")
    assert logged_in(browser)
    response = browser.get(reverse("assessments:case_list"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    page = browser.get(reverse("password_change"))
    assert 'data-testid="password-change-required"' in page.content.decode()
    browser.post(
        reverse("password_change"),
        {"old_password": "set-by-the-admin-42", "new_password1": "only-alice-knows-this-7",
         "new_password2": "only-alice-knows-this-7"},
    )  # fmt: skip
    assert browser.get(reverse("assessments:case_list")).status_code == 200
    assert AuditEntry.objects.get(action="user.password_change").details == {"forced": True}


# --- Check --deploy is clean in every configuration docs/deployment.md allows -------------

DOCUMENTED_CONFIGURATIONS = {
    "defaults": {},
    "behind a redirecting TLS proxy": {
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_PROXY_SSL_HEADER_ENABLED": "true",
        "PROXY_COUNT": "1",
        "CSRF_TRUSTED_ORIGINS": "https://escc.hospital.example",
    },
    "behind two proxies, Django redirecting": {"SECURE_PROXY_SSL_HEADER_ENABLED": "true", "PROXY_COUNT": "2"},
    "PostgreSQL, tuned limits": {
        "DATABASE_URL": "postgres://escc:secret@db.hospital.example:5432/escc",
        "DB_CONN_MAX_AGE": "0",
        "SESSION_IDLE_MINUTES": "30",
        "AXES_FAILURE_LIMIT": "10",
        "AXES_ADDRESS_FAILURE_LIMIT": "50",
        "SECURE_HSTS_SECONDS": "63072000",
        "AUDIT_HMAC_PREVIOUS_KEYS": "an-older-audit-key-that-was-rotated-out-0123",
    },
}


@pytest.mark.parametrize("extra", DOCUMENTED_CONFIGURATIONS.values(), ids=DOCUMENTED_CONFIGURATIONS.keys())
def test_deploy_check_is_clean_in_every_documented_configuration(extra):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION_ENV, **extra})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_redirect_check_is_silenced_only_when_the_proxy_redirects():
    result = run_manage("diffsettings", **PRODUCTION_ENV)
    assert "SILENCED_SYSTEM_CHECKS" not in result.stdout  # Django redirects: nothing silenced
    result = run_manage("diffsettings", **{**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": "false"})
    assert "SILENCED_SYSTEM_CHECKS = ['security.W008']" in result.stdout


# --- Two-factor sign-in for local accounts (django-otp: TOTP + recovery codes) ----------


def current_code(user: User) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).latest("pk")
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client: Client, user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticToken

    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200 and 'data-testid="totp-key"' in page.content.decode()
    done = client.post(reverse("two_factor_setup"), {"token": current_code(user), "next": "/admin/"})
    assert done.status_code == 200 and 'data-testid="recovery-codes"' in done.content.decode()
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    return codes


@pytest.fixture
def two_factor_for_staff(settings):
    settings.TWO_FACTOR = "staff"


def test_staff_admin_must_set_up_two_factor_before_anything(two_factor_for_staff, client, dave):
    login(client, "dave", PASSWORD)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))
    assert client.get("/audit/").status_code == 302
    enrol(client, dave)
    assert client.get(reverse("admin:index")).status_code == 200
    assert AuditEntry.objects.filter(action="user.otp_enrol", target_id=str(dave.pk)).exists()


def test_enrolled_admin_needs_the_current_code_at_each_sign_in(two_factor_for_staff, settings, client, dave):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's back-off after the wrong code is tested by django-otp
    login(client, "dave", PASSWORD)
    enrol(client, dave)
    # As if enrolment was 30 seconds ago: a code is accepted only once per time step.
    TOTPDevice.objects.filter(user=dave).update(last_t=F("last_t") - 1)
    client.post(reverse("logout"))
    login(client, "dave", PASSWORD)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"token": "000000" if current_code(dave) != "000000" else "1"})
    assert wrong.status_code == 422 and "That code is not right" in wrong.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302
    right = client.post(reverse("two_factor_verify"), {"token": current_code(dave), "next": "/admin/"})
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200
    assert AuditEntry.objects.filter(action="auth.otp_failed").count() == 1


def test_a_recovery_code_signs_in_once(two_factor_for_staff, client, dave):
    login(client, "dave", PASSWORD)
    codes = enrol(client, dave)
    for attempt in range(2):
        client.post(reverse("logout"))
        login(client, "dave", PASSWORD)
        response = client.post(reverse("two_factor_verify"), {"token": codes[0]})
        assert response.status_code == (302 if attempt == 0 else 422)
    assert AuditEntry.objects.filter(action="auth.otp_verified").latest("seq").details == {"kind": "recovery_code"}


def test_two_factor_is_optional_for_clinicians_and_asked_once_set_up(two_factor_for_staff, client, alice):
    login(client, "alice", PASSWORD)
    assert client.get(reverse("assessments:case_list")).status_code == 200
    enrol(client, alice)
    client.post(reverse("logout"))
    login(client, "alice", PASSWORD)
    assert client.get(reverse("assessments:case_list")).status_code == 302


def test_site_setting_all_requires_it_of_everyone(settings, client, alice):
    settings.TWO_FACTOR = "all"
    login(client, "alice", PASSWORD)
    assert client.get(reverse("assessments:case_list"))["Location"].startswith(reverse("two_factor_setup"))


def test_site_setting_off_asks_nobody(settings, client, dave):
    settings.TWO_FACTOR = "off"
    login(client, "dave", PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 200


class DirectoryBackend(ModelBackend):
    """Stands in for a directory sign-in backend (LDAP, OpenID Connect)."""


def test_directory_sign_in_is_exempt(two_factor_for_staff, settings, client, dave):
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "tests.test_security.DirectoryBackend"]
    client.force_login(dave, backend="tests.test_security.DirectoryBackend")
    assert client.get(reverse("admin:index")).status_code == 200
    client.force_login(dave, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("admin:index")).status_code == 302


def test_unknown_two_factor_setting_stops_start_up():
    result = run_manage("check", **{**PRODUCTION_ENV, "TWO_FACTOR": "sometimes"})
    assert result.returncode != 0 and "TWO_FACTOR must be one of off/staff/all" in result.stderr


# --- Care teams give no one outside the clinical role a way in ---------------------------------


@pytest.fixture
def team_with_case(alice):
    from assessments.models import CareTeam

    team = CareTeam.objects.create(name="Spinal oncology")
    team.members.add(alice)
    case = services.case_share_with_team(case=make_case(alice), user=alice, team=team)
    return team, case


@pytest.mark.parametrize("who", ["carol", "dave"])
def test_team_membership_without_the_clinician_role_shows_no_team_case(client, team_with_case, carol, dave, who):
    team, case = team_with_case
    user = {"carol": carol, "dave": dave}[who]
    team.members.add(user)  # an admin's slip: a board member or an admin put in a care team
    client.force_login(user)
    for url, headers in _case_url_requests(case):
        response = client.get(url, headers=headers)
        if response.status_code == 405:
            response = client.post(url, {}, headers=headers)
        if who == "carol" and url in {
            reverse("assessments:board_queue"),
            reverse("assessments:board_dashboard"),
            reverse("assessments:board_queue_csv"),
            reverse("assessments:board_pack"),
        }:
            continue  # her own pages: the draft is not in them (tests/test_board.py)
        assert response.status_code == 404, (url, headers, response.status_code)


def test_team_admin_pages_show_no_patient_data(client, team_with_case, db):
    team, _shared = team_with_case
    root = User.objects.create_superuser("root13", password=PASSWORD)
    client.force_login(root)
    for url in (reverse("admin:assessments_careteam_changelist"),
                reverse("admin:assessments_careteam_change", args=[team.pk])):  # fmt: skip
        body = client.get(url).content.decode()
        assert "Spinal oncology" in body
        assert PATIENT["patient_name"] not in body and PATIENT["mrn"] not in body, url


def test_a_forged_share_or_handover_post_is_refused(alice_client, alice, carol, team_with_case):
    _, case = team_with_case
    response = alice_client.post(reverse("assessments:case_share", args=[case.pk]), {"team": "999999"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.team is not None and case.team.name == "Spinal oncology"  # unchanged
    forged = alice_client.post(
        reverse("assessments:case_handover_propose", args=[case.pk]), {"to_user": str(carol.pk), "note": "x"}
    )
    assert forged.status_code == 422  # carol is not a clinician: not in the choices
    assert not case.handovers.exists()


@pytest.mark.parametrize("length", [151, 256, 100_000])
def test_a_sign_in_name_longer_than_any_account_is_refused_naming_the_field(client, alice, length):
    response = login(client, "a" * length, WRONG)
    assert response.status_code == 200
    assert not logged_in(client)
    assert "Username" in response.content.decode()
    assert "characters" in response.content.decode()
