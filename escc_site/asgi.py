"""ASGI entry point (the app is served with gunicorn/WSGI; this is kept for completeness)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "escc_site.settings")

application = get_asgi_application()
