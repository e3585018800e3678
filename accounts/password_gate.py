"""After an admin set or reset a password, the user must choose a new one before anything else.

The flag (``PasswordChangeRequired``) is read once, at log-in, into the session,
so ordinary requests cost no query; the middleware then sends every page but the
password change and log-out to the password change form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "escc_must_change_password"
# Two-factor pages come first (accounts.two_factor), then the password change.
ALLOWED = ("password_change", "password_change_done", "logout", "two_factor_verify", "two_factor_setup")


def remember_at_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    from accounts.models import PasswordChangeRequired

    has_session = request is not None and hasattr(request, "session")
    if has_session and PasswordChangeRequired.objects.filter(user=user).exists():
        request.session[SESSION_KEY] = True


class PasswordChangeGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(SESSION_KEY) and request.user.is_authenticated:
            allowed = {reverse(name) for name in ALLOWED}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("password_change")
        return self.get_response(request)
