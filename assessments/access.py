"""Who may read which case: the one visibility rule every read of patient data starts from.

A clinician sees the cases they own (any status), those shared with a care team they are in and
those offered to them in a handover; a tumor board member sees every case that has reached the
board (submitted, decided, closed), never a draft; an admin without a clinical role sees nothing.
Anything outside that answers 404, so a case id reveals nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import roles
from assessments.models import CareTeamMembership, Case, CaseHandover, CaseStatus, HandoverStatus

BOARD_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.DECIDED, CaseStatus.CLOSED)


def cases_visible_to(user: Any) -> QuerySet[Case]:
    """All cases ``user`` may read."""
    visible = Q(pk__in=[])
    if roles.is_clinician(user):
        visible |= Q(owner=user) | _team_or_offered_q(user)
    if roles.is_board_member(user):
        visible |= Q(status__in=BOARD_STATUSES)
    return Case.objects.filter(visible)


def care_team_ids(user: Any) -> QuerySet[CareTeamMembership]:
    """The ids of the care teams ``user`` is in, as a subquery."""
    return CareTeamMembership.objects.filter(user=user).values("team_id")


def _team_or_offered_q(user: Any) -> Q:
    # A team member sees the team's cases; a clinician offered a case sees it to decide on the offer.
    offered = CaseHandover.objects.filter(to_user=user, status=HandoverStatus.PENDING).values("case_id")
    return Q(team_id__in=care_team_ids(user)) | Q(pk__in=offered)
