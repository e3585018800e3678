"""The referral pages: the referral form and its live triage, a referral's page, the coordinator's worklist."""

from django.urls import path

from referrals import report_views

app_name = "referrals"

urlpatterns = [
    path("audit/", report_views.referral_audit, name="referral_audit"),
    path("audit.csv", report_views.referral_audit_csv, name="referral_audit_csv"),
]
