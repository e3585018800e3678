"""Write paths for accounts signed in from the hospital directory or single sign-on."""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.auth.models import Group, User

from accounts import roles
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
