"""Two-factor sign-in for local accounts: TOTP (an authenticator app) with recovery codes (django-otp).

``TWO_FACTOR`` (site setting, environment) says who must use it: ``off``,
``staff`` (staff admins must, others may: the production default) or ``all``.
It applies only to sessions signed in by a **local** backend
(``TWO_FACTOR_LOCAL_BACKENDS``, Django's ModelBackend): someone signed in
through the hospital's directory (LDAP, OpenID Connect) has had that
directory's own second factor, and is exempt. A user who must use it and has no
device is sent to enrolment; one who has a device, to the code page. A
recovery code works once, in place of a code from the app.

Setting up an authenticator when the user already has one replaces it, so it
needs a session that has passed the second factor: a password alone never
reaches the enrolment page of an enrolled user (it is sent to the code page),
and the enrolment service refuses it as well. A user who lost the device asks
an admin, whose reset (``accounts.services.user_otp_reset``, audited) removes the
old one and sends the user to enrolment at the next sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services

RECOVERY_CODES = 10
MODES = ("off", "staff", "all")


ENROLLED_SESSION_KEY = "escc_has_second_factor"


def remember_enrolment_at_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Read once per sign-in whether the user has (or, after an admin's reset, must set up) a second factor."""
    if request is not None and hasattr(request, "session") and settings.TWO_FACTOR != "off":
        request.session[ENROLLED_SESSION_KEY] = user_has_device(user) or services.user_otp_enrolment_required(user=user)


def two_factor_required(request: HttpRequest) -> bool:
    """Whether this session must pass a second factor: the site setting, the user, the sign-in backend.

    Staff admins must (``staff`` and ``all``), everyone must under ``all``, and a
    user who chose to set it up is asked from then on.
    """
    user = request.user
    if settings.TWO_FACTOR == "off" or not user.is_authenticated:
        return False
    if request.session.get(BACKEND_SESSION_KEY) not in settings.TWO_FACTOR_LOCAL_BACKENDS:
        return False
    return settings.TWO_FACTOR == "all" or user.is_staff or bool(request.session.get(ENROLLED_SESSION_KEY))


class TwoFactorGateMiddleware:
    """Send a session that needs a second factor, and has not passed one, to the code page or enrolment."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _verified(request) and two_factor_required(request):
            allowed = {reverse("two_factor_verify"), reverse("two_factor_setup"), reverse("logout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                target = "two_factor_verify" if user_has_device(request.user) else "two_factor_setup"
                return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code", max_length=16, widget=forms.TextInput(attrs={"autocomplete": "one-time-code"})
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return target if ok else reverse("home")


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code from the authenticator app, or a recovery code, after the password."""
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = _matching_device(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            services.user_otp_check_record(user=request.user, passed_with=_kind(device))
            return redirect(_next(request))
        services.user_otp_check_record(user=request.user, passed_with=None)
        form.add_error("token", "That code is not right, or was used already. Try the current one.")
    status = 422 if form.is_bound else 200
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}, status=status)


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: show its key, confirm one code, then show the recovery codes once.

    A user who has one already must pass it first (a replacement needs a verified session).
    """
    verified = _verified(request)
    if not verified and user_has_device(request.user, confirmed=True):
        return redirect(f"{reverse('two_factor_verify')}?next={reverse('two_factor_setup')}")
    device = services.user_otp_device_pending(user=request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid() and device.verify_token(form.cleaned_data["token"].replace(" ", "")):
        codes = services.user_otp_enrol(
            user=request.user, device=device, recovery_codes=RECOVERY_CODES, session_verified=verified
        )
        otp_login(request, device)
        request.session[ENROLLED_SESSION_KEY] = True
        return render(request, "registration/two_factor_codes.html", {"codes": codes, "next": _next(request)})
    if form.is_bound and not form.errors:
        form.add_error("token", "That code is not right. Check the app's clock and try the current code.")
    context = {"form": form, "key": _base32(device), "config_url": device.config_url, "next": _next(request)}
    return render(request, "registration/two_factor_setup.html", context, status=422 if form.is_bound else 200)


def _verified(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


def _matching_device(user: Any, token: str) -> Any:
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user, confirmed=True):
            if device.verify_token(token):
                return device
    return None


def _kind(device: Any) -> str:
    return "recovery_code" if isinstance(device, StaticDevice) else "app"


def _base32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")
