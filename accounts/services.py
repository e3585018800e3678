"""Write paths of user accounts: roles from the directory, passwords, deactivation, the second factor.

Keyword-only and each with its audit record (or audited by ``audit.signals`` where the
write is a change of rights), like the cases' services; the account pages and the admin call these.
"""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.auth.models import Group, User
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.models import PasswordChangeRequired
from audit.services import audit_record
from audit.signals import grant_source

# The role keys of the settings (LDAP_ROLE_GROUPS, OIDC_ROLE_GROUPS) and the groups they grant.
ROLE_GROUP_BY_KEY = {"clinician": roles.CLINICIAN, "tumor_board": roles.TUMOR_BOARD}
STAFF = "staff"


def user_roles_sync(*, user: User, granted: Collection[str]) -> None:
    """Make the user's roles exactly the ``granted`` keys (``clinician``, ``tumor_board``, ``staff``).

    Roles the directory no longer grants are removed; groups that are not
    roles are left alone, and superuser rights are never given or taken here.
    Every change is audited as ``user.role_change`` by audit.signals.
    """
    token = grant_source.set("directory")  # the audit entries name the directory as the approver
    try:
        _apply_roles(user, granted)
    finally:
        grant_source.reset(token)
    user.__dict__.pop("_role_groups", None)  # roles._groups caches on the instance


def _apply_roles(user: User, granted: Collection[str]) -> None:
    wanted = {ROLE_GROUP_BY_KEY[key] for key in granted if key in ROLE_GROUP_BY_KEY}
    current = set(user.groups.filter(name__in=roles.ROLE_GROUPS).values_list("name", flat=True))
    if current - wanted:
        user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    if wanted - current:
        # get_or_create: the role groups come from a migration that test flushes may undo.
        user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in sorted(wanted - current)))
    is_staff = STAFF in granted
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def user_deactivate(*, user: User) -> None:
    """The user can no longer sign in; kept, because the trail and their cases name them (audited by the signal)."""
    user.is_active = False
    user.save(update_fields=["is_active"])


def user_password_reset_force(*, user: User) -> None:
    """An admin takes the user's password away: no sign-in until an admin sets one, which the user must then change.

    An unusable password also ends the user's open sessions (their session hash no longer matches).
    """
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        PasswordChangeRequired.objects.get_or_create(user=user)
        audit_record(action="user.password_reset", target=user, details={"method": "unusable_password"})


def user_password_set_record(*, user: User, admin: User) -> None:
    """Record that ``admin`` set or disabled ``user``'s password; another's password must be changed at sign-in."""
    method = "set_by_admin" if user.has_usable_password() else "disabled_by_admin"
    with transaction.atomic():
        if user.pk != admin.pk:  # the admin knows it: the user must choose their own
            PasswordChangeRequired.objects.get_or_create(user=user)
        audit_record(action="user.password_reset", target=user, details={"method": method})


def user_password_change_record(*, user: User) -> bool:
    """The user chose a new password: a forced change is done. Whether one was forced."""
    with transaction.atomic():
        forced = PasswordChangeRequired.objects.filter(user=user).delete()[0] > 0
        audit_record(action="user.password_change", target=user, details={"forced": forced})
    return forced


def user_role_refused_record(*, user: User, field: str) -> None:
    """Record that someone tried to give ``user`` (themselves) a role or permission through ``field``."""
    audit_record(action="user.role_refused", target=user, details={"field": field})


def user_otp_device_pending(*, user: User) -> TOTPDevice:
    """The authenticator-app device the user is enrolling (not yet confirmed by a code), created if none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def user_otp_enrol(*, user: User, device: TOTPDevice, recovery_codes: int) -> list[str]:
    """Confirm ``device`` as the user's one authenticator app and give them fresh recovery codes (returned once)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()  # one app at a time
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(recovery_codes)]
        for code in codes:
            recovery.token_set.create(token=code)
        audit_record(action="user.otp_enrol", target=user)
    return codes


def user_otp_check_record(*, user: User, passed_with: str | None) -> None:
    """Record a second-factor code: passed with ``"app"`` or ``"recovery_code"``, or wrong (``None``)."""
    if passed_with is None:
        audit_record(action="auth.otp_failed", actor=user)
    else:
        audit_record(action="auth.otp_verified", actor=user, details={"kind": passed_with})
