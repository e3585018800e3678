"""WSGI entry point: ``gunicorn escc_site.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "escc_site.settings")

application = get_wsgi_application()

# Each worker compiles the templates before its first request, not during it (escc_site/warmup.py).
from escc_site.warmup import compile_templates, freeze_startup_objects  # noqa: E402  (needs the settings)

compile_templates()
freeze_startup_objects()
