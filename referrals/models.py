"""A referral to the MSCC coordinator: who it is about and where it stands, its versions, its log and the on-call list.

A referral is stored as section 10's referral object, one complete object per version
(``ReferralVersion.data``, spec names and codes), so each version can be evaluated again exactly as it
was, exported, and compared. What happens to the referral (acknowledged, escalated, advice given by
phone, withdrawn, the outcome told) is an append-only log (``ReferralEntry``); the events the rules read
(10.1) come from it and from the assessment case the referral became.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from assessments.models import Case
from assessments.models.common import TEXT_MAX, choices
from assessments.rules import referral as triage_rules
from audit.tamper import not_clinical_record, tamper_evident


class ReferralStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn (entered in error)"


# The worklist's order: the most urgent triage first (then the earliest open deadline).
TRIAGE_RANK = {
    triage_rules.Triage.SUSPECTED_MSCC: 0,
    triage_rules.Triage.SUSPECTED_CORD_COMPRESSION_NO_KNOWN_CANCER: 0,
    triage_rules.Triage.INSUFFICIENT_INFORMATION: 1,
    triage_rules.Triage.SUSPECTED_SPINAL_METASTASES: 2,
    triage_rules.Triage.NOT_SUSPECTED: 3,
}


class Referral(models.Model):
    """One patient referred to the coordinator service: the clock runs from ``received_at``.

    The patient's identifiers are the referrer's (a referrer of another hospital may not know this
    hospital's number); the assessment case made from the referral finds or creates the patient record.
    """

    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals")
    received_at = models.DateTimeField("received")
    patient_name = models.CharField("patient name", max_length=200)
    patient_date_of_birth = models.DateField("date of birth")
    patient_mrn = models.CharField("hospital or NHS number", max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.OPEN)
    # The number of the newest version; a save names the version it was based on (optimistic concurrency).
    version = models.PositiveIntegerField(default=1)
    # Drawn by the form page for each save: a repeated save is recognised and makes no second referral.
    save_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    # Events of 10.1 that belong to the referral, not to a version.
    acknowledged_at = models.DateTimeField("acknowledged by the coordinator", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The assessment case the referral became (10.8); its board decision and treatment start are the
    # referral's decision and treatment events.
    case = models.OneToOneField(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="referral")
    case_created_by_hand = models.BooleanField(default=False)

    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField("reason", max_length=TEXT_MAX, blank=True)

    # Denormalised from the newest version's result, for the worklist's order and filters.
    triage = models.CharField(max_length=48, choices=choices(triage_rules.Triage))
    triage_rank = models.PositiveSmallIntegerField()
    next_step = models.CharField(max_length=24, choices=choices(triage_rules.NextStep))

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["triage_rank", "received_at", "pk"]
        indexes = [
            models.Index(fields=["status", "triage_rank", "received_at"], name="referral_worklist"),
            models.Index(fields=["referrer", "-received_at"], name="referral_referrer_recent"),
        ]

    def __str__(self) -> str:
        # No patient identifiers: this names the referral in the audit trail and the admin.
        return f"Referral {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:referral_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == ReferralStatus.OPEN

    # What a case started from the referral reads of it (``assessments.presenters.origin``).
    @property
    def origin_label(self) -> str:
        return f"Referral {self.pk}"

    @property
    def origin_url(self) -> str:
        return reverse("referrals:referral_detail", args=[self.pk])

    @property
    def steroid_started_at(self) -> datetime.datetime | None:
        """When dexamethasone was given at triage, as the newest version records it (10.1)."""
        version = self.versions.filter(number=self.version).only("data").first()
        given = None if version is None else version.data.get("dexamethasone_given_at")
        return parse_datetime(given) if isinstance(given, str) else None


class VersionReason(models.TextChoices):
    REFERRED = "referred", "Referred"
    RETRIAGED = "retriaged", "Re-triaged with new findings"
    IMAGING = "imaging", "Imaging recorded"
    COMPLETED = "completed", "Missing findings completed"


class ReferralVersion(models.Model):
    """One complete version of the referral (10.1, without events), as evaluated when it was saved.

    ``previous_deadlines`` are the deadlines the previous version's result gave (10.10, carried
    deadlines); ``result`` is the rules' answer at ``evaluated_at``, exactly as the saver saw it.
    """

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="versions")
    rule_set = models.CharField(max_length=16)
    number = models.PositiveIntegerField()
    data = models.JSONField()
    previous_deadlines = models.JSONField(null=True, blank=True)
    evaluated_at = models.DateTimeField()
    result = models.JSONField()
    reason = models.CharField(max_length=12, choices=VersionReason.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["referral", "number"]
        constraints = [models.UniqueConstraint(fields=["referral", "number"], name="referral_version_unique")]

    def __str__(self) -> str:
        return f"Referral {self.referral_id} version {self.number}"


class EntryKind(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", "Acknowledged by the coordinator"
    ADVICE = "advice", "Advice given by phone"
    ESCALATED = "escalated", "Escalated"
    NOTE = "note", "Note"
    CASE_CREATED = "case_created", "Assessment created"
    OUTCOME_TOLD = "outcome_told", "Referrer told the outcome"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn (entered in error)"


class ReferralEntry(models.Model):
    """What was done on the referral, by whom and when: an append-only log (advice given, escalations, closing)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=14, choices=EntryKind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=TEXT_MAX, blank=True)
    # Facts of the entry (whom an escalation named, which version it was about), as codes and ids.
    details = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["referral", "at", "pk"]
        verbose_name_plural = "referral entries"

    def __str__(self) -> str:
        return f"Referral {self.referral_id}: {self.get_kind_display()}"


