"""The production settings with the URLs of ``tests.referral_page_stand_in``: for a ``manage.py`` process a test runs."""

from escc_site.settings import *  # noqa: F403

ROOT_URLCONF = "tests.referral_page_stand_in"
