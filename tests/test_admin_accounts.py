"""The administrator's reach: second factors, clinical roles, first passwords, the admin's own pages.

An admin manages accounts and sees no patient data: he cannot take over another's second factor,
give anyone (himself included, through an account he made) a role that sees patient data without a
second admin, read anyone's second-factor secrets, or break the admin's pages with a forged post.
"""

from __future__ import annotations

import base64
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.models import RoleGrantRequest
from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.test_security import enrol, logged_in, login


@pytest.fixture
def two_factor_for_staff(settings):
    settings.TWO_FACTOR = "staff"
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's back-off after a wrong code is django-otp's to test


@pytest.fixture
def root(db) -> User:
    return User.objects.create_superuser("root", password=PASSWORD)


@pytest.fixture
def erin(db) -> User:
    """A second admin: the one who approves what dave asks for."""
    return User.objects.create_user("erin", password=PASSWORD, is_staff=True)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _enrolled(client: Client, user: User) -> TOTPDevice:
    """``user`` signed in and set up an authenticator; the step is moved back so its next code is fresh."""
    login(client, user.username, PASSWORD)
    enrol(client, user)
    TOTPDevice.objects.filter(user=user).update(last_t=F("last_t") - 1)
    return TOTPDevice.objects.get(user=user, confirmed=True)


# --- Enrolling or replacing a second factor needs a verified session ---------------------


