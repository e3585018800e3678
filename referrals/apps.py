"""The referrals app's configuration: it registers the check of the referral settings and connects its receivers."""

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "MSCC referrals"

    def ready(self) -> None:
        from referrals import (
            checks,  # noqa: F401 (registers the system checks)
            receivers,  # a case started from a referral, the board's decision on it
        )

        receivers.connect()
