"""The referral pages: the referral form and its live triage, a referral's page, the coordinator's worklist."""

from django.urls import path

from referrals import coordinator_views

app_name = "referrals"

urlpatterns = [
    # The MSCC coordinator's worklist and actions on a referral.
    path("worklist/", coordinator_views.worklist, name="worklist"),
    *(
        path(f"<int:pk>/{route}/", coordinator_views.referral_action, {"action": action}, name=name)
        for route, action, name in coordinator_views.ACTION_ROUTES
    ),
]
