"""Who may do what. The one place that knows the role names.

Clinicians own cases; tumor board members review submitted cases; admins are
staff users who manage accounts and see no patient data unless they also hold
a clinical role (least privilege).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

CLINICIAN = "Clinician"
TUMOR_BOARD = "Tumor board"
ROLE_GROUPS = (CLINICIAN, TUMOR_BOARD)


def _groups(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_role_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        user._role_groups = cached  # type: ignore[union-attr]
    return cached


def is_clinician(user: AbstractBaseUser | AnonymousUser) -> bool:
    return CLINICIAN in _groups(user)


def is_board_member(user: AbstractBaseUser | AnonymousUser) -> bool:
    return TUMOR_BOARD in _groups(user)


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)  # type: ignore[union-attr]
