"""The pages outside any case: the start page, the health check, session recovery and a refused CSRF check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_htmx.http import trigger_client_event

from accounts import roles
from assessments.cases import selectors
from assessments.middleware import SESSION_EXPIRED_EVENT


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Start page: what the user's role can do, and a clinician's most recent cases."""
    recent = selectors.recent_cases_for_owner(user=request.user) if roles.is_clinician(request.user) else []
    return TemplateResponse(request, "assessments/home.html", {"recent_cases": recent})


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and readiness for the load balancer: 200 only when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
@never_cache
@require_GET
def session_token(request: HttpRequest) -> HttpResponse:
    """Whether the browser is logged in, and the CSRF token a page must send from now on.

    The assessment page asks before it saves and after a session ended: logging in
    (in another tab) rotates the token, and the page must use the new one. The
    token is not a secret from the page itself (it is in every form).
    """
    return JsonResponse({"authenticated": request.user.is_authenticated, "csrf_token": get_token(request)})


@require_GET
def session_resumed(request: HttpRequest) -> HttpResponse:
    """Where the banner's "log in again" tab lands: go back to the page you were on."""
    return render(request, "assessments/session_resumed.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused CSRF check. For HTMX, the same banner as an expired session: the form is never replaced."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=403)
        return trigger_client_event(response, SESSION_EXPIRED_EVENT, {"reason": "csrf"})
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