def test_a_password_alone_cannot_replace_the_owner_s_authenticator(two_factor_for_staff, client, dave):
    real = _enrolled(client, dave)
    attacker = Client()
    login(attacker, "dave", PASSWORD)
    page = attacker.get(reverse("two_factor_setup"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("two_factor_verify"))
    # Even with a pending device to post a code for, the enrolment is refused.
    pending = TOTPDevice.objects.create(user=dave, name="Authenticator app", confirmed=False)
    response = attacker.post(reverse("two_factor_setup"), {"token": _code(pending), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    assert attacker.get(reverse("admin:index")).status_code == 302  # still not verified
    assert TOTPDevice.objects.filter(pk=real.pk, confirmed=True).exists()  # the owner's device is kept
    assert AuditEntry.objects.filter(action="user.otp_enrol").count() == 1  # the owner's own only
    # The owner's code still works.
    owner = Client()
    login(owner, "dave", PASSWORD)
    assert owner.post(reverse("two_factor_verify"), {"token": _code(real), "next": "/admin/"}).status_code == 302
    assert owner.get(reverse("admin:index")).status_code == 200


def test_the_enrolment_service_refuses_to_replace_a_device_without_a_verified_session(
    two_factor_for_staff, client, dave
):
    from accounts import services
    from accounts.services import SecondFactorReplacementRefused

    real = _enrolled(client, dave)
    pending = services.user_otp_device_pending(user=dave)
    with pytest.raises(SecondFactorReplacementRefused):
        services.user_otp_enrol(user=dave, device=pending, recovery_codes=10, session_verified=False)
    assert TOTPDevice.objects.filter(pk=real.pk, confirmed=True).exists()


def test_a_verified_session_may_replace_its_authenticator(two_factor_for_staff, client, dave):
    old = _enrolled(client, dave)
    assert client.get(reverse("two_factor_setup")).status_code == 200
    new = TOTPDevice.objects.get(user=dave, confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"token": _code(new), "next": "/admin/"})
    assert response.status_code == 200 and 'data-testid="recovery-codes"' in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=dave, confirmed=True)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_an_admin_reset_of_the_second_factor_is_audited_and_forces_a_new_one(
    two_factor_for_staff, settings, erin, alice
):
    _enrolled(Client(), alice)  # a clinician who chose two-factor sign-in
    admin_browser = Client()
    admin_browser.force_login(erin)
    settings.TWO_FACTOR = "off"  # erin's own second factor is not what this test is about
    response = admin_browser.post(
        reverse("admin:auth_user_changelist"), {"action": "two_factor_reset", "_selected_action": [alice.pk]}
    )
    settings.TWO_FACTOR = "staff"
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists() and not StaticToken.objects.filter(device__user=alice)
    entry = AuditEntry.objects.get(action="user.otp_reset")
    assert (entry.actor, entry.target_repr) == (erin, "alice")
    browser = Client()
    login(browser, "alice", PASSWORD)
    first = browser.get(reverse("assessments:case_list"))
    assert first.status_code == 302 and first["Location"].startswith(reverse("two_factor_setup"))
    enrol(browser, alice)
    assert browser.get(reverse("assessments:case_list")).status_code == 200


# --- A role that sees patient data needs a second admin ----------------------------------------


def _add_user(client: Client, username: str, groups: list[Group]):
    return client.post(
        reverse("admin:auth_user_add"),
        {"username": username, "usable_password": "true", "password1": "a-long-new-password-9",
         "password2": "a-long-new-password-9", "first_name": username.title(), "groups": [g.pk for g in groups]},
    )  # fmt: skip


def _approve(client: Client, grant: RoleGrantRequest):
    return client.post(
        reverse("admin:accounts_rolegrantrequest_changelist"), {"action": "approve", "_selected_action": [grant.pk]}
    )


@pytest.mark.parametrize("role", roles.ROLE_GROUPS)
def test_a_role_that_sees_patient_data_waits_for_a_second_admin(client, root, erin, role):
    client.force_login(root)
    assert _add_user(client, "frank", [Group.objects.get_or_create(name=role)[0]]).status_code == 302
    frank = User.objects.get(username="frank")
    assert not frank.groups.exists()
    grant = RoleGrantRequest.objects.get(user=frank)
    assert (grant.role, grant.requested_by, grant.approved_by) == (role, root, None)
    asked = AuditEntry.objects.get(action="user.role_requested", target_id=str(frank.pk))
    assert (asked.actor, asked.details) == (root, {"role": role})
    # The admin who asked cannot approve it himself.
    _approve(client, grant)
    assert not frank.groups.exists()
    assert AuditEntry.objects.filter(action="user.role_refused", target_id=str(frank.pk)).exists()
    # A second admin can.
    second = Client()
    second.force_login(erin)
    assert _approve(second, grant).status_code == 302
    assert list(frank.groups.values_list("name", flat=True)) == [role]
    change = AuditEntry.objects.filter(action="user.role_change", target_id=str(frank.pk)).latest("seq")
    assert (change.actor, change.details) == (erin, {"added": [role], "approved_by": "erin", "requested_by": "root"})


def test_admin_rights_also_wait_for_a_second_admin(client, root, erin, alice):
    """Else an admin would make a second admin account of his own to approve his requests."""
    client.force_login(root)
    assert _change_groups(client, alice, list(alice.groups.all()), is_staff="on").status_code == 302
    alice.refresh_from_db()
    assert not alice.is_staff
    grant = RoleGrantRequest.objects.get(user=alice)
    assert grant.role == roles.ADMIN_RIGHTS
    second = Client()
    second.force_login(erin)
    _approve(second, grant)
    alice.refresh_from_db()
    assert alice.is_staff
    change = AuditEntry.objects.filter(action="user.role_change", target_id=str(alice.pk)).latest("seq")
    assert change.details == {"changed": {"is_staff": [False, True]}, "requested_by": "root"}


def test_the_superuser_cannot_reach_the_board_queue_through_an_account_he_made(client, root):
    client.force_login(root)
    _add_user(client, "frank", [Group.objects.get_or_create(name=roles.TUMOR_BOARD)[0]])
    browser = Client()
    login(browser, "frank", "a-long-new-password-9")
    assert logged_in(browser)
    browser.post(
        reverse("password_change"),
        {"old_password": "a-long-new-password-9", "new_password1": "only-frank-knows-this-7",
         "new_password2": "only-frank-knows-this-7"},
    )  # fmt: skip
    assert browser.get(reverse("assessments:board_queue")).status_code == 404


def test_the_account_cannot_approve_its_own_role(client, root, erin):
    client.force_login(root)
    _change_groups(client, erin, [Group.objects.get_or_create(name=roles.CLINICIAN)[0]])
    grant = RoleGrantRequest.objects.get(user=erin)
    own = Client()
    own.force_login(erin)
    _approve(own, grant)
    assert not erin.groups.exists()


def _change_groups(client: Client, user: User, groups: list[Group], **extra: str):
    return client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {"username": user.username, "is_active": "on", "is_staff": "on" if user.is_staff else "",
         "groups": [g.pk for g in groups], "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", **extra},
    )  # fmt: skip


