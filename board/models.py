"""The tumor board as a meeting, what a decision commits people to, and what happened afterwards.

Signed decisions (``assessments.BoardDecision``) are append-only, so everything
recorded with or after a decision lives here, in rows that point at it: the plan
and meeting link (written once, with the decision), the actions, their ticks,
notifications and follow-ups.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from assessments.models import TEXT_MAX, BoardDecision, Case
from audit.tamper import not_clinical_record, tamper_evident


class Specialty(models.TextChoices):
    SPINE_SURGERY = "spine_surgery", "Spine surgery"
    RADIATION_ONCOLOGY = "radiation_oncology", "Radiation oncology"
    MEDICAL_ONCOLOGY = "medical_oncology", "Medical oncology"
    RADIOLOGY = "radiology", "Radiology"
    PALLIATIVE_CARE = "palliative_care", "Palliative care"
    NURSING = "nursing", "Nursing"
    OTHER = "other", "Other"


# A meeting is quorate when each of these specialties has at least one attendee.
QUORUM = frozenset({Specialty.SPINE_SURGERY, Specialty.RADIATION_ONCOLOGY, Specialty.MEDICAL_ONCOLOGY})


class Meeting(models.Model):
    starts_at = models.DateTimeField("date and time")
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return f"Board meeting {timezone.localtime(self.starts_at):%d %b %Y %H:%M}"

    def missing_for_quorum(self) -> list[str]:
        """The quorum specialties nobody present represents (empty when quorate)."""
        present = set(self.attendees.values_list("specialty", flat=True))
        return [Specialty(code).label for code in sorted(QUORUM) if code not in present]

    @property
    def is_quorate(self) -> bool:
        return not self.missing_for_quorum()


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="agenda_case_once")]

    def __str__(self) -> str:
        return f"Item {self.position} of meeting {self.meeting_id}"


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=200)
    specialty = models.CharField(max_length=20, choices=Specialty.choices)

    class Meta:
        ordering = ["specialty", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_specialty_display()})"


class DecisionRecord(models.Model):
    """Written once, in the transaction that signs the decision: the plan and where it was taken."""

    decision = models.OneToOneField(BoardDecision, on_delete=models.PROTECT, related_name="record")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions")
    # The quorum as it stood when the decision was signed (attendance may be corrected later).
    quorate = models.BooleanField(null=True)
    plan = models.TextField("plan (dose, timing, sequence)", max_length=TEXT_MAX, blank=True)

    def __str__(self) -> str:
        return f"Record of decision {self.decision_id}"

    @property
    def setting_text(self) -> str:
        if self.meeting_id is None:
            return "Outside a meeting"
        return "Quorate meeting" if self.quorate else "Non-quorate meeting"


class DecisionAttendee(models.Model):
    """One line of who was at the meeting when a decision was signed, kept with the decision.

    The meeting's attendance may be corrected after the decision; the letter and the
    case page show these rows. A quorum specialty nobody represented has a row with
    ``present`` false and no name. ``taken_at_signing`` is false only for rows copied from
    the meeting's attendance when the snapshot was introduced, after those decisions were signed.
    """

    decision = models.ForeignKey(BoardDecision, on_delete=models.PROTECT, related_name="attendance")
    name = models.CharField(max_length=200, blank=True)
    specialty = models.CharField(max_length=20, choices=Specialty.choices)
    present = models.BooleanField()
    taken_at_signing = models.BooleanField(default=True)

    class Meta:
        ordering = ["decision", "-present", "specialty", "name", "pk"]

    def __str__(self) -> str:
        if not self.present:
            return f"{self.get_specialty_display()}: nobody present"
        return f"{self.name} ({self.get_specialty_display()})"


class Action(models.Model):
    decision = models.ForeignKey(BoardDecision, on_delete=models.PROTECT, related_name="actions")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    text = models.CharField("action", max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_actions")
    due_at = models.DateTimeField("due")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["owner", "due_at"], name="action_owner_due")]

    def __str__(self) -> str:
        return self.text

    def is_overdue(self, now: datetime.datetime) -> bool:
        return self.due_at < now and not hasattr(self, "done")


class ActionDone(models.Model):
    """The tick on an action, apart from the action so the action itself is written once."""

    action = models.OneToOneField(Action, on_delete=models.PROTECT, related_name="done")
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Action {self.action_id} done"


class NotificationKind(models.TextChoices):
    RETURNED = "returned", "Case returned by the board"
    DECIDED = "decided", "Board decision signed"
    ACTION = "action", "Action assigned to you"
    HANDOVER_OFFERED = "handover_offered", "Case handover offered to you"
    HANDOVER_ACCEPTED = "handover_accepted", "Your handover was accepted"
    HANDOVER_DECLINED = "handover_declined", "Your handover was declined"
    REFERRAL_ESCALATED = "referral_escalated", "A referral was escalated to you"
    TIMER_DUE_SOON = "timer_due_soon", "A referral timer is about to breach"
    TIMER_BREACHED = "timer_breached", "A referral timer breached"
    REFERRAL_OUTCOME = "referral_outcome", "The board decided on your referral"


class Notification(models.Model):
    """Something a user is told, in the app and by e-mail: about a case, or about anything else by its page.

    A case's notification names the case and is worded from it (``presenters.case_words``). Any other
    (a referral's escalation or timer) carries its own ``subject`` and the path of its page in ``link``:
    the app that sends it writes the words, which name no patient, because they go out by e-mail and
    the page they link to is where a read is recorded.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    subject = models.CharField(max_length=200, blank=True)
    link = models.CharField("page", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | (~models.Q(subject="") & models.Q(link__startswith="/")),
                name="notification_names_its_case_or_page",
            )
        ]

    def __str__(self) -> str:
        if self.case_id is None:
            return f"{self.get_kind_display()}: {self.link}"
        return f"{self.get_kind_display()}: case {self.case_id}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Failed, will retry"
    FAILED = "failed", "Failed"
    NO_ADDRESS = "no_address", "Not sent: the recipient has no e-mail address"


