"""The framework's and third-party apps' configurations, named in words a hospital admin reads.

The admin index shows each app's ``verbose_name`` and each model's plural. The
third-party models keep their own ``Meta`` (changing it would be a migration in
their package); the names the admin shows are set on their options at start-up,
which migrations do not read (they read the ``Meta`` as written).
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.apps import AuthConfig
from django_otp.plugins.otp_static.apps import DefaultConfig as RecoveryCodesAppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as AuthenticatorAppConfig
from django_tasks_db.apps import TasksAppConfig


class NamedModels(AppConfig):
    """Gives the app's models the names in ``model_names``: model name → (singular, plural)."""

    model_names: dict[str, tuple[str, str]] = {}

    def ready(self) -> None:
        super().ready()
        for model_name, (singular, plural) in self.model_names.items():
            options = self.get_model(model_name)._meta
            options.verbose_name, options.verbose_name_plural = singular, plural


class EsccAdminConfig(AdminConfig):
    default_site = "escc_site.admin_site.EsccAdminSite"


class UsersAndRolesConfig(NamedModels, AuthConfig):
    verbose_name = "Users and roles"
    model_names = {"group": ("role", "roles")}


class SignInLockoutsConfig(NamedModels, AxesAppConfig):
    verbose_name = "Sign-in lock-outs"
    model_names = {
        "accessattempt": ("failed sign-in count", "failed sign-in counts"),
        "accessfailurelog": ("failed sign-in", "failed sign-ins"),
        "accesslog": ("sign-in record", "sign-in records"),
        "accessattemptexpiration": ("lock-out expiry", "lock-out expiries"),
    }


class AuthenticatorAppsConfig(NamedModels, AuthenticatorAppConfig):
    verbose_name = "Authenticator apps"
    model_names = {"totpdevice": ("authenticator app", "authenticator apps")}


class RecoveryCodesConfig(NamedModels, RecoveryCodesAppConfig):
    verbose_name = "Recovery codes"
    model_names = {
        "staticdevice": ("recovery code list", "recovery code lists"),
        "statictoken": ("recovery code", "recovery codes"),
    }


class BackgroundTasksConfig(NamedModels, TasksAppConfig):
    verbose_name = "Background tasks"
    model_names = {"dbtaskresult": ("background task", "background tasks")}
