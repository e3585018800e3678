"""Care teams, their members, and the handover of a case from one clinician to another."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from assessments.models.common import TEXT_MAX
from audit.tamper import not_clinical_record, tamper_evident


class CareTeam(models.Model):
    """A group of clinicians who share cases ("Spinal oncology", "On-call oncology"). Admins define them."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CareTeamMembership", related_name="care_teams", blank=True
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CareTeamMembership(models.Model):
    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_team_memberships")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team_user")]
        indexes = [models.Index(fields=["user", "team"], name="membership_user_team")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class HandoverStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the new clinician"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CaseHandover(models.Model):
    """The owner offers a case to another clinician, with a note; ownership moves when they accept."""

    case = models.ForeignKey("Case", on_delete=models.CASCADE, related_name="handovers")
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers_offered")
    note = models.TextField("handover note", max_length=TEXT_MAX)
    status = models.CharField(max_length=10, choices=HandoverStatus.choices, default=HandoverStatus.PENDING)
    proposed_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.TextField("reply", max_length=TEXT_MAX, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            # At most one open offer per case: the new owner is never in doubt which one counts.
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="pending"), name="one_pending_handover_per_case"
            )
        ]
        indexes = [models.Index(fields=["to_user", "status"], name="handover_to_user_status")]

    def __str__(self) -> str:
        return f"Handover {self.pk} of case {self.case_id}"


# Who may see a case is access control, not the record: each change is an audit entry (team.change,
# case.share). A handover (who offered the case to whom, with what note, and the answer) is part of
# the clinical record (audit.tamper).
not_clinical_record(CareTeam, "access control: who may see a case; every change is a team.change entry")
not_clinical_record(CareTeamMembership, "access control: who may see a case; every change is a team.change entry")
tamper_evident(CaseHandover)
