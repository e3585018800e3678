"""Hooks that adapt django-python3-ldap to a hospital directory (settings.LDAP_AUTH_*).

Sign-in binds as the user (so the directory checks the password and its own
lock-outs), then searches as the service account (``LDAP_BIND_DN``) for the
user by ``LDAP_USERNAME_ATTRIBUTE`` (``uid`` or ``sAMAccountName``), with
``LDAP_USER_FILTER`` added: a disabled account is one that filter does not
match, so it is refused even when its password is right. Each sign-in copies
names and e-mail from the directory and makes the user's roles exactly those
of the directory groups (``LDAP_*_GROUP_DN``): a removed group is a removed role.
"""

from __future__ import annotations

from typing import Any

import ldap3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django_python3_ldap.utils import format_search_filters as package_search_filters
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn

from accounts.services import user_roles_sync

# Active Directory's "in chain" matching rule: membership through nested groups.
_AD_IN_CHAIN = "1.2.840.113556.1.4.1941"


def format_username(model_fields: dict[str, str]) -> str:
    """The name to bind with: the user's DN (or AD user principal name) from ``LDAP_USER_DN_TEMPLATE``.

    The service account's DN is passed through unchanged (the package formats it too).
    """
    username = model_fields["username"]
    if username == settings.LDAP_AUTH_CONNECTION_USERNAME:
        return username
    return settings.LDAP_USER_DN_TEMPLATE.format(username=escape_rdn(username))


def format_search_filters(ldap_fields: dict[str, str]) -> list[str]:
    """The package's filters (object class, username) plus ``LDAP_USER_FILTER``, which excludes disabled accounts."""
    filters = package_search_filters(ldap_fields)
    extra = settings.LDAP_USER_FILTER
    if extra:
        filters.append(extra if extra.startswith("(") else f"({extra})")
    return filters


def clean_user_data(user_fields: dict[str, Any]) -> dict[str, Any]:
    """Lower-case the username and refuse to sign in to a local account through the directory.

    An account with a usable password was made here (a break-glass admin, a
    small site's user): a directory entry of the same name must not take it over.
    """
    username = str(user_fields.get("username", "")).lower()
    local = get_user_model()._default_manager.filter(username__iexact=username).first()
    if local is not None and local.has_usable_password():
        raise PermissionDenied("a local account of that name exists")
    cleaned = {key: value or "" for key, value in user_fields.items()}
    cleaned["username"] = username
    return cleaned


def sync_user_relations(user: Any, ldap_attributes: dict[str, Any], *, connection: Any, dn: str) -> None:
    """Give the user exactly the roles of the role groups the directory lists them in."""
    member_filter = f"(member:{_AD_IN_CHAIN}:=%s)" if settings.LDAP_NESTED_GROUPS else "(member=%s)"
    search_filter = member_filter % escape_filter_chars(dn)
    granted = set()
    for role, group_dns in settings.LDAP_ROLE_GROUPS.items():
        for group_dn in group_dns:
            # A base search of the group itself: works without a memberOf overlay.
            connection.search(search_base=group_dn, search_filter=search_filter, search_scope=ldap3.BASE, attributes=[])
            if connection.entries:
                granted.add(role)
                break
    user_roles_sync(user=user, granted=granted)
