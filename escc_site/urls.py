from django.contrib import admin
from django.urls import include, path

from assessments import views

# A database fault raised outside a view (the session behind request.user) is a 503 too.
handler500 = "escc_site.middleware.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    # Session recovery for the assessment page (no patient data: outside the case URLs).
    path("session/token/", views.session_token, name="session_token"),
    path("session/resumed/", views.session_resumed, name="session_resumed"),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    path("", include("assessments.urls")),
    path("", include("board.urls")),  # issue 14: meetings, actions, notifications, outcomes
]
