#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import secrets
import sys

# Commands that read no database and sign nothing: they run without a
# deployment's secrets (the spec's `manage.py evaluate_case PATH` and `evaluate_referral PATH`).
NO_SECRET_COMMANDS = {"evaluate_case", "evaluate_referral"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "escc_site.settings")
    # DEBUG is never guessed: unset means production settings (DEBUG=false),
    # as for gunicorn. Development says DEBUG=true (make run does).
    if sys.argv[1:2] and sys.argv[1] in NO_SECRET_COMMANDS:
        # A throwaway key for this process only: these commands never sign or store anything.
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
        os.environ.setdefault("AUDIT_HMAC_KEY", secrets.token_urlsafe(64))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
