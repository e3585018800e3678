"""Request middleware: login for every page, HTMX-aware, with idle and absolute timeouts."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django_htmx.http import trigger_client_event

SESSION_EXPIRED_EVENT = "escc:session-expired"
_LAST_SEEN_KEY = "escc_last_seen"
_STARTED_KEY = "escc_started"


class HtmxAwareLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Require login everywhere (views opt out with ``@login_not_required``).

    An HTMX request from an expired session must not have the login page
    swapped into the assessment form: it gets a 401 with an ``HX-Trigger``
    event that the page turns into a banner, and the form keeps every entry.
    """

    def handle_no_permission(self, request: HttpRequest, view_func: Callable) -> HttpResponse:  # type: ignore[type-arg]
        if getattr(request, "htmx", False):
            response = HttpResponse(status=401)
            return trigger_client_event(response, SESSION_EXPIRED_EVENT, {"login_url": settings.LOGIN_URL})
        return super().handle_no_permission(request, view_func)


class SessionTimeoutMiddleware:
    """Log the user out when the session is idle or simply too old.

    Idle: ``SESSION_IDLE_TIMEOUT`` seconds without a request (15 minutes by
    default). Absolute: ``SESSION_COOKIE_AGE`` seconds after the first request
    of the session (12 hours by default), however active it was. Both are kept
    in the session itself so that several app servers agree.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN_KEY, now)
            started = request.session.setdefault(_STARTED_KEY, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            if idle or now - started > settings.SESSION_COOKIE_AGE:
                # Read by the audit trail's log-out entry.
                request.escc_logout_reason = "idle timeout" if idle else "absolute timeout"  # type: ignore[attr-defined]
                logout(request)
            elif now - last_seen >= 30 or _LAST_SEEN_KEY not in request.session:
                # Write at most every 30 s so a burst of live updates does not
                # turn into a burst of session writes.
                request.session[_LAST_SEEN_KEY] = now
        return self.get_response(request)
