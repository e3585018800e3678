"""The ground every other feature stands on: settings, login, health check, assets."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from escc_site.env import ImproperSetting, env_bool, env_int

ROOT = Path(__file__).resolve().parents[1]


# Variables the test settings set for the in-process suite; a subprocess gets a clean slate.
TEST_ONLY_ENV = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "AUDIT_HMAC_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "PLAIN_STATIC_STORAGE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "production-secret-key-for-the-deploy-check-0123456789",
    "AUDIT_HMAC_KEY": "audit-key-for-the-deploy-check-" + "a" * 40,
    "ALLOWED_HOSTS": "escc.hospital.example",
    "DATABASE_URL": "sqlite:////tmp/escc-deploy-check.sqlite3",
    "AUDIT_HEAD_FILE": "/var/lib/escc-audit/audit-heads.jsonl",
    "MSCC_COORDINATOR_PHONE": "01632 960999",
}


def test_the_deploy_check_asks_for_the_coordinator_s_number():
    env = {**PRODUCTION_ENV}
    del env["MSCC_COORDINATOR_PHONE"]
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0 and "MSCC_COORDINATOR_PHONE" in result.stdout + result.stderr


def test_a_local_target_longer_than_the_rule_set_allows_stops_the_start():
    env = {**PRODUCTION_ENV, "REFERRAL_LOCAL_TARGETS": "acknowledge_emergency=PT45M"}
    result = run_manage("check", **env)
    assert result.returncode != 0 and "acknowledge_emergency" in result.stdout + result.stderr


def test_production_settings_pass_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {**PRODUCTION_ENV}
    del env["SECRET_KEY"]
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_bad_debug_value_stops_start_up():
    result = run_manage("check", **{**PRODUCTION_ENV, "DEBUG": "flase"})
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_unknown_database_scheme_stops_start_up():
    result = run_manage("check", **{**PRODUCTION_ENV, "DATABASE_URL": "mysql://x@y/z"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize("raw", ["maybe", "2", "tru"])
def test_env_bool_rejects_unclear_words(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    with pytest.raises(ImproperSetting, match="FLAG"):
        env_bool("FLAG", False)


def test_env_int_rejects_non_numbers_and_too_small(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperSetting, match="N must be an integer"):
        env_int("N", 1)
    monkeypatch.setenv("N", "-1")
    with pytest.raises(ImproperSetting, match="at least 0"):
        env_int("N", 1)


def test_database_connections_are_health_checked(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_role_groups_are_created_by_migration(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {"Clinician", "Tumor board"}


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_public(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_healthz_is_public_and_checks_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_database_failure(client, db, monkeypatch):
    from django.db.utils import OperationalError

    class DownDatabase:
        def cursor(self):
            raise OperationalError("database is down")

    monkeypatch.setattr("escc_site.views.connection", DownDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_home_page_for_clinician(alice_client):
    response = alice_client.get(reverse("home"))
    assert response.status_code == 200
    assert "Welcome, Alice" in response.content.decode()


def test_home_lists_the_clinicians_five_newest_cases_only(alice_client, alice, bob):
    from assessments.cases import services
    from tests.factories import make_case

    cases = [make_case(alice, patient={"mrn": f"R{n:07d}", "patient_name": f"Recent {n}"}) for n in range(7)]
    services.case_discard(case=cases[6], user=alice)  # the newest, but discarded
    make_case(bob, patient={"mrn": "B0000001", "patient_name": "Someone Else"})
    body = alice_client.get(reverse("home")).content.decode()
    listed = re.findall(
        r'<a href="/cases/(\d+)/">Recent (\d)</a> <span[^>]*>MRN (R\d+) · Draft · ([^·]+) · updated', body
    )
    assert [int(name) for _, name, _, _ in listed] == [5, 4, 3, 2, 1]
    assert [mrn for _, _, mrn, _ in listed] == [f"R{n:07d}" for n in (5, 4, 3, 2, 1)]
    assert all(int(pk) == cases[int(name)].pk and urgency.strip() for pk, name, _, urgency in listed)
    assert "Someone Else" not in body and "Recent 6" not in body


def test_roles_come_from_the_same_rows_the_orm_reads(alice, carol, dave):
    from django.contrib.auth.models import User

    from accounts import roles

    Group.objects.get(name=roles.TUMOR_BOARD).user_set.add(alice)
    alice.groups.add(Group.objects.create(name="Ward 7"))
    for user in (alice, carol, dave):
        fresh = User.objects.get(pk=user.pk)
        assert roles._groups(fresh) == frozenset(user.groups.values_list("name", flat=True))
    assert roles._groups(User.objects.get(pk=alice.pk)) == {roles.CLINICIAN, roles.TUMOR_BOARD, "Ward 7"}
    assert roles._groups(User.objects.get(pk=dave.pk)) == frozenset()


def test_a_removed_role_ends_at_the_next_request(alice_client, alice):
    from accounts import roles

    assert alice_client.get(reverse("assessments:case_list")).status_code == 200
    alice.groups.remove(Group.objects.get(name=roles.CLINICIAN))
    assert alice_client.get(reverse("assessments:case_list")).status_code == 404


def test_admin_without_clinical_role_is_told_no_patient_data(dave_client):
    body = dave_client.get(reverse("home")).content.decode()
    assert "no patient data is shown" in body
    assert reverse("admin:index") in body


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", re.IGNORECASE)


def test_pages_reference_no_external_host(alice_client):
    from django.test import Client

    pages = [alice_client.get(reverse("home")), Client().get(reverse("login"))]
    for response in pages:
        body = response.content.decode()
        assert not EXTERNAL.search(body), EXTERNAL.search(body)
        assert "/static/django_htmx/htmx-2.min.js" in body
        assert "/static/bootstrap/css/bootstrap.min.css" in body


def test_htmx_is_configured_for_strict_csp(alice_client):
    body = alice_client.get(reverse("home")).content.decode()
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', body)
    assert meta is not None
    import json

    config = json.loads(meta.group(1))
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["historyCacheSize"] == 0
    assert '"x-csrftoken"' in body


def test_pages_carry_strict_content_security_policy(alice_client):
    csp = alice_client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_no_inline_scripts_or_styles_in_templates():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"inline script in {path}"
        assert " style=" not in text and "<style" not in text, f"inline style in {path}"


def test_demo_accounts_refused_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only created when DEBUG"):
        call_command("seed_demo")


def test_demo_accounts_created_in_demo_mode(db, settings, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setenv("DEBUG", "true")
    call_command("seed_demo")
    from django.contrib.auth.models import User

    assert User.objects.get(username="alice").groups.filter(name="Clinician").exists()
    assert User.objects.get(username="carol").groups.filter(name="Tumor board").exists()
    dave = User.objects.get(username="dave")
    assert dave.is_staff and not dave.groups.exists()


def test_a_new_worker_compiles_every_project_template_before_its_first_request(settings, tmp_path, caplog):
    """escc_site.wsgi warms each gunicorn worker (without it a worker's first requests take 50-80 ms)."""
    from pathlib import Path

    from escc_site.warmup import compile_templates

    templates = Path(settings.BASE_DIR) / "templates"
    assert compile_templates() == len(list(templates.rglob("*.html")))

    # A template that does not compile is logged; the server still starts.
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "broken.html").write_text("{% if %}")
    (tmp_path / "templates" / "fine.html").write_text("fine")
    settings.BASE_DIR = tmp_path
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates"]}]
    assert compile_templates() == 1
    assert "broken.html not compiled at start" in caplog.text


def test_a_new_worker_keeps_its_start_up_objects_out_of_later_garbage_collections():
    import gc

    from escc_site.warmup import freeze_startup_objects

    try:
        assert freeze_startup_objects() > 10_000
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
