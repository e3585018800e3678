"""How a user signed in: ``local``, ``ldap`` or ``oidc``.

Stored in the session under ``SESSION_KEY`` at every sign-in (and named in the
``auth.login`` audit entry), so that local-only checks such as two-factor
sign-in can exempt directory and single sign-on users, and log-out knows to
end the session at the OpenID provider too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

SESSION_KEY = "auth_method"
LOCAL, LDAP, OIDC = "local", "ldap", "oidc"
METHOD_BY_BACKEND = {
    "django.contrib.auth.backends.ModelBackend": LOCAL,
    "accounts.backends.DirectoryBackend": LDAP,
    "accounts.backends.HospitalOIDCBackend": OIDC,
}


def sign_in_method(user: Any) -> str:
    """The method of the sign-in that is happening now (Django sets ``user.backend`` during it)."""
    return METHOD_BY_BACKEND.get(getattr(user, "backend", ""), "other")


def remember_sign_in_method(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = sign_in_method(user)


def provider_logout_url(request: HttpRequest) -> str | None:
    """Where to send a single sign-on user after log-out to end the IdP session too (None: nowhere).

    Read before the session is flushed: it needs the ID token as ``id_token_hint``.
    """
    if request.session.get(SESSION_KEY) != OIDC or not getattr(settings, "OIDC_OP_END_SESSION_ENDPOINT", ""):
        return None
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    return f"{settings.OIDC_OP_END_SESSION_ENDPOINT}?{urlencode(params)}"
