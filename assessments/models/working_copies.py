"""The working copy: a user's unsaved entries of one open assessment, kept on the server as they type."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import QueryDict

from assessments.models.cases import Case
from audit.tamper import not_clinical_record


class WorkingCopy(models.Model):
    """What one user has typed into one case form and not saved: one row per user and case (or new case).

    Never a version of the case and never read by the rules' record or by anyone but its author: it is
    put back into the form when the author comes back, and deleted when they save or discard it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_copies")
    # Empty for a new assessment that has no case yet.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="working_copies")
    # The form's entries as posted: each field name with its list of values.
    entries = models.JSONField()
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "case"], name="working_copy_one_per_case"),
            models.UniqueConstraint(fields=["user"], condition=Q(case__isnull=True), name="working_copy_one_new_case"),
        ]

    def __str__(self) -> str:
        return f"Working copy {self.pk}"

    def as_form_data(self) -> QueryDict:
        """The entries as the form would have posted them."""
        data = QueryDict(mutable=True)
        for key, values in self.entries.items():
            data.setlist(key, [str(value) for value in values])
        return data


# A draft, not the clinical record: nothing is decided or shown to anyone else from it, it changes with
# every pause in typing and is deleted on save; what the clinician saves becomes the case's version, which
# is digested and append-only in its history. Each write is still a working_copy.save/discard audit entry.
not_clinical_record(
    WorkingCopy,
    "its author's unsaved entries, seen by no one else and deleted on save; each write is a working_copy entry",
)
