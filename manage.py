#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "escc_site.settings")
    # manage.py is a developer's and safety officer's tool: without an explicit
    # DEBUG it runs in development mode. Production processes (gunicorn, and
    # manage.py in a deployment) get DEBUG=false from their environment file;
    # wsgi.py has no such default, so the served app is production-safe.
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
