"""The referral pages: the referral form and its live triage, a referral's page, the coordinator's worklist."""

from django.urls import path

from referrals import case_views, report_views

app_name = "referrals"

urlpatterns = [
    path("audit/", report_views.referral_audit, name="referral_audit"),
    path("audit.csv", report_views.referral_audit_csv, name="referral_audit_csv"),
    # The assessment case a referral becomes (10.8) and the board's outcome told to the referrer.
    path("<int:pk>/case/", case_views.referral_case, name="referral_case"),
    path("<int:pk>/case/create/", case_views.referral_case_create, name="referral_case_create"),
]
