"""Sign-in, sign-out, single sign-on, two-factor and password URLs."""

from django.urls import path
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import two_factor, views

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
    path("password/", views.password_change, name="password_change"),
    path("password/done/", views.password_change_done, name="password_change_done"),
    path("two-factor/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", two_factor.two_factor_setup, name="two_factor_setup"),
]
