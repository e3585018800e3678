"""The assessments app's models, one module per concern; re-exported so imports and migrations keep working."""

from assessments.models.cases import (
    ASSESSMENT_FIELDS,
    CASE_ORIGIN_RELATIONS,
    PROGNOSIS_FIELDS,
    URGENCY_RANK,
    Case,
    CaseQuerySet,
    CaseStatus,
)
from assessments.models.common import DECISION_PATHWAY_CHOICES, OTHER_PATHWAY, TEXT_MAX, choices
from assessments.models.decisions import (
    BoardDecision,
    BoardDecisionQuerySet,
    CaseComment,
    CommentKind,
    ImmutableDecisionError,
)
from assessments.models.patients import (
    PATIENT_FIELDS,
    PATIENT_IDENTIFIERS,
    Patient,
    PatientMrnKey,
    PatientRecordConflict,
    Sex,
)
from assessments.models.teams import CareTeam, CareTeamMembership, CaseHandover, HandoverStatus
from assessments.models.working_copies import WorkingCopy

__all__ = [
    "ASSESSMENT_FIELDS",
    "CASE_ORIGIN_RELATIONS",
    "DECISION_PATHWAY_CHOICES",
    "OTHER_PATHWAY",
    "PATIENT_FIELDS",
    "PATIENT_IDENTIFIERS",
    "PROGNOSIS_FIELDS",
    "TEXT_MAX",
    "URGENCY_RANK",
    "BoardDecision",
    "BoardDecisionQuerySet",
    "CareTeam",
    "CareTeamMembership",
    "Case",
    "CaseComment",
    "CaseHandover",
    "CaseQuerySet",
    "CaseStatus",
    "CommentKind",
    "HandoverStatus",
    "ImmutableDecisionError",
    "Patient",
    "PatientMrnKey",
    "PatientRecordConflict",
    "Sex",
    "WorkingCopy",
    "choices",
]