class OnCallRole(models.TextChoices):
    SPINAL_SURGEON = "spinal_surgeon", "Spinal surgeon"
    CLINICAL_ONCOLOGIST = "clinical_oncologist", "Clinical oncologist"
    SPINAL_TEAM = "spinal_team", "Emergency spinal team"
    MSCC_COORDINATOR = "mscc_coordinator", "MSCC coordinator"
    MSCC_LEAD = "mscc_lead", "Network MSCC lead"


class OnCall(models.Model):
    """Who is on call for a role, from when until when: the list admins keep, read by escalation."""

    role = models.CharField(max_length=20, choices=OnCallRole.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="on_call")
    phone = models.CharField("phone or bleep", max_length=40)
    starts_at = models.DateTimeField("from")
    ends_at = models.DateTimeField("until")

    class Meta:
        ordering = ["role", "starts_at", "pk"]
        verbose_name = "on-call entry"
        verbose_name_plural = "on-call entries"

    def __str__(self) -> str:
        return f"{self.get_role_display()} on call from {self.starts_at:%Y-%m-%d %H:%M}"


class TimerNoticeKind(models.TextChoices):
    DUE_SOON = "due_soon", "About to breach"
    BREACHED = "breached", "Breached"


class TimerNotice(models.Model):
    """That a timer's warning went out for a deadline: so the scheduled check warns once, never twice."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    timer = models.CharField(max_length=12, choices=choices(triage_rules.TimerName))
    kind = models.CharField(max_length=10, choices=TimerNoticeKind.choices)
    deadline = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "timer", "kind", "deadline"], name="timer_notice_once")
        ]

    def __str__(self) -> str:
        return f"Referral {self.referral_id}: {self.timer} {self.kind}"


tamper_evident(Referral)
tamper_evident(ReferralVersion, append_only=True)
tamper_evident(ReferralEntry, append_only=True)
not_clinical_record(
    OnCall, "the rota of who answers escalations, kept by admins; each escalation's entry names whom it reached"
)
not_clinical_record(TimerNotice, "delivery bookkeeping: which timer warnings went out, so none goes twice")
