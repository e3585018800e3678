"""Create the demo accounts for a development run.

Refuses unless DEBUG is set to true explicitly in the environment (not only by
a default) and the database holds no account other than the demo ones: a
production database always has real users, so the published demo password can
never reach it.
"""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from accounts import roles
from assessments.models import CareTeam

DEMO_PASSWORD = "escc-demo-2026"  # noqa: S105 - demo mode only, printed on start
DEMO_USERS = (
    # username, full name, role group (None = admin only), is_staff
    ("alice", "Alice Clinician", roles.CLINICIAN, False),
    ("bob", "Bob Clinician", roles.CLINICIAN, False),
    ("carol", "Carol Board", roles.TUMOR_BOARD, False),
    # rita refers from an emergency department; colin is the network's MSCC coordinator.
    ("rita", "Rita Referrer", roles.REFERRER, False),
    ("colin", "Colin Coordinator", roles.COORDINATOR, False),
    # dave is a superuser (all Django admin rights) with no clinical role: he sees no patient data.
    ("dave", "Dave Admin", None, True),
    # erin is the second admin, who approves the roles dave asks for (and dave hers).
    ("erin", "Erin Admin", None, True),
)
# Addresses on a reserved domain (RFC 2606): in a development run e-mail is printed on the console.
DEMO_EMAIL_DOMAIN = "example.org"
DEMO_TEAMS = (("Spinal oncology", ("alice", "bob")), ("On-call oncology", ("bob",)))


class Command(BaseCommand):
    help = (
        "Create demo users alice, bob (clinicians), carol (tumor board), rita (referrer), colin (MSCC coordinator), "
        "dave and erin (admins). Demo mode only."
    )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEMO_MODE or os.environ.get("DEBUG", "").strip().lower() not in {"1", "true", "yes", "on"}:
            raise CommandError("Demo accounts are only created when DEBUG=true (demo mode) is set explicitly.")
        User = get_user_model()
        others = User.objects.exclude(username__in=[u[0] for u in DEMO_USERS])
        if others.exists():
            raise CommandError(
                f"Refused: this database has {others.count()} account(s) besides the demo ones, "
                "so it is not a development database. Demo accounts are never added to real users."
            )
        for username, full_name, group_name, is_staff in DEMO_USERS:
            first, last = full_name.split(" ", 1)
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@{DEMO_EMAIL_DOMAIN}"
            user.is_staff = is_staff
            user.is_superuser = is_staff
            user.set_password(DEMO_PASSWORD)
            user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
        # Two care teams, so sharing and My team's cases can be tried.
        for name, members in DEMO_TEAMS:
            team, _ = CareTeam.objects.get_or_create(name=name)
            team.members.add(*User.objects.filter(username__in=members))
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, _, group_name, _ in DEMO_USERS:
            role = group_name or "Admin (superuser, no clinical role)"
            self.stdout.write(f"  {username:<6} {username}@{DEMO_EMAIL_DOMAIN:<12} {role}")
        self.stdout.write("Care teams: " + "; ".join(f"{name} ({', '.join(m)})" for name, m in DEMO_TEAMS))
        if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
            self.stdout.write("E-mail the app sends (a decision, a returned case) is printed in this terminal.")