class EmailDelivery(models.Model):
    """The e-mail for one notification: how often it was tried and what went wrong (shown to admins)."""

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="email")
    to = models.CharField(max_length=254)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = "e-mail delivery"
        verbose_name_plural = "e-mail deliveries"

    def __str__(self) -> str:
        return f"E-mail for notification {self.notification_id}: {self.status}"


class Ambulatory(models.TextChoices):
    INDEPENDENT = "independent", "Walks independently"
    WITH_AID = "with_aid", "Walks with an aid"
    NOT_AMBULATORY = "not_ambulatory", "Cannot walk"


class Bladder(models.TextChoices):
    CONTINENT = "continent", "Continent"
    CATHETER = "catheter", "Catheter"
    INCONTINENT = "incontinent", "Incontinent"


FOLLOW_UP_DAYS = (30, 90)
# A follow-up can be recorded from this many days before its due day (a clinic visit a few days
# early is a 30-day review); before that it is refused, so a "30-day" outcome is never the day's own.
FOLLOW_UP_OPENS_DAYS_BEFORE = 7
# NICE's clock for spinal cord compression: each interval of a case's pathway (referral to MRI, MRI to
# report, MRI to decision, decision to treatment) is measured against this one target.
TARGET_HOURS = 24
CLOCK_TARGET = datetime.timedelta(hours=TARGET_HOURS)


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups")
    days = models.PositiveSmallIntegerField(choices=[(d, f"{d} days") for d in FOLLOW_UP_DAYS])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)
    alive = models.BooleanField()
    date_of_death = models.DateField(null=True, blank=True)
    ambulatory = models.CharField(max_length=16, choices=Ambulatory.choices, blank=True)
    bladder = models.CharField(max_length=12, choices=Bladder.choices, blank=True)
    fracture = models.BooleanField("vertebral fracture (e.g. after SBRT)", default=False)
    wound_problem = models.BooleanField("wound problem", default=False)
    other_complication = models.CharField("other complication", max_length=500, blank=True)
    local_recurrence = models.BooleanField(default=False)

    class Meta:
        ordering = ["days"]
        constraints = [models.UniqueConstraint(fields=["case", "days"], name="follow_up_once")]

    def __str__(self) -> str:
        return f"{self.days}-day follow-up of case {self.case_id}"


