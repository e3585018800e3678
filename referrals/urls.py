"""The referral pages: the referral form and its live triage, a referral's page, the coordinator's worklist."""

from django.urls import path

from referrals import escalation_views

app_name = "referrals"

urlpatterns: list[path] = [  # type: ignore[valid-type]
    # Escalation (the referral page's escalation part posts here).
    path("<int:pk>/escalate/", escalation_views.referral_escalate, name="referral_escalate"),
]