def test_a_role_given_on_the_change_page_also_waits(dave_client, alice, erin):
    board = Group.objects.get_or_create(name=roles.TUMOR_BOARD)[0]
    clinician = Group.objects.get_or_create(name=roles.CLINICIAN)[0]
    response = _change_groups(dave_client, alice, [clinician, board])
    assert response.status_code == 302
    assert list(alice.groups.values_list("name", flat=True)) == [roles.CLINICIAN]
    assert RoleGrantRequest.objects.get(user=alice).role == roles.TUMOR_BOARD


def test_removing_a_role_needs_no_second_admin(dave_client, alice):
    assert _change_groups(dave_client, alice, []).status_code == 302
    assert not alice.groups.exists()


def test_a_refused_request_grants_nothing_and_is_recorded(dave_client, alice, erin):
    _change_groups(dave_client, alice, [*alice.groups.all(), Group.objects.get_or_create(name=roles.TUMOR_BOARD)[0]])
    grant = RoleGrantRequest.objects.get(user=alice)
    second = Client()
    second.force_login(erin)
    second.post(
        reverse("admin:accounts_rolegrantrequest_changelist"), {"action": "refuse", "_selected_action": [grant.pk]}
    )
    grant.refresh_from_db()
    assert grant.decided_by == erin and grant.approved_by is None and not roles.is_board_member(alice)
    assert AuditEntry.objects.filter(action="user.role_refused", target_id=str(alice.pk), actor=erin).exists()


# --- A new account changes the admin's password at its first sign-in -------------------------


def test_a_new_account_must_change_the_password_the_admin_set_before_any_page(dave_client):
    assert _add_user(dave_client, "frank", []).status_code == 302
    browser = Client()
    login(browser, "frank", "a-long-new-password-9")
    for url in (reverse("home"), reverse("assessments:case_list"), reverse("admin:index")):
        response = browser.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("password_change"), url
    browser.post(
        reverse("password_change"),
        {"old_password": "a-long-new-password-9", "new_password1": "only-frank-knows-this-7",
         "new_password2": "only-frank-knows-this-7"},
    )  # fmt: skip
    assert browser.get(reverse("home")).status_code == 200


def test_demo_accounts_sign_in_without_a_forced_change(db, settings, monkeypatch):
    from django.core.management import call_command

    from assessments.management.commands.seed_demo import DEMO_PASSWORD

    monkeypatch.setenv("DEBUG", "true")
    settings.DEMO_MODE = True
    call_command("seed_demo")
    for username in ("alice", "bob", "carol", "dave", "erin"):
        browser = Client()
        login(browser, username, DEMO_PASSWORD)
        assert browser.get(reverse("home")).status_code == 200, username
    assert roles.is_board_member(User.objects.get(username="carol"))


# --- Second-factor secrets are never shown ------------------------------------------------------


def _every_admin_page(client: Client):
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        yield reverse("admin:{}_{}_changelist".format(*info))
        for pk in model._default_manager.values_list("pk", flat=True)[:20]:
            yield reverse("admin:{}_{}_change".format(*info), args=[pk])


