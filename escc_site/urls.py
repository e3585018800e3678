from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessments import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    # Session recovery for the assessment page (no patient data: outside the case URLs).
    path("session/token/", views.session_token, name="session_token"),
    path("session/resumed/", views.session_resumed, name="session_resumed"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    path("", include("assessments.urls")),
]
