"""Fill the on-call list for a development run: who answers the demo's escalations and timer warnings.

Run by ``make run`` after ``seed_demo``, under the same refusals: only with ``DEBUG=true`` set
explicitly and a database that holds the demo accounts and no others.
"""

from __future__ import annotations

import datetime
import os

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments.management.commands.seed_demo import DEMO_USERS
from referrals.models import OnCall, OnCallRole

# username, role, phone: bob answers for spinal surgery, alice for clinical oncology, erin is the MSCC lead.
DEMO_ON_CALL = (
    ("bob", OnCallRole.SPINAL_SURGEON, "bleep 2201"),
    ("alice", OnCallRole.CLINICAL_ONCOLOGIST, "07700 900123"),
    ("erin", OnCallRole.MSCC_LEAD, "07700 900456"),
)
# From the start of today for this many days, so the demo finds them on call whenever it runs.
DAYS = 30


class Command(BaseCommand):
    help = "Put bob (spinal surgeon), alice (clinical oncologist) and erin (MSCC lead) on call. Demo mode only."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEMO_MODE or os.environ.get("DEBUG", "").strip().lower() not in {"1", "true", "yes", "on"}:
            raise CommandError("The demo on-call list is only made when DEBUG=true (demo mode) is set explicitly.")
        if User.objects.exclude(username__in=[u[0] for u in DEMO_USERS]).exists():
            raise CommandError("Refused: this database has accounts besides the demo ones.")
        start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        for username, role, phone in DEMO_ON_CALL:
            person = User.objects.get(username=username)
            OnCall.objects.update_or_create(
                role=role,
                person=person,
                defaults={"phone": phone, "starts_at": start, "ends_at": start + datetime.timedelta(days=DAYS)},
            )
            self.stdout.write(f"  on call: {username:<6} {role.label} ({phone})")
