from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """User administration for admins (the Django admin's User pages, tightened). No models."""

    name = "accounts"
    verbose_name = "Accounts"
