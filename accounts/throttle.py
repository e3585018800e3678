"""Log-in throttling per address as well as per user + address (django-axes handler).

django-axes locks a **username at an address** after ``AXES_FAILURE_LIMIT``
failures. That leaves one address free to try many usernames; this handler also
locks an **address** once the failures from it, over all usernames, reach
``AXES_ADDRESS_FAILURE_LIMIT`` within the cool-off. The limit is higher than the
per-user one, so a ward PC where several people mistype their own passwords is
not locked, and the address is the client's own (``escc_site.client_ip`` behind
the proxy), so one attacker locks out his own machine, never everyone behind the
hospital's reverse proxy.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class AddressAwareAxesHandler(AxesDatabaseHandler):
    """Locked when django-axes locks the username at this address, or this address has too many failures."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT


def address_failures(request: HttpRequest) -> int:
    """Failed log-ins from the request's address within the cool-off, over all usernames."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    recent = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=get_cool_off_threshold(request))
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0
