"""Sign-in backends for the hospital directory (LDAP / Active Directory) and single sign-on (OIDC).

Both create the user on first sign-in with an unusable password, refresh
names, e-mail and roles at every sign-in, and never take over a local
account (one with a usable password, such as the break-glass admin).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django_python3_ldap import ldap
from django_python3_ldap.auth import LDAPBackend
from ldap3.core.exceptions import LDAPException
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts import roles
from accounts.services import user_roles_sync

logger = logging.getLogger(__name__)


def has_a_role(user: Any) -> bool:
    return user.is_staff or user.groups.filter(name__in=roles.ROLE_GROUPS).exists()


# sAMAccountName and uid values: anything else cannot be a directory account.
DIRECTORY_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class DirectoryBackend(LDAPBackend):
    """Username and password checked by the directory (see accounts.directory for the hooks)."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if not settings.LDAP_ENABLED or not username or not password:
            return None
        if not DIRECTORY_USERNAME.fullmatch(username):
            return None
        try:
            user = ldap.authenticate(username=username, password=password)
        except LDAPException as exc:
            # e.g. a failed StartTLS: the package's clean-up unbind then raises on the
            # closed socket. The sign-in fails like any refused one, never a 500.
            logger.warning("directory sign-in failed: %s", exc)
            return None
        # A user deactivated here stays out, whatever the directory says; so does
        # one in no role group (the directory holds the whole hospital).
        if user is None or not self.user_can_authenticate(user) or not has_a_role(user):
            return None
        return user


class HospitalOIDCBackend(OIDCAuthenticationBackend):
    """Authorization-code sign-in (with PKCE) at the hospital's OpenID provider."""

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims with the userinfo answer over them.

        Entra ID puts ``groups`` and ``roles`` in the ID token only, so both are read.
        """
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        return {**payload, **userinfo}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(self._username(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        users = get_user_model()._default_manager.filter(username__iexact=self._username(claims))
        if any(user.has_usable_password() for user in users):
            raise SuspiciousOperation("a local account of that name exists")
        return users

    def create_user(self, claims: dict[str, Any]) -> Any:
        # The IdP knows the whole hospital: only members of a role group get an account.
        if not self._granted_roles(claims):
            raise SuspiciousOperation("no role group in the claims")
        user = get_user_model()._default_manager.create_user(self._username(claims))  # unusable password
        return self.update_user(user, claims)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        """Refresh names, e-mail and roles; a user left with no role is refused (after losing the roles)."""
        user.first_name = str(claims.get("given_name") or "")[:150]
        user.last_name = str(claims.get("family_name") or "")[:150]
        user.email = str(claims.get("email") or "")[:254]
        user.save(update_fields=["first_name", "last_name", "email"])
        user_roles_sync(user=user, granted=self._granted_roles(claims))
        if not has_a_role(user):
            raise SuspiciousOperation("no role group in the claims")
        return user

    @staticmethod
    def _username(claims: dict[str, Any]) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip().lower()[:150]

    @staticmethod
    def _granted_roles(claims: dict[str, Any]) -> set[str]:
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        if isinstance(groups, str):
            groups = [groups]
        held = {str(group) for group in groups}
        return {role for role, names in settings.OIDC_ROLE_GROUPS.items() if held & set(names)}
