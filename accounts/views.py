"""The account pages: sign-in and sign-out (the local form, the directory, single sign-on), and
changing one's own password (Django's views, audited, clearing a forced change)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.validators import MaxLengthValidator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy

from accounts import services
from accounts.password_gate import SESSION_KEY
from accounts.signin import provider_logout_url


class SignInForm(auth_forms.AuthenticationForm):
    """Django's login form, refusing a username longer than any account's before it is looked up.

    Django sets the field's ``max_length`` after the field is built, so nothing checks it; a failed
    sign-in with a longer name would reach the lock-out log, whose column is 255 characters.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class SignInView(auth_views.LoginView):
    """Django's login form, with "Sign in with <hospital>" when single sign-on is configured."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["oidc_provider_name"] = settings.OIDC_PROVIDER_NAME
        context["ldap_enabled"] = settings.LDAP_ENABLED
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context


class SignOutView(auth_views.LogoutView):
    """Log out here, then (for a single sign-on user) at the OpenID provider's end-session endpoint."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        at_provider = provider_logout_url(request)  # before the session is flushed
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response


def oidc_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A mozilla-django-oidc view that is public while single sign-on is on, and 404 while it is off."""

    @login_not_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404("single sign-on is not configured")
        return view(request, *args, **kwargs)

    return wrapped


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, whose mismatch message names the field it is about, not only the confirmation."""

    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_mismatch": "The new password and its confirmation differ: type the same new password in both.",
    }


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: Any) -> Any:
        response = super().form_valid(form)  # keeps the session (update_session_auth_hash)
        services.user_password_change_record(user=self.request.user)
        self.request.session.pop(SESSION_KEY, None)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "forced": bool(self.request.session.get(SESSION_KEY))}


password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view()
