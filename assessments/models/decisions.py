"""The board's discussion of a case and its signed, append-only decisions (they carry the assessments label)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from assessments import rules
from assessments.models.common import DECISION_PATHWAY_CHOICES, TEXT_MAX, choices
from audit.tamper import tamper_evident


class CommentKind(models.TextChoices):
    COMMENT = "comment", "Comment"
    RETURNED = "returned", "Returned to clinician for more information"


class CaseComment(models.Model):
    """One message in a case's board discussion. Shown escaped, never as HTML."""

    case = models.ForeignKey("Case", on_delete=models.CASCADE, related_name="comments")
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

    case = models.ForeignKey("Case", on_delete=models.PROTECT, related_name="decisions")
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
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="decision_number_per_case")]

    def __str__(self) -> str:
        return f"Decision {self.pk} on case {self.case_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ImmutableDecisionError("A signed decision cannot be changed; record a correction instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ImmutableDecisionError("A signed decision cannot be deleted; record a correction instead.")


# Part of the clinical record (audit.tamper), and written once. A signed decision is never changed
# or removed, also not by SQL behind the app (PostgreSQL): a correction is a new row pointing at
# the old (``supersedes``). A board comment is never edited either: a later one answers it.
tamper_evident(BoardDecision, append_only=True, trigger="decision_append_only")
tamper_evident(CaseComment, append_only=True, trigger="comment_append_only")
