from django.urls import path
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import views

# No app_name: mozilla-django-oidc reverses its callback as "oidc_authentication_callback".
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("oidc/start/", views.oidc_only(OIDCAuthenticationRequestView.as_view()), name="oidc_authentication_init"),
    path(
        "oidc/callback/",
        views.oidc_only(OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
