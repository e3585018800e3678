from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """User administration for admins, and sign-in from the hospital directory or single sign-on. No models."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.signin import remember_sign_in_method

        user_logged_in.connect(remember_sign_in_method, dispatch_uid="accounts.sign_in_method")
