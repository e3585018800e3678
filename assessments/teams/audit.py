"""Every change of a care team or of its members is a ``team.change`` audit entry.

Signal receivers, so the admin, the shell and a future directory sync are all recorded.
The entry names the team and the user by id; no patient data is involved.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from assessments.models import CareTeam, CareTeamMembership
from audit.services import audit_record


def team_saved(sender: Any, instance: CareTeam, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        audit_record(action="team.change", target=instance, details={"change": "created" if created else "changed"})


def team_deleted(sender: Any, instance: CareTeam, **kwargs: Any) -> None:
    audit_record(action="team.change", details={"change": "deleted", "team": instance.pk, "name": instance.name})


def membership_saved(
    sender: Any, instance: CareTeamMembership, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not raw and created:
        audit_record(action="team.change", target=instance.team, details={"added": instance.user_id})


def membership_deleted(sender: Any, instance: CareTeamMembership, **kwargs: Any) -> None:
    audit_record(action="team.change", details={"team": instance.team_id, "removed": instance.user_id})


def connect() -> None:
    post_save.connect(team_saved, sender=CareTeam, dispatch_uid="team_saved")
    post_delete.connect(team_deleted, sender=CareTeam, dispatch_uid="team_deleted")
    post_save.connect(membership_saved, sender=CareTeamMembership, dispatch_uid="membership_saved")
    post_delete.connect(membership_deleted, sender=CareTeamMembership, dispatch_uid="membership_deleted")