def test_no_admin_page_shows_anyone_s_second_factor_secrets(two_factor_for_staff, settings, client, dave, root):
    _enrolled(client, dave)
    settings.TWO_FACTOR = "off"  # the superuser browses without being asked for his own second factor
    device = TOTPDevice.objects.get(user=dave, confirmed=True)
    secrets = {device.key, base64.b32encode(device.bin_key).decode().rstrip("=")}
    secrets |= set(StaticToken.objects.filter(device__user=dave).values_list("token", flat=True))
    browser = Client()
    browser.force_login(root)
    pages = list(_every_admin_page(browser))
    assert reverse("admin:auth_user_change", args=[dave.pk]) in pages
    for url in pages:
        response = browser.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        shown = {secret for secret in secrets if secret in body}
        assert not shown, url


# --- A forged action post is refused, never a 500 -----------------------------------------------


def _admins_with_actions(request_user: User):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = request_user
    for model, model_admin in admin.site._registry.items():
        actions = [name for name in model_admin.get_actions(request) if name != "delete_selected"]
        actions += list(model_admin.get_actions(request))
        if actions:
            yield model, actions[0]


@pytest.mark.parametrize("selected", ["abc", "1.5", "", "9" * 40, "\u0661"])
def test_an_admin_action_on_a_selection_that_is_no_row_id_is_refused_naming_it(root, alice, selected):
    browser = Client(raise_request_exception=False)
    browser.force_login(root)
    tried = []
    for model, action in _admins_with_actions(root):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = browser.post(url, {"action": action, "_selected_action": [selected]})
        assert response.status_code == 400, (url, response.status_code)
        assert "_selected_action" in response.content.decode()
        tried.append(model)
    assert User in tried
    alice.refresh_from_db()
    assert alice.is_active and alice.has_usable_password()


# --- Every admin page is named in words -------------------------------------------------------

# Words a hospital admin does not read: package names, protocol acronyms, programmers' terms.
NOT_WORDS = {"axes", "otp", "totp", "hotp", "static", "backend", "db", "database", "django", "model"}
# Capitals a reader knows, kept as they are written.
KNOWN_CAPITALS = {"ESCC", "MRN", "NOMS", "MSCC"}


def _is_english_plural(singular: str, plural: str) -> bool:
    *head, last = singular.split()
    *plural_head, plural_last = plural.split()
    if head != plural_head:
        return False
    if re.search(r"[^aeiou]y$", last):
        return plural_last == last[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", last):
        return plural_last == last + "es"
    return plural_last == last + "s"


def _is_words(label: str) -> bool:
    """Letters and hyphens, lower case after the first letter (known capitals aside), no code word."""
    words = label.split()
    return (
        bool(words)
        and all(re.fullmatch(r"[A-Za-z][A-Za-z'-]*,?", w) for w in words)
        and not any(w.lower().strip(",") in NOT_WORDS for w in words)
        and all(w.strip(",") in KNOWN_CAPITALS or w[1:] == w[1:].lower() for w in words)
        and all(w.strip(",") in KNOWN_CAPITALS or w == w.lower() for w in words[1:])
    )


def test_every_admin_app_and_model_is_named_in_words_properly_pluralised(root, client):
    client.force_login(root)
    app_list = client.get(reverse("admin:index")).context["app_list"]
    listed = {m["model"] for app in app_list for m in app["models"]}
    assert listed == set(admin.site._registry)
    for app in app_list:
        config = apps.get_app_config(app["app_label"])
        assert config.verbose_name != config.label.title(), f"{config.label} has no name of its own"
        assert _is_words(app["name"]), app["name"]
        for entry in app["models"]:
            meta = entry["model"]._meta
            singular, plural = str(meta.verbose_name), str(meta.verbose_name_plural)
            assert _is_words(singular) and _is_words(plural), (meta.label, singular, plural)
            assert _is_english_plural(singular, plural), (meta.label, singular, plural)


def test_the_name_checks_know_a_code_and_a_wrong_plural():
    assert not _is_english_plural("email delivery", "email deliverys")
    assert _is_english_plural("e-mail delivery", "e-mail deliveries")
    assert _is_english_plural("care team", "care teams") and _is_english_plural("access", "accesses")
    assert not _is_words("OTP_TOTP") and not _is_words("Axes") and not _is_words("Task Result")
    assert _is_words("Sign-in lock-outs") and _is_words("Users, roles and sign-in")
