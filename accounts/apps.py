"""The accounts app's configuration: it connects what runs at each sign-in."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """User administration for admins (the Django admin's User pages, tightened) and one's own password."""

    name = "accounts"
    verbose_name = "Role requests and account safeguards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.password_gate import remember_at_login
        from accounts.signin import remember_sign_in_method
        from accounts.two_factor import remember_enrolment_at_login

        # The sign-in method first: the two-factor gate reads it.
        user_logged_in.connect(remember_sign_in_method, dispatch_uid="accounts.sign_in_method")
        user_logged_in.connect(remember_at_login, dispatch_uid="accounts.password_gate")
        user_logged_in.connect(remember_enrolment_at_login, dispatch_uid="accounts.two_factor")
