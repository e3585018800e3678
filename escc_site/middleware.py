"""Site-wide response hardening, and the 503 page for database faults."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger(__name__)


class NoStoreForAuthenticatedMiddleware:
    """``Cache-Control: no-store`` (and ``Pragma: no-cache``) on every response to a logged-in user.

    Any page a logged-in user sees may hold patient data, which must not stay in
    the browser's cache or the back/forward history of a shared ward computer,
    nor in any proxy. Checked both before and after the view, so the response
    to a log-in or a log-out is covered too. Static files are served earlier
    (WhiteNoise) and keep their long cache lifetimes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        was_authenticated = request.user.is_authenticated
        response = self.get_response(request)
        if was_authenticated or request.user.is_authenticated:
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response


# --- Database faults: a pause, not a 500 ---------------------------------------------------------

# What the database driver raises while PostgreSQL restarts or cannot be reached (connection
# refused, terminated by the administrator, server closed the connection).
DATABASE_FAULTS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_TEMPLATE = "503_database.html"
UNAVAILABLE_CSP = "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After`` and a plain page that says the service is restarting, nothing was saved.

    Rendered without the request, so no context processor runs: the session, the user and the
    roles all live in the database that just failed. HTMX requests get the same status and header
    (the assessment page keeps its entries and retries by itself, see static/js/reconnect.js).
    """
    body = loader.get_template(UNAVAILABLE_TEMPLATE).render({"was_post": request.method == "POST"})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    # A fault in an early middleware skips the CSP and frame-options middleware on the way out.
    response["Content-Security-Policy"] = UNAVAILABLE_CSP
    response["X-Frame-Options"] = "DENY"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a database fault raised by a view into the 503 page rather than a 500.

    Placed first, so its ``process_exception`` is consulted for every view. A fault raised by
    another middleware (the session read behind ``request.user``, the session write on the way
    out) never reaches a middleware as an exception: Django turns it into the 500 handler's
    response at that layer, so ``handler500`` (:func:`server_error`) makes the same decision.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_FAULTS):
            logger.warning("database unavailable: %s %s: %s", request.method, request.path, exception)
            return database_unavailable_response(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a database fault anywhere in the request is the 503 page; anything else a 500."""
    if isinstance(sys.exc_info()[1], DATABASE_FAULTS):
        return database_unavailable_response(request)
    return defaults.server_error(request)
