"""The Django admin site of this app: every list's actions refuse a selection that names no row.

Django's changelist filters the selected rows with the posted ``_selected_action``
values as they come, so a value that is not a primary key of the model raised a
500. Every ModelAdmin registered here (ours and the third-party apps') gets
``SelectionChecked`` first in its bases, so a list added later is covered too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class SelectionChecked:
    """ModelAdmin mixin: a posted selection must be row ids in their own written form, else 400 naming it."""

    model: Any

    def response_action(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        field = self.model._meta.pk
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            try:
                understood = str(field.clean(value, None)) == value
            except (ValidationError, TypeError, ValueError, OverflowError):
                understood = False
            if not understood:
                return HttpResponseBadRequest(
                    f"The selection ({helpers.ACTION_CHECKBOX_NAME}) holds {value[:40]!r}, which is not a row of "
                    "this list: nothing was done. Go back to the list and choose the rows again.",
                    content_type="text/plain; charset=utf-8",
                )
        return super().response_action(request, queryset)  # type: ignore[misc,no-any-return]


class EsccAdminSite(admin.AdminSite):
    site_header = "ESCC user administration"
    site_title = "ESCC administration"
    index_title = "Users and roles"

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, SelectionChecked):
            base = type(base.__name__, (SelectionChecked, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)
