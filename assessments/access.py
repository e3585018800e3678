"""Who may read which case, and the record that they did: the rule every read of patient data starts from.

A clinician sees the cases they own (any status), those shared with a care team they are in and
those offered to them in a handover; a tumor board member sees every case that has reached the
board (submitted, decided, closed), never a draft; an admin without a clinical role sees nothing.
Anything outside that answers 404, so a case id reveals nothing.

What a page shows of a patient is recorded where it is read (docs/decisions/0016-audited-reads.md):
the selectors that read for a page pass what they return through ``reads_record``, one INSERT per
kind of entry however many cases a list shows. tests/test_audited_reads.py walks every URL as every
role and fails for a page that names a patient without an entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from accounts import roles
from assessments.models import CareTeamMembership, Case, CaseHandover, CaseStatus, HandoverStatus, Patient
from audit.services import audit_record_many

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


def reads_record(
    *,
    user: User,
    cases: Iterable[Case] = (),
    patients: Iterable[Patient] = (),
    action: str = "case.view",
    details: dict[str, Any] | None = None,
) -> None:
    """Record that ``user`` is shown ``cases`` (``action``: ``case.view``, or ``case.export``/``case.print``
    for a download or a printout) and ``patients`` (``patient.view``), each once, in one INSERT per kind.
    ``details`` (a download's format) go with the case entries.

    The caller passes exactly what the page shows, already read: this adds no query to read them. The
    request (address, session) comes from the audit's context variable.
    """
    shown = list({case.pk: case for case in cases}.values())
    if shown:
        audit_record_many(action=action, actor=user, targets=shown, details=details)
    people = list({patient.pk: patient for patient in patients}.values())
    if people:
        audit_record_many(action="patient.view", actor=user, targets=people)
