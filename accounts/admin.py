"""User administration in the Django admin, for admins (staff users).

An admin creates users, gives them a role (the ``Clinician`` and ``Tumor
board`` groups), deactivates them, forces a password reset and sees their last
log-in. Staff status is the admin role (``accounts.roles.is_admin``), so
these pages check it rather than Django's per-model permissions. A staff user
who is not a superuser cannot grant superuser rights or per-user permissions,
nor change a superuser's account. Users are never deleted: their names are in
the audit trail and on their cases.

Roles need a second person: nobody grants a role or a permission to himself
(the form refuses it, and ``audit.signals`` refuses it at the database write as
well), so an admin who wants clinical access must ask another admin, whose
name is on the ``user.role_change`` entry as ``approved_by``. When an admin sets
a user's password or forces a reset, the user must choose a new one at the
next log-in (``accounts.password_gate``).

No patient-data model (cases, comments, decisions, their history) is
registered in the admin; tests/test_security.py checks it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from accounts import roles, services

SELF_GRANT_REFUSED = "You cannot give yourself a role or a permission: another admin must grant it."


class SelfGrantGuard:
    """Form mixin: refuse additions to one's own groups or permissions (removals are fine)."""

    request_user: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        instance = self.instance  # type: ignore[attr-defined]
        if instance.pk is None or self.request_user is None or instance.pk != self.request_user.pk:
            return data
        for field in ("groups", "user_permissions"):
            if field in data and field in self.fields:  # type: ignore[attr-defined]
                before = set(getattr(instance, field).values_list("pk", flat=True))
                if {item.pk for item in data[field]} - before:
                    self.add_error(field, SELF_GRANT_REFUSED)  # type: ignore[attr-defined]
                    services.user_role_refused_record(user=instance, field=field)
        return data


User = get_user_model()

admin.site.site_header = "ESCC user administration"
admin.site.site_title = "ESCC administration"
admin.site.index_title = "Users and roles"

admin.site.unregister(User)


@admin.register(User)
class EsccUserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "roles", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "groups")
    readonly_fields = ("last_login", "date_joined")
    ordering = ("username",)
    actions = ["deactivate_users", "force_password_reset"]

    # The shape a staff (non-superuser) admin sees: roles, no raw permissions.
    admin_fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        (
            "Access",
            {
                "fields": ("is_active", "groups", "is_staff"),
                "description": "Roles: Clinician (own cases) and Tumor board (submitted cases). "
                "Staff status makes the user an admin, who sees no patient data without a role.",
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        ("Personal info and role", {"fields": ("first_name", "last_name", "email", "groups")}),
    )

    @admin.display(description="Roles")
    def roles(self, user: Any) -> str:
        return ", ".join(sorted(g.name for g in user.groups.all())) or "—"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (SelfGrantGuard, form), {"request_user": request.user})

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("groups")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not request.user.is_superuser:
            return self.admin_fieldsets
        return super().get_fieldsets(request, obj)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=roles.ROLE_GROUPS).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # Staff status is the admin role; these pages follow it, not per-model permissions.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles.is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.is_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return roles.is_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not roles.is_admin(request.user):
            return False
        return obj is None or not obj.is_superuser or request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: the audit trail and the cases keep the user

    @admin.action(description="Deactivate the selected users (they can no longer log in)")
    def deactivate_users(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done = 0
        for user in queryset.filter(is_active=True):
            if user.pk == request.user.pk or not self.has_change_permission(request, user):
                messages.warning(request, f"{user.get_username()} was not deactivated (yourself or a superuser).")
                continue
            services.user_deactivate(user=user)
            done += 1
        messages.success(request, f"{done} user(s) deactivated.")

    @admin.action(description="Force a password reset (the user cannot log in until an admin sets a new password)")
    def force_password_reset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done = 0
        for user in queryset:
            if not self.has_change_permission(request, user):
                messages.warning(request, f"{user.get_username()} is a superuser: not changed.")
                continue
            services.user_password_reset_force(user=user)
            done += 1
        messages.success(request, f"{done} password(s) reset. Set a new password for each user from their page.")

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Django's set-password page, with an audit entry when the password really changed."""
        user = self.get_object(request, unquote(id))
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if user is not None:
            user.refresh_from_db(fields=["password"])
        if request.method == "POST" and user is not None and before is not None and user.password != before:
            services.user_password_set_record(user=user, admin=request.user)
        return response
