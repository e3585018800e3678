"""User administration in the Django admin, for admins (staff users).

An admin creates users, gives them a role (the ``Clinician`` and ``Tumor
board`` groups), deactivates them, forces a password reset and sees their last
log-in. Staff status is the admin role (``accounts.roles.is_admin``), so
these pages check it rather than Django's per-model permissions. A staff user
who is not a superuser cannot grant superuser rights or per-user permissions,
nor change a superuser's account. Users are never deleted: their names are in
the audit trail and on their cases.

Roles need a second person. A role (Clinician, Tumor board, any group) or
admin rights chosen on a user's page are not given: they become a *role
request* (``accounts.models.RoleGrantRequest``, audited as
``user.role_requested``), which a second admin, neither the one who asked nor
the user, approves or refuses on the *Role requests* page; the
``user.role_change`` entry names both. Nobody grants a role to himself (the form
refuses it), and ``audit.signals`` refuses any grant in a request that is not an
approved request. When an admin creates an account, sets a user's password or
forces a reset, the user must choose a new one at the next log-in
(``accounts.password_gate``).

Second-factor secrets (authenticator keys, recovery codes) are never shown:
django-otp's device pages are not registered; an admin resets a user's second
factor instead (audited), and the user sets up a new one at the next sign-in.

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
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles, services
from accounts.models import RoleGrantRequest

SELF_GRANT_REFUSED = "You cannot give yourself a role or a permission: another admin must grant it."


class SelfGrantGuard:
    """Form mixin: refuse additions to one's own groups or permissions (removals are fine), and turn
    roles and admin rights given to anyone into requests for a second admin (``role_requests``)."""

    request_user: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        instance = self.instance  # type: ignore[attr-defined]
        self.role_requests: list[str] = []
        if self.request_user is None:
            return data
        if instance.pk is not None and instance.pk == self.request_user.pk:
            for field in ("groups", "user_permissions"):
                if field in data and field in self.fields:  # type: ignore[attr-defined]
                    before = set(getattr(instance, field).values_list("pk", flat=True))
                    if {item.pk for item in data[field]} - before:
                        self.add_error(field, SELF_GRANT_REFUSED)  # type: ignore[attr-defined]
                        services.user_role_refused_record(user=instance, field=field)
            return data
        if "groups" in data and "groups" in self.fields:  # type: ignore[attr-defined]
            before = set() if instance.pk is None else set(instance.groups.values_list("pk", flat=True))
            self.role_requests += [group.name for group in data["groups"] if group.pk not in before]
            data["groups"] = [group for group in data["groups"] if group.pk in before]
        stored = type(instance)._default_manager.filter(pk=instance.pk).first() if instance.pk else None
        for field, right in roles.RIGHTS_BY_FIELD.items():
            if data.get(field) and not getattr(stored, field, False):
                self.role_requests.append(right)
                data[field] = False
        return data


User = get_user_model()

admin.site.unregister(User)


@admin.register(User)
class EsccUserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "roles", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "groups")
    readonly_fields = ("last_login", "date_joined")
    ordering = ("username",)
    actions = ["deactivate_users", "force_password_reset", "two_factor_reset"]

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

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():  # the admin knows it: the user changes it first
            services.user_password_set_record(user=obj, admin=request.user)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        for role in getattr(form, "role_requests", []):
            services.user_role_request(user=form.instance, role=role, requested_by=request.user)
            messages.warning(
                request,
                f"{role} for {form.instance.get_username()} is not given yet: a second admin approves it "
                "under Role requests.",
            )

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

    @admin.action(description="Reset two-factor sign-in (the user sets up a new authenticator at the next sign-in)")
    def two_factor_reset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done = 0
        for user in queryset:
            if user.pk == request.user.pk or not self.has_change_permission(request, user):
                messages.warning(request, f"{user.get_username()} was not reset (yourself or a superuser).")
                continue
            services.user_otp_reset(user=user)
            done += 1
        messages.success(request, f"{done} user(s) will set up two-factor sign-in again at their next sign-in.")

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


# Authenticator keys and recovery codes are secrets of their users: no admin page shows them.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


@admin.register(RoleGrantRequest)
class RoleGrantRequestAdmin(admin.ModelAdmin):
    """Role requests: a second admin approves or refuses what another asked for; nothing is edited here."""

    list_display = ("user", "role", "requested_by", "requested_at", "status", "decided_by", "decided_at")
    list_filter = ("approved", "role")
    actions = ["approve", "refuse"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles.is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.is_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # asked for on the user's page

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Status")
    def status(self, grant: RoleGrantRequest) -> str:
        return grant.status

    def _decide(self, request: HttpRequest, queryset: QuerySet[Any], *, approve: bool) -> None:
        for grant in queryset.select_related("user"):
            reason = services.user_role_request_decide(grant=grant, admin=request.user, approve=approve)
            name = f"{grant.role} for {grant.user.get_username()}"
            if reason is None:
                messages.success(request, f"{name}: {'approved and given' if approve else 'refused'}.")
            else:
                messages.error(request, f"{name}: not done, {reason}.")

    @admin.action(description="Approve the selected requests (you are the second admin)")
    def approve(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Refuse the selected requests")
    def refuse(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._decide(request, queryset, approve=False)
