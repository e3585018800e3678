"""Settings for the test suite: the real settings in debug-free form, with fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-" + "x" * 60)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("AUDIT_HMAC_KEY", "test-only-audit-key-" + "y" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("PLAIN_STATIC_STORAGE", "true")
# The model admin (dave) signs in by force_login in most tests; the two-factor tests
# in tests/test_security.py turn it on (production's default is "staff").
os.environ.setdefault("TWO_FACTOR", "off")

from escc_site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client and live server speak plain HTTP.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# WhiteNoise warns when the collectstatic folder is missing; tests serve from finders.
STATIC_ROOT.mkdir(exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True
