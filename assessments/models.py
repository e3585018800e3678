"""Saved cases, board discussion and decisions.

Assessment inputs are stored under the spec's field names with the spec's
codes as values (``rules.CaseInput``), so a case can always be rebuilt and
re-evaluated, and exported in the case-file format without translation.
"""

from __future__ import annotations

import dataclasses

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from assessments import rules, search
from assessments.labels import FIELD_ENUMS, label

TEXT_MAX = 5000


def choices(enum: type) -> list[tuple[str, str]]:
    """Django choices from a rules enum: spec code as value, the one human label as text."""
    return [(member.value, label(member)) for member in enum]  # type: ignore[attr-defined]


class CaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted to tumor board"
    DECIDED = "decided", "Decided by tumor board"
    CLOSED = "closed", "Closed"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


OTHER_PATHWAY = "other"
DECISION_PATHWAY_CHOICES = [*choices(rules.PathwayCode), (OTHER_PATHWAY, "Other (describe)")]

URGENCY_RANK = {rules.Urgency.EMERGENCY: 0, rules.Urgency.URGENT: 1, rules.Urgency.ROUTINE: 2}


class CaseQuerySet(models.QuerySet["Case"]):
    def owned_by(self, user: object) -> CaseQuerySet:
        return self.filter(owner=user)


# --- Issue 13a: patients, care teams and handover (docs/decisions/0008-patients-teams-handover.md) ----------


class Patient(models.Model):
    """One person, by hospital number. Their cases are episodes: each presentation or recurrence.

    Identifiers live here only; a case names its patient. ``search_text`` is the name and
    MRN normalised (``assessments.search``) so the lists find a patient with one ``LIKE``.
    """

    mrn = models.CharField("hospital number (MRN)", max_length=20, unique=True)
    name = models.CharField("patient name", max_length=200)
    date_of_birth = models.DateField("date of birth")
    sex = models.CharField(max_length=8, choices=Sex.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # No index: a word is matched anywhere in it (LIKE '%word%'), after the owner's or team's cases are found.
    search_text = models.CharField(max_length=240, blank=True, default="", editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "search_text"])

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        # Admin pages and audit entries name a patient by id only (admins see no patient data).
        return f"Patient {self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Here rather than in each service, so no write path can leave the search column stale.
        self.search_text = search.search_text(patient_name=self.name, mrn=self.mrn)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("assessments:patient_detail", args=[self.pk])


class PatientRecordConflict(models.Model):
    """A detail on which the cases moved onto one patient disagreed (migration 0011), kept for review.

    The patient record holds the newest case's value (``kept``); ``found`` is what another
    case (or an earlier version of one) said. Shown on the patient page to those who may
    see it; the admin list names ids and fields only, never the values.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="record_conflicts")
    case = models.ForeignKey("Case", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(
        max_length=20, choices=[("mrn", "MRN"), ("name", "Name"), ("date_of_birth", "Date of birth"), ("sex", "Sex")]
    )
    kept = models.CharField(max_length=200)
    found = models.CharField(max_length=200)
    from_version = models.BooleanField(default=False)
    found_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["patient", "field", "case", "pk"]

    def __str__(self) -> str:
        return f"Patient {self.patient_id}: {self.field} differs on case {self.case_id}"


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


class Case(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases")
    # Issue 13a: the patient this case is an episode of, and the care team it is shared with.
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
    # Issue 13: every involved level (rule set 2027.1), as case-format lesion objects (spec codes, the
    # order given, each with ``index``), so a version holds its whole assessment at once. The lesion
    # columns above (spinal_level ... retropulsion, prior_radiation_in_field) mirror the index lesion
    # for lists, the board queue and the dashboard; services._apply_assessment keeps them in step.
    # docs/decisions/0009-lesions-storage.md.
    lesions = models.JSONField(default=list, blank=True)
    lesion_count = models.PositiveSmallIntegerField(default=1)

    # --- Prognosis inputs (issue 13c): clinical-rules.md section 1, optional; NULL = not recorded. ---
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
    # --- end prognosis inputs ---

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
    # The current (latest, uncorrected) board decision, copied by services.board_decision_record
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

    def case_input(self) -> rules.CaseInput:
        """The rules' input rebuilt from the stored fields, lesions and prognosis inputs."""
        case_input = build_case_input(
            case_values={name: getattr(self, name) for name in rules.CASE_FIELDS},
            lesions=self.stored_lesions(),
        )
        return with_prognosis(case_input, {name: getattr(self, name) for name in PROGNOSIS_FIELDS})

    def stored_lesions(self) -> list[dict[str, object]]:
        """The saved lesions (case-format objects); a row saved before issue 13 holds its one flat lesion."""
        if self.lesions:
            return self.lesions
        return [{**{name: getattr(self, name) for name in rules.LESION_FIELDS}, "index": True}]

    @property
    def is_editable(self) -> bool:
        return self.status == CaseStatus.DRAFT and self.discarded_at is None


# The flat (2026.1) fields: the case's own and the index lesion's columns (``Case.lesions`` holds them all).
ASSESSMENT_FIELDS: tuple[str, ...] = rules.FLAT_FIELDS


def case_input_from_mapping(values: dict[str, object]) -> rules.CaseInput:
    """``rules.CaseInput`` from a flat (2026.1-shaped) mapping of validated values: one index lesion."""
    return build_case_input(
        case_values={name: values[name] for name in rules.CASE_FIELDS},
        lesions=[{**{name: values[name] for name in rules.LESION_FIELDS}, "index": True}],
    )


