"""The referral pages: the referral form and its live triage, a referral's page, the coordinator's worklist."""

from django.urls import path

app_name = "referrals"

urlpatterns: list[path] = []  # type: ignore[valid-type]
