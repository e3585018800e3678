from django.contrib import admin
from django.urls import include, path

from assessments import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    path("", include("assessments.urls")),
]
