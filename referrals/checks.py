"""System checks of the referral settings: the site's local targets must be ones the rule set allows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register

from assessments.rules import referral as triage


@register()
def local_targets_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """``REFERRAL_LOCAL_TARGETS`` names only local targets, each a duration within what 10.10 allows."""
    try:
        triage.LocalTargets(dict(settings.REFERRAL_LOCAL_TARGETS))
    except ValueError as error:
        return [Error(f"REFERRAL_LOCAL_TARGETS: {error}", id="referrals.E001")]
    return []


@register(deploy=True)
def coordinator_phone_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """A deployment names the coordinator's number: triage tells referrers to call it now."""
    if not settings.MSCC_COORDINATOR_PHONE.strip():
        return [
            Warning(
                "MSCC_COORDINATOR_PHONE is not set: the referral form cannot give the number to call now.",
                id="referrals.W001",
            )
        ]
    return []
