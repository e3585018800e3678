"""The referral pages: the referral form and its live triage, a referral's page, the coordinator's worklist."""

from django.urls import path

from referrals import case_views, coordinator_views, escalation_views, report_views, views

app_name = "referrals"

urlpatterns = [
    path("audit/", report_views.referral_audit, name="referral_audit"),
    path("audit.csv", report_views.referral_audit_csv, name="referral_audit_csv"),
    # The referrer's pages: refer, the list of their referrals, a referral, its next version.
    path("", views.referral_list, name="referral_list"),
    path("new/", views.referral_create, name="referral_create"),
    path("<int:pk>/", views.referral_detail, name="referral_detail"),
    path("<int:pk>/edit/", views.referral_update, name="referral_update"),
    # Escalation (the referral page's escalation part posts here).
    path("<int:pk>/escalate/", escalation_views.referral_escalate, name="referral_escalate"),
    # The MSCC coordinator's worklist and actions on a referral.
    path("worklist/", coordinator_views.worklist, name="worklist"),
    *(
        path(f"<int:pk>/{route}/", coordinator_views.referral_action, {"action": action}, name=name)
        for route, action, name in coordinator_views.ACTION_ROUTES
    ),
    # The assessment case a referral becomes (10.8) and the board's outcome told to the referrer.
    path("<int:pk>/case/", case_views.referral_case, name="referral_case"),
    path("<int:pk>/case/create/", case_views.referral_case_create, name="referral_case_create"),
]
