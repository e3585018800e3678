"""The referral pages: the referral form and its live triage, a referral's page, the coordinator's worklist."""

from django.urls import path

from referrals import report_views, views

app_name = "referrals"

urlpatterns = [
    # The referrer's pages: refer, the list of their referrals, a referral, its next version.
    path("", views.referral_list, name="referral_list"),
    path("new/", views.referral_create, name="referral_create"),
    path("<int:pk>/", views.referral_detail, name="referral_detail"),
    path("<int:pk>/edit/", views.referral_update, name="referral_update"),
    # The network audit of the referral timers.
    path("audit/", report_views.referral_audit, name="referral_audit"),
    path("audit.csv", report_views.referral_audit_csv, name="referral_audit_csv"),
]
