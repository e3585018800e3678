"""The audit app's configuration: it connects the signal receivers that record changes and registers its checks."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from audit import checks, signals  # noqa: F401 (checks registers itself)

        signals.connect()
