"""Reads of a patient: their page, and what a user may know of the episodes not shared with them.

Scoped like every read (``access.cases_visible_to``): a patient is found only through an episode
the user may see, and hidden episodes are counted and their holders named, never shown.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from assessments.access import cases_visible_to, reads_record
from assessments.models import Case, Patient, PatientRecordConflict
from audit.models import AuditEntry


def patient_get_for_view(*, user: User, pk: int) -> tuple[Patient, list[Case]]:
    """The patient and the episodes ``user`` may see, newest first, recorded; 404 when they may see none.

    The page shows the patient (``patient.view``) and each episode (``case.view``, one INSERT for all).
    """
    episodes = list(
        cases_visible_to(user)
        .filter(patient_id=pk, discarded_at__isnull=True)
        .select_related("owner", "team")
        .order_by("-created_at", "-pk")
    )
    if not episodes:
        raise Http404("No such patient")
    patient = Patient.objects.get(pk=pk)
    reads_record(user=user, cases=episodes, patients=[patient])
    return patient, episodes


def patient_hidden_episodes(*, user: Any, patient_id: int) -> dict[str, Any]:
    """The patient's episodes ``user`` may not see: how many, and who can share them (owners, teams). No content.

    Discarded drafts are not counted: they are nobody's episode any more.
    """
    visible = cases_visible_to(user).filter(patient_id=patient_id).values("pk")
    rows = list(
        Case.objects.filter(patient_id=patient_id, discarded_at__isnull=True)
        .exclude(pk__in=visible)
        .values_list("pk", "owner__username", "owner__first_name", "owner__last_name", "team__name")
        .order_by("pk")
    )
    owners = sorted({(f"{first} {last}".strip() or username) for _, username, first, last, _ in rows})
    teams = sorted({team for *_, team in rows if team})
    return {"count": len(rows), "case_ids": [row[0] for row in rows], "owners": owners, "teams": teams}


def patient_episode_summary(*, user: Any, case: Case) -> dict[str, Any]:
    """After a save: the patient's other episodes ``user`` sees, and those they do not (``patient_hidden_episodes``)."""
    others = cases_visible_to(user).filter(patient_id=case.patient_id, discarded_at__isnull=True).exclude(pk=case.pk)
    return {"others": others.count(), "hidden": patient_hidden_episodes(user=user, patient_id=case.patient_id)}


def patient_is_visible(*, user: Any, patient_id: int) -> bool:
    """Whether ``user`` may see at least one of the patient's episodes (and so the patient's stored details)."""
    return cases_visible_to(user).filter(patient_id=patient_id).exists()


def patient_shown(*, user: User, patient: Patient) -> Patient:
    """Record the ``patient.view`` of a stored patient's details shown outside the patient page.

    A save refused because the MRN's record differs shows a user who may see the patient what the
    record holds, next to the fields they typed.
    """
    reads_record(user=user, patients=[patient])
    return patient


def patient_open_conflicts(*, patient: Patient) -> QuerySet[PatientRecordConflict]:
    """The details on which the patient's merged cases disagreed, not yet resolved."""
    return patient.record_conflicts.filter(resolved_at__isnull=True)


def patient_refusals_since(*, user: User, since: datetime.datetime) -> list[datetime.datetime]:
    """When saves by ``user`` naming a patient they may not see were refused since ``since``, oldest first.

    Counted from the audit trail, where every refusal is recorded: shared by every app server
    and kept across restarts, which a per-process cache is not.
    """
    return list(
        AuditEntry.objects.filter(action="patient.details_refused", actor=user, at__gte=since, details__shown=False)
        .order_by("at")
        .values_list("at", flat=True)
    )
