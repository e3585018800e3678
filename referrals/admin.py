"""The on-call list in the admin: admins keep who answers escalations, each change audited (``oncall.change``).

An entry names a person (an account, so the escalation reaches them in the app and by e-mail), their
phone or bleep, a role and the time it covers. Several entries may cover the same moment for one
role: an escalation reaches all of them. No patient data is here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts import roles
from referrals import services
from referrals.models import OnCall


class OnCallForm(forms.ModelForm):
    class Meta:
        model = OnCall
        fields = ["role", "person", "phone", "starts_at", "ends_at"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "Until: must be after the start (from).")
        return data


@admin.register(OnCall)
class OnCallAdmin(admin.ModelAdmin):
    form = OnCallForm
    list_display = ["role", "person", "phone", "starts_at", "ends_at"]
    list_filter = ["role"]
    date_hierarchy = "starts_at"
    search_fields = ["person__username", "person__first_name", "person__last_name", "phone"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[OnCall]:
        return super().get_queryset(request).select_related("person")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles.is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    has_add_permission = has_module_permission  # type: ignore[assignment]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def save_model(self, request: HttpRequest, obj: OnCall, form: Any, change: bool) -> None:
        services.oncall_save(entry=obj, user=request.user)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: OnCall) -> None:
        services.oncall_delete(entry=obj, user=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OnCall]) -> None:
        for entry in queryset:
            services.oncall_delete(entry=entry, user=request.user)  # type: ignore[arg-type]
