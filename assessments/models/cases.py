"""The saved case: its assessment inputs under the spec's names and codes, its result snapshot and its lifecycle.

Assessment inputs are stored under the spec's field names with the spec's
codes as values (``rules.CaseInput``), so a case can always be rebuilt and
re-evaluated, and exported in the case-file format without translation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from assessments import rules
from assessments.models.common import DECISION_PATHWAY_CHOICES, TEXT_MAX, choices
from assessments.models.patients import Patient
from assessments.models.teams import CareTeam
from audit.tamper import tamper_evident


class CaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted to tumor board"
    DECIDED = "decided", "Decided by tumor board"
    CLOSED = "closed", "Closed"


URGENCY_RANK = {rules.Urgency.EMERGENCY: 0, rules.Urgency.URGENT: 1, rules.Urgency.ROUTINE: 2}


class CaseQuerySet(models.QuerySet["Case"]):
    def owned_by(self, user: object) -> CaseQuerySet:
        return self.filter(owner=user)


# The one-to-ones by which a record above the cases (a referral) hangs on the case it was started from:
# the case page reads its origin through them (``presenters.origin``), importing nothing of that app.
CASE_ORIGIN_RELATIONS = ("referral",)


class Case(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases")
    # The patient this case is an episode of, and the care team it is shared with.
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes")
    team = models.ForeignKey(CareTeam, on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency: a save names the version it was based on and is
    # refused when somebody saved a newer one in between.
    version = models.PositiveIntegerField(default=1)
    # Drawn by the form page for each save (forms.SaveTokenForm): a repeated save is recognised.
    save_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    status = models.CharField(max_length=12, choices=CaseStatus.choices, default=CaseStatus.DRAFT)

    clinical_notes = models.TextField("clinical notes", max_length=TEXT_MAX, blank=True)

    # NICE-style time points (all optional)
    symptom_onset_at = models.DateTimeField("symptom onset", null=True, blank=True)
    ambulation_lost_at = models.DateTimeField("loss of ambulation", null=True, blank=True)
    mri_at = models.DateTimeField("MRI", null=True, blank=True)
    decision_at = models.DateTimeField("treatment decision", null=True, blank=True)
    treatment_start_at = models.DateTimeField("treatment start", null=True, blank=True)

    # Assessment inputs: clinical-rules.md section 1, same names, same codes.
    escc_grade = models.CharField(max_length=2, choices=choices(rules.EsccGrade))
    neurologic_deficit = models.BooleanField()
    deficit_progressing = models.BooleanField()
    motor_status = models.CharField(max_length=20, choices=choices(rules.MotorStatus))
    hours_nonambulatory = models.PositiveIntegerField(null=True, blank=True)
    urinary_symptoms = models.BooleanField()
    urinary_retention = models.BooleanField()
    histology = models.CharField(max_length=20, choices=choices(rules.Histology))
    # NULL, not "", is the spec's "not applicable" (case format: null), so the
    # stored value and the exported JSON agree.
    other_radiosensitivity = models.CharField(  # noqa: DJ001
        max_length=10, choices=choices(rules.OtherRadiosensitivity), null=True, blank=True
    )
    prior_radiation_in_field = models.BooleanField()
    spinal_level = models.CharField(max_length=8, choices=choices(rules.SpinalLevel))
    sins_pain = models.CharField(max_length=24, choices=choices(rules.SinsPain))
    sins_bone_lesion = models.CharField(max_length=8, choices=choices(rules.SinsBoneLesion))
    sins_alignment = models.CharField(max_length=20, choices=choices(rules.SinsAlignment))
    sins_collapse = models.CharField(max_length=28, choices=choices(rules.SinsCollapse))
    sins_posterolateral = models.CharField(max_length=10, choices=choices(rules.SinsPosterolateral))
    stability_assessment = models.CharField(max_length=14, choices=choices(rules.StabilityAssessment))
    retropulsion = models.BooleanField()
    expected_survival = models.CharField(max_length=14, choices=choices(rules.ExpectedSurvival))
    surgical_candidate = models.CharField(max_length=8, choices=choices(rules.SurgicalCandidate))
    sbrt_available = models.BooleanField()
    oligometastatic = models.BooleanField()
    vte_contraindication = models.BooleanField()
    # Every involved level (rule set 2027.1), as case-format lesion objects (spec codes, the
    # order given, each with ``index``), so a version holds its whole assessment at once. The lesion
    # columns above (spinal_level ... retropulsion, prior_radiation_in_field) mirror the index lesion
    # for lists, the board queue and the dashboard; services._apply_assessment keeps them in step.
    # docs/decisions/0009-lesions-storage.md.
    lesions = models.JSONField(default=list, blank=True)
    lesion_count = models.PositiveSmallIntegerField(default=1)

    # Prognosis inputs: clinical-rules.md section 1, optional; NULL = not recorded.
    karnofsky = models.PositiveSmallIntegerField("Karnofsky performance status", null=True, blank=True)
    extraspinal_bone_metastases = models.PositiveSmallIntegerField(
        "bone metastases outside the spine", null=True, blank=True
    )
    vertebral_metastases = models.PositiveSmallIntegerField("vertebral bodies with metastases", null=True, blank=True)
    visceral_metastases = models.CharField(  # noqa: DJ001 (NULL is the spec's "not recorded")
        max_length=12, choices=choices(rules.VisceralMetastases), null=True, blank=True
    )
    frankel_grade = models.CharField(  # noqa: DJ001
        max_length=1, choices=choices(rules.FrankelGrade), null=True, blank=True
    )
    primary_site = models.CharField(  # noqa: DJ001
        max_length=24, choices=choices(rules.PrimarySite), null=True, blank=True
    )
    primary_growth = models.CharField(  # noqa: DJ001
        max_length=10, choices=choices(rules.PrimaryGrowth), null=True, blank=True
    )

    # Snapshot of the rules' result at the last save, exactly as the clinician saw it, and when it
    # was evaluated (hours since loss of ambulation in it were counted up to that moment).
    evaluated_at = models.DateTimeField("evaluated at", null=True, blank=True)
    rule_set = models.CharField(max_length=16)
    result = models.JSONField()
    # Denormalised from the snapshot for lists, filters and the dashboard.
    pathway_code = models.CharField(max_length=40, choices=choices(rules.PathwayCode))
    pathway_rule = models.CharField(max_length=3)
    urgency = models.CharField(max_length=10, choices=choices(rules.Urgency))
    urgency_rank = models.PositiveSmallIntegerField()
    sins_total = models.PositiveSmallIntegerField()

    # Tumor board
    board_question = models.TextField("question for the board", max_length=TEXT_MAX, blank=True)
    meeting_date = models.DateField("board meeting date", null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When the board first signed a decision; a later correction does not move
    # it, so the time from MRI to decision measures the board, not the paperwork.
    decided_at = models.DateTimeField(null=True, blank=True)
    # The current (latest, uncorrected) board decision, copied by board.services.board_decision_record
    # like the recommendation above, so the quality dashboard reads one table, not a decision chain.
    board_pathway_code = models.CharField(max_length=40, choices=DECISION_PATHWAY_CHOICES, blank=True, default="")
    board_follows = models.BooleanField(null=True, blank=True)

    # Lifecycle. A decided case is closed once treatment has started (or with a reason); a draft
    # can be discarded: kept, hidden from lists, and restorable by its owner.
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField("reason for closing", max_length=TEXT_MAX, blank=True)
    discarded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-updated_at"], name="case_owner_recent"),
            models.Index(fields=["team", "-updated_at"], name="case_team_recent"),
            models.Index(fields=["patient", "-created_at"], name="case_patient_episodes"),
            models.Index(fields=["status", "urgency_rank", "submitted_at"], name="case_board_queue"),
            # The quality dashboard filters on decided_at and reads only these columns.
            models.Index(
                fields=[
                    "decided_at",
                    "board_follows",
                    "board_pathway_code",
                    "pathway_code",
                    "mri_at",
                    "treatment_start_at",
                ],
                name="case_board_quality",
            ),
            models.Index(fields=["status", "meeting_date"], name="case_board_meeting"),
        ]

    def __str__(self) -> str:
        # No patient identifiers: this names the case in the audit trail and the admin.
        return f"Case {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:case_detail", args=[self.pk])

    def stored_lesions(self) -> list[dict[str, object]]:
        """The saved lesions (case-format objects); a row saved before lesion lists holds its one flat lesion."""
        if self.lesions:
            return self.lesions
        return [{**{name: getattr(self, name) for name in rules.LESION_FIELDS}, "index": True}]

    @property
    def is_editable(self) -> bool:
        return self.status == CaseStatus.DRAFT and self.discarded_at is None


# The flat (2026.1) fields: the case's own and the index lesion's columns (``Case.lesions`` holds them all).
ASSESSMENT_FIELDS: tuple[str, ...] = rules.FLAT_FIELDS

# The prognosis inputs (optional; NULL = not recorded).
PROGNOSIS_FIELDS: tuple[str, ...] = rules.PROGNOSIS_FIELDS

# The case is part of the clinical record (audit.tamper): each write's digest is in the audit
# trail. Its version history is append-only too, in the database and in the app.
tamper_evident(Case)
tamper_evident(Case.history.model, append_only=True, trigger="history_append_only")
