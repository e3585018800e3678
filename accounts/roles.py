"""Who may do what. The one place that knows the role names.

Clinicians own cases; tumor board members review submitted cases; referrers refer patients
and follow their own referrals; the MSCC coordinator triages every referral; admins are
staff users who manage accounts and see no patient data unless they also hold
a clinical role (least privilege).

Every role and every admin right that an admin gives needs a second admin
(``accounts.services.user_role_request`` and ``user_role_request_decide``): the
clinical roles see patient data, and admin rights could approve them.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection

CLINICIAN = "Clinician"
TUMOR_BOARD = "Tumor board"
# The front door of the MSCC network: a referrer (an emergency doctor, a ward team, a GP, often of
# another hospital) refers and follows their own referrals; the MSCC coordinator sees every referral.
REFERRER = "Referrer"
COORDINATOR = "MSCC coordinator"
ROLE_GROUPS = (CLINICIAN, TUMOR_BOARD, REFERRER, COORDINATOR)
# Rights that are not groups, named as a role request names them (accounts.models.RoleGrantRequest).
ADMIN_RIGHTS = "Admin rights"
SUPERUSER_RIGHTS = "Superuser rights"
RIGHTS_BY_FIELD = {"is_staff": ADMIN_RIGHTS, "is_superuser": SUPERUSER_RIGHTS}


def _groups(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The names of the user's groups, read from the database once per request (on the user object).

    Never kept across requests: a role an admin removes ends at the user's next request.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_role_groups", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(GROUP_NAMES_SQL, [user.pk])
            cached = frozenset(name for (name,) in cursor.fetchall())
        user._role_groups = cached  # type: ignore[union-attr]
    return cached


# ``user.groups.values_list("name", flat=True)`` written out: the same query, which the ORM would
# build afresh on every request (about three quarters of the query's CPU;
# docs/performance.md "home page and middleware"). The tables are django.contrib.auth's
# (AUTH_USER_MODEL is auth.User); tests/test_foundation.py checks it against the ORM.
GROUP_NAMES_SQL = (
    "SELECT g.name FROM auth_group g INNER JOIN auth_user_groups m ON m.group_id = g.id WHERE m.user_id = %s"
)


def is_clinician(user: AbstractBaseUser | AnonymousUser) -> bool:
    return CLINICIAN in _groups(user)


def is_board_member(user: AbstractBaseUser | AnonymousUser) -> bool:
    return TUMOR_BOARD in _groups(user)


def is_referrer(user: AbstractBaseUser | AnonymousUser) -> bool:
    return REFERRER in _groups(user)


def is_coordinator(user: AbstractBaseUser | AnonymousUser) -> bool:
    return COORDINATOR in _groups(user)


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)  # type: ignore[union-attr]
