"""Refuse query strings that no page can use: a NUL character in a parameter's name or value.

PostgreSQL text cannot hold NUL, so a search such as ``?q=%00`` would reach the
database and fail there (a 500). No field of this app accepts it, so the request
is answered 400 with a message naming the parameter, before any view runs.
Form fields (POST) refuse NUL themselves, with the field's own error.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class RejectNulInQueryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                shown = name.replace("\x00", "\\0")[:40]
                return HttpResponseBadRequest(
                    f"The query parameter '{shown}' contains a NUL character (\\0), which no field accepts.",
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)