def _typed(name: str, value: object) -> object:
    """A spec code as its enum (``labels.FIELD_ENUMS``); booleans, numbers and None as they are."""
    enum = FIELD_ENUMS.get(name)
    return enum(value) if enum is not None and value is not None else value


def build_case_input(
    *,
    case_values: dict[str, object],
    lesions: list[dict[str, object]],
    prognosis: dict[str, object] | None = None,
) -> rules.CaseInput:
    """The one place the app builds ``rules.CaseInput`` from validated values (codes as strings).

    ``case_values`` holds the case's own fields (``rules.CASE_FIELDS``), ``lesions`` the case-format
    lesion objects in their order (each with ``index``; a single lesion without it is the index), and
    ``prognosis`` the optional prognosis inputs (issue 13c).
    """
    built = tuple(
        rules.LesionInput(
            **{name: _typed(name, lesion[name]) for name in rules.LESION_FIELDS},  # type: ignore[arg-type]
            index=bool(lesion.get("index", len(lesions) == 1)),
        )
        for lesion in lesions
    )
    values = {name: _typed(name, case_values[name]) for name in rules.CASE_FIELDS}
    return rules.CaseInput(**values, lesions=built, **(prognosis or {}))  # type: ignore[arg-type]


def lesion_values(lesion: rules.LesionInput) -> dict[str, object]:
    """One lesion as a case-format object (codes as strings), with ``index``."""
    out: dict[str, object] = {}
    for name in rules.LESION_FIELDS:
        value = getattr(lesion, name)
        out[name] = value.value if hasattr(value, "value") else value
    out["index"] = lesion.index
    return out


# --- Prognosis inputs (issue 13c) ---
PROGNOSIS_FIELDS: tuple[str, ...] = rules.PROGNOSIS_FIELDS


def prognosis_values(values: dict[str, object]) -> dict[str, object]:
    """The recorded prognosis inputs as the rules' keyword arguments (codes as enums; None left out)."""
    out: dict[str, object] = {}
    for name in PROGNOSIS_FIELDS:
        value = values.get(name)
        if value is None or value == "":
            continue
        out[name] = _typed(name, value)
    return out


def with_prognosis(case_input: rules.CaseInput, values: dict[str, object]) -> rules.CaseInput:
    """``case_input`` with the recorded prognosis inputs; raises ``rules.InputError`` on a contradiction."""
    given = prognosis_values(values)
    return dataclasses.replace(case_input, **given) if given else case_input  # type: ignore[arg-type]


# Version history is append-only in the database too (PostgreSQL; the SQL a
# migration installs): an edit or removal behind the app's back is refused.
pgtrigger.register(
    pgtrigger.Protect(name="history_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
)(Case.history.model)
# Issue 13a: the patient record's versions likewise.
pgtrigger.register(
    pgtrigger.Protect(name="patient_history_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
)(Patient.history.model)


class CommentKind(models.TextChoices):
    COMMENT = "comment", "Comment"
    RETURNED = "returned", "Returned to clinician for more information"


class CaseComment(models.Model):
    """One message in a case's board discussion. Shown escaped, never as HTML."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=10, choices=CommentKind.choices, default=CommentKind.COMMENT)
    text = models.TextField(max_length=TEXT_MAX)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment {self.pk} on case {self.case_id}"


class ImmutableDecisionError(ValidationError):
    pass


class BoardDecisionQuerySet(models.QuerySet["BoardDecision"]):
    def current(self) -> BoardDecisionQuerySet:
        """Decisions no correction has replaced: one per decided case."""
        return self.filter(superseded_by__isnull=True)


class BoardDecision(models.Model):
    """A signed tumor-board decision. Never edited: a correction is a new decision that supersedes it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    meeting_date = models.DateField()
    recommended_pathway_code = models.CharField(max_length=40, choices=choices(rules.PathwayCode))
    recommended_rule = models.CharField(max_length=3)
    rule_set = models.CharField(max_length=16)
    pathway_code = models.CharField("pathway chosen", max_length=40, choices=DECISION_PATHWAY_CHOICES)
    other_pathway_text = models.CharField("other pathway", max_length=500, blank=True)
    follows_recommendation = models.BooleanField()
    reason = models.TextField("reason for departing from the recommendation", max_length=TEXT_MAX, blank=True)
    attendees = models.TextField(max_length=2000)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.TextField("reason for the correction", max_length=TEXT_MAX, blank=True)
    # 1, 2, ... within the case (a correction is the next number), so people say "decision #2".
    number = models.PositiveIntegerField(default=1)

    objects = BoardDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-pk"]
        indexes = [models.Index(fields=["signed_at"], name="decision_signed")]
        # A signed decision is never changed or removed, also not by SQL behind the
        # app (PostgreSQL). Nothing in the app updates one: a correction is a new row
        # pointing at the old (``supersedes``), and ``superseded_by`` is its reverse.
        triggers = [pgtrigger.Protect(name="decision_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="decision_number_per_case")]

    def __str__(self) -> str:
        return f"Decision {self.pk} on case {self.case_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ImmutableDecisionError("A signed decision cannot be changed; record a correction instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ImmutableDecisionError("A signed decision cannot be deleted; record a correction instead.")


class HandoverStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the new clinician"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CaseHandover(models.Model):
    """The owner offers a case to another clinician, with a note; ownership moves when they accept."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
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