class CaseClock(models.Model):
    """Time points of the 24-hour clock the case model does not hold (MRI, decision, treatment are on Case)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="clock")
    referral_received_at = models.DateTimeField("referral received", null=True, blank=True)
    mri_report_at = models.DateTimeField("MRI reported", null=True, blank=True)

    def __str__(self) -> str:
        return f"Clock of case {self.case_id}"


class MonthlySummary(models.Model):
    """Pre-aggregated dashboard row: one per month (of first decision) x recommended x chosen pathway x followed.

    Kept up to date by ``services.summary_refresh`` on every write that changes a
    figure; ``manage.py rebuild_monthly_summary`` recomputes all of them.
    """

    month = models.DateField()
    pathway_code = models.CharField(max_length=40)
    follows = models.BooleanField(null=True)
    recommended_code = models.CharField(max_length=40, default="")
    decided = models.PositiveIntegerField(default=0)
    referral_mri_n = models.PositiveIntegerField(default=0)
    referral_mri_within = models.PositiveIntegerField(default=0)
    mri_decision_n = models.PositiveIntegerField(default=0)
    mri_decision_within = models.PositiveIntegerField(default=0)
    decision_treatment_n = models.PositiveIntegerField(default=0)
    decision_treatment_within = models.PositiveIntegerField(default=0)
    mri_missing = models.PositiveIntegerField(default=0)
    mri_out_of_order = models.PositiveIntegerField(default=0)
    treatment_missing = models.PositiveIntegerField(default=0)
    treatment_out_of_order = models.PositiveIntegerField(default=0)
    follow_up_30 = models.PositiveIntegerField(default=0)
    walking_before = models.PositiveIntegerField(default=0)
    walking_before_walking_30 = models.PositiveIntegerField(default=0)
    not_walking_before = models.PositiveIntegerField(default=0)
    not_walking_before_walking_30 = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month", "pathway_code", "follows"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "recommended_code", "pathway_code", "follows"], name="summary_cell_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.recommended_code}->{self.pathway_code} {self.follows}"


class IntervalHistogram(models.Model):
    """How many cases of a month had an interval of so many whole minutes: medians without reading cases."""

    month = models.DateField()
    measure = models.CharField(max_length=20)  # "mri_decision" or "decision_treatment"
    minutes = models.PositiveIntegerField()
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "measure", "minutes"], name="histogram_cell_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.measure} {self.minutes} min: {self.n}"


# What is part of the clinical record and how it is kept tamper-evident (audit.tamper): the meeting
# and its attendance; the attendance as signed, the plan, actions and ticks written once with or after
# a decision (append-only); follow-ups and the clock, which are corrected in place (digested). The
# rest is derived or delivery.
tamper_evident(Meeting)
tamper_evident(Attendee)
tamper_evident(DecisionRecord, append_only=True, trigger="record_append_only")
tamper_evident(DecisionAttendee, append_only=True, trigger="decision_attendee_append_only")
tamper_evident(Action, append_only=True, trigger="action_append_only")
tamper_evident(ActionDone, append_only=True, trigger="action_done_append_only")
tamper_evident(FollowUp)
tamper_evident(CaseClock)
not_clinical_record(AgendaItem, "the order of business of a meeting; where a case was decided is on its DecisionRecord")
not_clinical_record(Notification, "a message to a user about the record, and whether they read it")
not_clinical_record(EmailDelivery, "delivery state of a notification's e-mail")
not_clinical_record(MonthlySummary, "derived from cases; manage.py rebuild_monthly_summary recomputes it")
not_clinical_record(IntervalHistogram, "derived from cases; manage.py rebuild_monthly_summary recomputes it")
