"""Write paths of user accounts: roles from the directory, passwords, deactivation, the second factor.

Keyword-only and each with its audit record (or audited by ``audit.signals`` where the
write is a change of rights), like the cases' services; the account pages and the admin call these.
"""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.models import PasswordChangeRequired, RoleGrantRequest, SecondFactorEnrolmentRequired
from audit.services import audit_record
from audit.signals import grant_requested_by, grant_source

# The role keys of the settings (LDAP_ROLE_GROUPS, OIDC_ROLE_GROUPS) and the groups they grant.
ROLE_GROUP_BY_KEY = {
    "clinician": roles.CLINICIAN,
    "tumor_board": roles.TUMOR_BOARD,
    "referrer": roles.REFERRER,
    "mscc_coordinator": roles.COORDINATOR,
}
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


class SecondFactorReplacementRefused(PermissionDenied):
    """A session that has not passed the user's second factor tried to replace it."""


def user_otp_enrol(*, user: User, device: TOTPDevice, recovery_codes: int, session_verified: bool) -> list[str]:
    """Confirm ``device`` as the user's one authenticator app and give them fresh recovery codes (returned once).

    Replacing a device the user has needs a session that passed it (``session_verified``):
    otherwise a stolen password would swap the owner's authenticator for the thief's.
    """
    with transaction.atomic():
        if not session_verified and any(devices_for_user(user, confirmed=True)):
            raise SecondFactorReplacementRefused("Pass your current second factor before replacing it.")
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()  # one app at a time
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(recovery_codes)]
        for code in codes:
            recovery.token_set.create(token=code)
        SecondFactorEnrolmentRequired.objects.filter(user=user).delete()
        audit_record(action="user.otp_enrol", target=user)
    return codes


def user_otp_reset(*, user: User) -> None:
    """An admin removes the user's authenticator and recovery codes; the user sets up new ones at the next sign-in.

    For a user who lost the device. Until then the password alone reaches the
    enrolment page, so the admin resets only once he has reached the user.
    """
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        SecondFactorEnrolmentRequired.objects.get_or_create(user=user)
        audit_record(action="user.otp_reset", target=user)


def user_otp_enrolment_required(*, user: User) -> bool:
    """Whether an admin's reset asks the user to set up a second factor again."""
    return SecondFactorEnrolmentRequired.objects.filter(user=user).exists()


def user_role_request(*, user: User, role: str, requested_by: User) -> RoleGrantRequest:
    """``requested_by`` asks for ``user`` to get ``role`` (a role group or admin rights); nothing is granted yet."""
    with transaction.atomic():
        pending = RoleGrantRequest.objects.filter(user=user, role=role, approved__isnull=True).first()
        if pending is not None:
            return pending
        grant = RoleGrantRequest.objects.create(user=user, role=role, requested_by=requested_by)
        audit_record(action="user.role_requested", actor=requested_by, target=user, details={"role": role})
    return grant


def _refusal(grant: RoleGrantRequest, admin: User, approve: bool) -> str | None:
    """Why ``admin`` may not decide ``grant`` (None: he may)."""
    if grant.approved is not None:
        return "it was decided already"
    if not roles.is_admin(admin):
        return "only an admin decides a role request"
    if not approve:
        return None  # any admin may refuse or withdraw a request
    if admin.pk == grant.requested_by_id:
        return "a second admin, not the one who asked, must approve it"
    if admin.pk == grant.user_id:
        return "nobody approves a role for his own account"
    if grant.role == roles.SUPERUSER_RIGHTS and not admin.is_superuser:
        return "only a superuser approves superuser rights"
    return None


def user_role_request_decide(*, grant: RoleGrantRequest, admin: User, approve: bool) -> str | None:
    """``admin`` approves (the role is granted) or refuses ``grant``; the reason it was not allowed, else None.

    A request is approved by an admin other than the one who asked and other than
    the user it is for. Every decision, and every refused attempt, is audited.
    """
    with transaction.atomic():
        grant = RoleGrantRequest.objects.select_for_update().get(pk=grant.pk)
        reason = _refusal(grant, admin, approve)
        if reason is not None:
            audit_record(
                action="user.role_refused",
                actor=admin,
                target=grant.user,
                details={"role": grant.role, "reason": reason},
            )
            return reason
        grant.decided_by, grant.decided_at, grant.approved = admin, timezone.now(), approve
        grant.save(update_fields=["decided_by", "decided_at", "approved"])
        if approve:
            _grant(grant)
        else:
            audit_record(
                action="user.role_refused",
                actor=admin,
                target=grant.user,
                details={"role": grant.role, "reason": "refused"},
            )
    return None


def _grant(grant: RoleGrantRequest) -> None:
    user = grant.user
    token = grant_requested_by.set(grant.requested_by.get_username())  # named in the user.role_change entry
    try:
        field = {right: name for name, right in roles.RIGHTS_BY_FIELD.items()}.get(grant.role)
        if field is None:
            user.groups.add(Group.objects.get_or_create(name=grant.role)[0])
        elif not getattr(user, field):
            setattr(user, field, True)
            user.save(update_fields=[field])
    finally:
        grant_requested_by.reset(token)
    user.__dict__.pop("_role_groups", None)


def user_otp_check_record(*, user: User, passed_with: str | None) -> None:
    """Record a second-factor code: passed with ``"app"`` or ``"recovery_code"``, or wrong (``None``)."""
    if passed_with is None:
        audit_record(action="auth.otp_failed", actor=user)
    else:
        audit_record(action="auth.otp_verified", actor=user, details={"kind": passed_with})
