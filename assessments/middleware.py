"""Request middleware: login for every page, HTMX-aware, with idle and absolute timeouts."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, QueryDict
from django_htmx.http import trigger_client_event

SESSION_EXPIRED_EVENT = "escc:session-expired"
# A full-page POST of the case form that arrives without a session is kept here (in the
# anonymous session, which survives the log-in) and put back into the form afterwards.
STASH_KEY = "escc_stashed_entries"
# Who the session belonged to when it timed out, so the stash is only restored for them.
EXPIRED_USER_KEY = "escc_expired_user"
STASHED_VIEWS = frozenset({"case_create", "case_edit"})
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
        match = request.resolver_match
        if request.method == "POST" and match is not None and match.url_name in STASHED_VIEWS:
            stash_entries(request)
        return super().handle_no_permission(request, view_func)


def stash_entries(request: HttpRequest) -> None:
    """Keep a refused POST's entries (never saved) until the same user has logged in again."""
    data = {key: request.POST.getlist(key) for key in request.POST if key not in ("csrfmiddlewaretoken", "action")}
    request.session[STASH_KEY] = {
        "path": request.path,
        "data": data,
        "user": request.session.get(EXPIRED_USER_KEY),
    }
    messages.warning(
        request,
        "Your session had ended, so the case was not saved. Log in again: your entries will be put back "
        "in the form for you to check and save.",
    )


def pop_stashed_entries(request: HttpRequest) -> QueryDict | None:
    """The entries kept by ``stash_entries`` for this page and this user, removed from the session."""
    stash = request.session.get(STASH_KEY)
    if not stash or stash.get("path") != request.path:
        return None
    del request.session[STASH_KEY]
    if stash.get("user") not in (None, request.user.pk):
        return None  # somebody else logged in on this browser: their form stays empty
    data = QueryDict(mutable=True)
    for key, values in stash["data"].items():
        data.setlist(key, values)
    return data


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
                user_pk = request.user.pk
                logout(request)
                request.session[EXPIRED_USER_KEY] = user_pk
            elif now - last_seen >= 30 or _LAST_SEEN_KEY not in request.session:
                # Write at most every 30 s so a burst of live updates does not
                # turn into a burst of session writes.
                request.session[_LAST_SEEN_KEY] = now
        return self.get_response(request)
