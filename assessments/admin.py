"""Care teams in the Django admin, for admins (staff users), every change audited.

Teams hold no patient data: a name, a description and their members. Like the user pages
(accounts.admin), staff status is the admin role, so these pages check it rather than
Django's per-model permissions. Changes are recorded as ``team.change`` by the signal
receivers in ``assessments.teams.audit``, so a change from the shell is recorded too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts import roles
from assessments.models import CareTeam, CareTeamMembership


class AdminOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles.is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.is_admin(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.is_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.is_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A team that has cases cannot be deleted (PROTECT); an empty one can.
        return roles.is_admin(request.user)


class MembershipInline(AdminOnly, admin.TabularInline):
    model = CareTeamMembership
    extra = 1
    autocomplete_fields = ["user"]
    readonly_fields = ["added_at"]


@admin.register(CareTeam)
class CareTeamAdmin(AdminOnly, admin.ModelAdmin):
    list_display = ["name", "description", "member_count"]
    search_fields = ["name"]
    inlines = [MembershipInline]

    @admin.display(description="Members")
    def member_count(self, obj: CareTeam) -> int:
        return obj.memberships.count()
