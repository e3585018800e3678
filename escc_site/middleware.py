"""Site-wide response hardening."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


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
