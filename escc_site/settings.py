"""Settings for the ESCC decision-support app, read from the environment.

Development (``make run``) sets ``DEBUG=true``; everything else defaults to
production-safe values and refuses to start without what production needs.
See docs/deployment.md for the variables a hospital sets.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from escc_site.database import database_from_url
from escc_site.env import ImproperSetting, env_bool, env_int, env_list, env_pairs, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# Demo accounts (alice, bob, carol, dave) exist only in a development run.
DEMO_MODE = DEBUG and env_bool("DEMO_MODE", True)

SECRET_KEY = env_secret(
    "SECRET_KEY", debug=DEBUG, dev_default="dev-only-insecure-key-never-used-in-production", min_length=50
)

# The audit chain's HMAC key: in the environment (never in the database), so
# someone who can write audit rows cannot make a forged row verify. Rotation:
# the new key goes in AUDIT_HMAC_KEY, the old one to the end of
# AUDIT_HMAC_PREVIOUS_KEYS (oldest first), which verify_audit needs for older rows.
AUDIT_HMAC_KEY = env_secret(
    "AUDIT_HMAC_KEY", debug=DEBUG, dev_default="dev-only-audit-key-never-used-in-production", min_length=32
)
AUDIT_HMAC_PREVIOUS_KEYS = env_list("AUDIT_HMAC_PREVIOUS_KEYS", [])
# Where manage.py audit_head appends the signed head (a file the database's users cannot
# write), and which verify_audit then checks without being told; blank: neither does.
AUDIT_HEAD_FILE = env_str("AUDIT_HEAD_FILE", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The framework's and third-party apps through escc_site.apps: the same apps, named in words
# (the admin index shows the names) and the admin site whose lists check a posted selection.
INSTALLED_APPS = [
    "escc_site.apps.EsccAdminConfig",
    "escc_site.apps.UsersAndRolesConfig",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "template_partials",
    "bootstrap",
    "simple_history",
    "pgtrigger",
    "escc_site.apps.SignInLockoutsConfig",
    "django_otp",
    "escc_site.apps.AuthenticatorAppsConfig",
    "escc_site.apps.RecoveryCodesConfig",
    "csp",
    "django_tasks",
    "escc_site.apps.BackgroundTasksConfig",
    "assessments",
    "audit",
    "accounts",
    "board.apps.BoardConfig",
    "referrals",
    "interop",
]

MIDDLEWARE = [
    # First: a database fault in any view becomes a 503 page, not a 500 (see also handler500).
    "escc_site.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "escc_site.input_guard.RejectNulInQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "escc_site.middleware.NoStoreForAuthenticatedMiddleware",
    "audit.middleware.AuditRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "assessments.middleware.SessionTimeoutMiddleware",
    "assessments.middleware.HtmxAwareLoginRequiredMiddleware",
    "accounts.two_factor.TwoFactorGateMiddleware",
    "accounts.password_gate.PasswordChangeGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "escc_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "assessments.context_processors.user_roles",
            ],
        },
    },
]

# Widget templates (ESCC grade cards, choice buttons) live in templates/.
FORM_RENDERER = "escc_site.forms.FormRenderer"

WSGI_APPLICATION = "escc_site.wsgi.application"

# --- Database ---------------------------------------------------------------
_database_url = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
# Several hosts (postgres://db1,db2/escc?target_session_attrs=read-write) follow a failover.
_db = database_from_url(_database_url)
if _db["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections, checked before reuse so a database restart
    # turns into one reconnect rather than a run of 500s.
    _db["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
    _db["CONN_HEALTH_CHECKS"] = True
else:
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {})["timeout"] = 20
    # BEGIN IMMEDIATE: a transaction takes the write lock up front, so two that
    # both read then write (the audit chain head) wait for each other instead of
    # failing with "database is locked". PostgreSQL uses SELECT … FOR UPDATE.
    _db["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DATABASES = {"default": _db}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------
# Axes first: it refuses a locked-out sign-in whatever the method. Local
# accounts (ModelBackend) come before the directory so a break-glass admin
# signs in even when the directory is down. Directory and single sign-on are
# off unless configured (docs/deployment.md, docs/decisions/0004).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# LDAP / Active Directory (django-python3-ldap, on ldap3): on when LDAP_URL is set.
LDAP_ENABLED = bool(env_list("LDAP_URL", []))
if LDAP_ENABLED:
    import ssl

    import ldap3

    AUTHENTICATION_BACKENDS.append("accounts.backends.DirectoryBackend")
    LDAP_AUTH_URL = env_list("LDAP_URL", [])
    if any(not url.startswith(("ldap://", "ldaps://")) for url in LDAP_AUTH_URL):
        raise ImproperSetting("LDAP_URL must be ldap://… or ldaps://… (comma-separated for several servers)")
    LDAP_AUTH_SEARCH_BASE = env_str("LDAP_SEARCH_BASE")
    LDAP_AUTH_CONNECTION_USERNAME = env_str("LDAP_BIND_DN")
    LDAP_AUTH_CONNECTION_PASSWORD = env_str("LDAP_BIND_PASSWORD")
    _ldap_username_attribute = env_str("LDAP_USERNAME_ATTRIBUTE", "uid")
    LDAP_AUTH_OBJECT_CLASS = env_str("LDAP_USER_OBJECT_CLASS", "inetOrgPerson")
    LDAP_AUTH_USE_TLS = env_bool("LDAP_START_TLS", False)
    if not (DEBUG or LDAP_AUTH_USE_TLS) and any(url.startswith("ldap://") for url in LDAP_AUTH_URL):
        raise ImproperSetting("LDAP_URL ldap://… would send passwords in clear: use ldaps://… or LDAP_START_TLS=true")
    # Certificates are always verified (ldap3's default is not to): against
    # LDAP_CA_FILE when given, else the system's trust store.
    _ldap_ca_file = env_str("LDAP_CA_FILE", "") or None
    if _ldap_ca_file and not Path(_ldap_ca_file).is_file():
        raise ImproperSetting(f"LDAP_CA_FILE {_ldap_ca_file!r} is not a readable file")
    _ldap_tls = {"validate": ssl.CERT_REQUIRED, "ca_certs_file": _ldap_ca_file}
    LDAP_AUTH_TLS_ARGS = _ldap_tls
    LDAP_AUTH_CONNECT_ARGS = {"tls": ldap3.Tls(**_ldap_tls)}
    LDAP_AUTH_CONNECT_TIMEOUT = env_int("LDAP_TIMEOUT_SECONDS", 5, minimum=1)
    LDAP_AUTH_RECEIVE_TIMEOUT = LDAP_AUTH_CONNECT_TIMEOUT
    # Try each server twice, then give up: ldap3's default (True) retries for
    # ever, which would hang the log-in page while the directory is down.
    LDAP_AUTH_POOL_ACTIVE = 2
    LDAP_USER_DN_TEMPLATE = env_str(
        "LDAP_USER_DN_TEMPLATE", f"{_ldap_username_attribute}={{username}},{LDAP_AUTH_SEARCH_BASE}"
    )
    LDAP_USER_FILTER = env_str("LDAP_USER_FILTER", "")
    # Role groups: one DN each, or several separated by ";" (DNs contain commas).
    LDAP_ROLE_GROUPS = {
        role: [dn.strip() for dn in env_str(name, "").split(";") if dn.strip()]
        for role, name in (
            ("clinician", "LDAP_CLINICIAN_GROUP_DN"),
            ("tumor_board", "LDAP_TUMOR_BOARD_GROUP_DN"),
            ("referrer", "LDAP_REFERRER_GROUP_DN"),
            ("mscc_coordinator", "LDAP_MSCC_COORDINATOR_GROUP_DN"),
            ("staff", "LDAP_STAFF_GROUP_DN"),
        )
    }
    LDAP_NESTED_GROUPS = env_bool("LDAP_NESTED_GROUPS", False)  # Active Directory only
    LDAP_AUTH_USER_FIELDS = {
        "username": _ldap_username_attribute,
        "first_name": "givenName",
        "last_name": "sn",
        "email": "mail",
    }
    LDAP_AUTH_USER_LOOKUP_FIELDS = ("username",)
    LDAP_AUTH_CLEAN_USER_DATA = "accounts.directory.clean_user_data"
    LDAP_AUTH_FORMAT_USERNAME = "accounts.directory.format_username"
    LDAP_AUTH_FORMAT_SEARCH_FILTERS = "accounts.directory.format_search_filters"
    LDAP_AUTH_SYNC_USER_RELATIONS = "accounts.directory.sync_user_relations"

# OpenID Connect single sign-on (mozilla-django-oidc): on when OIDC_CLIENT_ID is set.
OIDC_ENABLED = bool(env_str("OIDC_CLIENT_ID", ""))
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "hospital sign-on")
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("accounts.backends.HospitalOIDCBackend")
    OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT")
    OIDC_OP_END_SESSION_ENDPOINT = env_str("OIDC_END_SESSION_ENDPOINT", "")
    OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
    OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "preferred_username")
    OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
    OIDC_ROLE_GROUPS = {
        "clinician": env_list("OIDC_CLINICIAN_GROUPS", []),
        "tumor_board": env_list("OIDC_TUMOR_BOARD_GROUPS", []),
        "referrer": env_list("OIDC_REFERRER_GROUPS", []),
        "mscc_coordinator": env_list("OIDC_MSCC_COORDINATOR_GROUPS", []),
        "staff": env_list("OIDC_STAFF_GROUPS", []),
    }
    OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10, minimum=1)
    OIDC_USE_PKCE = True
    OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
    OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the IdP log-out
    OIDC_REDIRECT_REQUIRE_HTTPS = not DEBUG
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Two-factor sign-in (accounts.two_factor): "staff" = required for staff admins,
# optional for everyone else; "all"; "off". Off by default in development so the
# demo accounts of `make run` sign in with their password alone. Only sessions
# signed in by these backends (local accounts) are asked: directory sign-in
# (LDAP, OpenID Connect) brings the directory's own second factor.
TWO_FACTOR = env_str("TWO_FACTOR", "off" if DEBUG else "staff").lower()
if TWO_FACTOR not in ("off", "staff", "all"):
    raise ImproperSetting(f"TWO_FACTOR must be one of off/staff/all, got {TWO_FACTOR!r}")
TWO_FACTOR_LOCAL_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
OTP_TOTP_ISSUER = "ESCC decision support"
# Never shown anyway (django-otp's device pages are not registered: accounts.admin); hidden should they return.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# django-axes: lock by username + address, for a limited time only, so that
# nobody can lock a colleague out for good by typing their name wrongly.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ...and an address after this many failures over all usernames (accounts.throttle).
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_HANDLER = "accounts.throttle.AddressAwareAxesHandler"
AXES_RESET_ON_SUCCESS = True
# A try during the lock-out does not restart it: the lock lasts the 15 minutes
# the locked-out page promises (and still allows only 5 guesses per cool-off).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False  # no banner on stderr: evaluate_case's stderr is part of its contract
# Reverse proxies in front of the app that append to X-Forwarded-For; the client
# address (lock-outs, audit rows) is the one the outermost of them saw.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "escc_site.client_ip.client_ip"

# Sessions: an idle timeout and an absolute lifetime (see assessments.middleware).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 15, minimum=1) * 60
SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Security headers -------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "escc_site.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Behind a TLS-terminating reverse proxy, set SECURE_SSL_REDIRECT=false if the
    # proxy already redirects, and SECURE_PROXY_SSL_HEADER_ENABLED=true so Django
    # trusts X-Forwarded-Proto from it.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    if not SECURE_SSL_REDIRECT:
        # docs/deployment.md allows false only when the reverse proxy redirects
        # HTTP to HTTPS itself: the check that Django redirects (W008) is then
        # about a job the proxy does, and would fail every such deployment.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere.
_csp_form_targets = []
if OIDC_ENABLED and OIDC_OP_END_SESSION_ENDPOINT:
    _csp_form_targets = ["{0.scheme}://{0.netloc}".format(urlsplit(OIDC_OP_END_SESSION_ENDPOINT))]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        # Log-out is a form whose answer may redirect to the IdP's end-session page.
        "form-action": ["'self'", *_csp_form_targets],
        "frame-ancestors": ["'none'"],
    },
}

# Request size limits: an assessment is a few kilobytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_BYTES", 256 * 1024, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True
# One date format throughout, en-GB on a 24-hour clock (escc_site/formats/en_GB/formats.py).
FORMAT_MODULE_PATH = ["escc_site.formats"]

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env_bool("PLAIN_STATIC_STORAGE", False)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- The FHIR export (interop, docs/fhir.md) ------------------------------------
# The version of the app a deployment runs, named in each export's Provenance and Device.
APP_VERSION = env_str("APP_VERSION", "1.0.0")
# The hospital's identifier system for its medical record numbers (Patient.identifier.system).
FHIR_MRN_SYSTEM = env_str("FHIR_MRN_SYSTEM", "https://hospital.example.org/fhir/sid/mrn")
# The stable base of the app's own canonical URIs: its CodeSystem, rule sets, users and decisions.
FHIR_CANONICAL_BASE = env_str("FHIR_CANONICAL_BASE", "https://escc.example.org/fhir")
FHIR_PUBLISHER = env_str("FHIR_PUBLISHER", "ESCC decision support")

# Site default for the `sbrt_available` field; each case can override it.
SITE_SBRT_AVAILABLE = env_bool("SITE_SBRT_AVAILABLE", True)

# --- Notifications: e-mail and the background task queue -------------------
# E-mail goes out from the task worker (`manage.py task_worker`), never from a request. In development
# (`make run`) tasks run at once, after the save commits, and e-mail is printed on the server's console,
# so a newcomer sees the e-mail a decision sends without a worker or a mail server.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "escc@localhost")
# The address of the app as users reach it, for the links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
TASKS_BACKEND = env_str(
    "TASKS_BACKEND",
    "django_tasks.backends.immediate.ImmediateBackend" if DEBUG else "django_tasks_db.DatabaseBackend",
)
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- The referral front door (clinical-rules.md section 10) ------------------
# The number a referrer calls when triage says "call the coordinator now" (10.5): shown on the
# referral form and its panel. Set it in every deployment; `check --deploy` warns while it is unset.
MSCC_COORDINATOR_PHONE = env_str("MSCC_COORDINATOR_PHONE", "0100 000 0000 (demo)" if DEMO_MODE else "")
# The site's local targets (10.10 "Local targets"), as name=ISO 8601 duration pairs separated by
# commas, e.g. "acknowledge_emergency=PT15M,imaging_immediately=PT6H". Unset names keep the rule
# set's value. A target longer than the rule set allows stops the start-up (escc_site.env).
REFERRAL_LOCAL_TARGETS = env_pairs("REFERRAL_LOCAL_TARGETS")
# The referral watch (`manage.py referral_watch`): how often it evaluates the open referrals, and when
# a timer counts as about to breach: in its last REFERRAL_WARN_BEFORE_MINUTES, or in its last
# REFERRAL_WARN_PERCENT of its span when that is shorter (a 30-minute timer warns 7.5 minutes ahead).
REFERRAL_WATCH_INTERVAL = env_int("REFERRAL_WATCH_INTERVAL", 60, minimum=1)
REFERRAL_WARN_BEFORE_MINUTES = env_int("REFERRAL_WARN_BEFORE_MINUTES", 30, minimum=1)
REFERRAL_WARN_PERCENT = env_int("REFERRAL_WARN_PERCENT", 25, minimum=1)
