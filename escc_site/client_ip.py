"""The client's address behind the hospital's reverse proxies, for django-axes and the audit trail.

Each proxy appends the address it received the request from to ``X-Forwarded-For``
(nginx ``$proxy_add_x_forwarded_for``, HAProxy ``option forwardfor``). With
``PROXY_COUNT`` proxies in front of the app, the client's real address is therefore
the ``PROXY_COUNT``-th entry from the right: what lies left of it was written by the
client and is never trusted (anyone can send ``X-Forwarded-For: 10.0.0.7``). With
``PROXY_COUNT=0`` (no proxy) the header is ignored altogether and the socket's
address is used. It is django-axes' ``AXES_CLIENT_IP_CALLABLE``, so lock-outs and audit
rows name the same address (django-ipware counts proxies differently, see docs/security.md).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of the client as the outermost trusted proxy saw it; ``REMOTE_ADDR`` without proxies."""
    count = settings.PROXY_COUNT
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    if count == 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return remote  # reached the app without passing a proxy (a health check on the host itself)
    # Fewer entries than proxies: the request entered the chain at an inner proxy;
    # the leftmost entry is still one a trusted proxy wrote.
    return _valid(hops[-min(count, len(hops))]) or remote


def _valid(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return ""
