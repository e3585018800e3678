"""The site's URL map: each app's URLs under their prefix, and the site-wide pages."""

from django.contrib import admin
from django.urls import include, path

from assessments import urls as case_urls
from board import urls as board_urls
from escc_site import views

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
    # One "assessments" namespace for the case pages, whichever app serves them (tests and templates reverse it).
    path("", include((case_urls.urlpatterns + board_urls.case_urlpatterns, "assessments"))),
    path("", include("board.urls")),
    path("", include("interop.urls")),
    path("referrals/", include("referrals.urls")),
]
