"""Forms of the tumor-board pages. They parse and check completeness; services decide and record.

The decision form needs the case's recommended pathway only to require a reason
when the board departs from it; whether a decision follows the recommendation is
derived again by ``services.board_decision_record``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from assessments import rules
from assessments.cases.forms import CleanCharField
from assessments.labels import label
from assessments.models import DECISION_PATHWAY_CHOICES, OTHER_PATHWAY, TEXT_MAX

# A meeting discusses tens of cases; a pack this long is a mistake, and each page is audited.
PACK_MAX = 100
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label_text: str, *, rows: int = 4, max_length: int = TEXT_MAX, **kwargs: Any) -> CleanCharField:
    return CleanCharField(
        label=label_text,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class SubmitToBoardForm(forms.Form):
    question = _text("Question for the board", help_text="What should the board decide or advise on?")
    meeting_date = forms.DateField(label="Board meeting date", required=False, widget=DATE_INPUT)


class CommentForm(forms.Form):
    text = _text("Comment", rows=3)


class ReturnForm(forms.Form):
    text = _text(
        "What the board needs",
        help_text="The clinician sees this on the case, which goes back to them as a draft they can edit.",
    )


class DecisionForm(forms.Form):
    pathway_code = forms.ChoiceField(label="Pathway chosen", choices=DECISION_PATHWAY_CHOICES, widget=forms.RadioSelect)
    other_pathway_text = CleanCharField(label="Other pathway", max_length=500, required=False)
    reason = _text(
        "Reason for departing from the recommendation",
        required=False,
        help_text="Required when the pathway chosen is not the recommended one.",
    )
    attendees = _text("Attendees", rows=3, max_length=2000, help_text="Names and roles of those present.")
    meeting_date = forms.DateField(label="Meeting date", widget=DATE_INPUT)

    def __init__(self, *args: Any, recommended_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recommended_code = recommended_code
        self.fields["pathway_code"].choices = [
            (code, f"{text} (recommended)" if code == recommended_code else text)
            for code, text in DECISION_PATHWAY_CHOICES
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        code = data.get("pathway_code")
        if code == OTHER_PATHWAY and not data.get("other_pathway_text", "").strip():
            self.add_error("other_pathway_text", "Describe the pathway the board chose.")
        if code and code != self.recommended_code and not data.get("reason", "").strip():
            self.add_error("reason", "The board departs from the recommendation: give the reason.")
        meeting = data.get("meeting_date")
        if meeting and meeting > timezone.localdate():
            self.add_error("meeting_date", "Meeting date: a signed decision cannot be dated after today.")
        return data


class CorrectionForm(DecisionForm):
    correction_reason = _text("Reason for the correction", rows=2, help_text="What was wrong in the signed decision.")


class TreatmentStartForm(forms.Form):
    """When treatment started: not in the future, not before the board's decision."""

    treatment_start_at = forms.DateTimeField(
        label="Treatment started at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, decided_at: datetime.datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decided_at = decided_at

    def clean_treatment_start_at(self) -> datetime.datetime:
        value: datetime.datetime = self.cleaned_data["treatment_start_at"]
        if value > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError("Treatment start cannot be in the future.")
        # Entered to the minute: a start in the minute of the decision is not "before" it.
        if self.decided_at is not None and value < self.decided_at.replace(second=0, microsecond=0):
            decided = timezone.localtime(self.decided_at).strftime("%d/%m/%Y %H:%M")
            raise forms.ValidationError(f"Treatment start: before the board's decision ({decided}); check the time.")
        return value


class CloseForm(forms.Form):
    """Closing a decided case: the reason is required when no treatment start is recorded."""

    reason = _text(
        "Reason for closing",
        rows=2,
        required=False,
        help_text="Required when no treatment start is recorded (for example: patient declined, died, transferred).",
    )

    def __init__(self, *args: Any, treatment_started: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.treatment_started = treatment_started

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason and not self.treatment_started:
            raise forms.ValidationError("Reason for closing: no treatment start is recorded, so say why.")
        return reason


SELECT = forms.Select(attrs={"class": "form-select"})


def _enum_choices(enum: type) -> list[tuple[str, str]]:
    return [("", "Any"), *((member.value, label(member)) for member in enum)]  # type: ignore[attr-defined]


class QueueFilterForm(forms.Form):
    """The queue's filters. Unknown values are ignored (a stale bookmark shows the whole queue)."""

    urgency = forms.ChoiceField(choices=_enum_choices(rules.Urgency), required=False, widget=SELECT)
    pathway = forms.ChoiceField(
        label="Recommended pathway", choices=_enum_choices(rules.PathwayCode), required=False, widget=SELECT
    )
    histology = forms.ChoiceField(choices=_enum_choices(rules.Histology), required=False, widget=SELECT)
    meeting_date = forms.DateField(
        label="Meeting date", required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )

    def filters(self) -> dict[str, Any]:
        """The valid filters, for ``selectors.board_queue``."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "urgency": data.get("urgency", ""),
            "pathway": data.get("pathway", ""),
            "histology": data.get("histology", ""),
            "meeting_date": data.get("meeting_date"),
        }


NOT_CASE_IDS = "The case parameter takes case ids, which are whole numbers from 1 up."


class CaseIdsField(forms.Field):
    """Several case ids from repeated ``case`` parameters (the queue's checkboxes)."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_ids: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_ids = max_ids

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        texts = [str(v).strip() for v in value]
        # Checked before int(): Python refuses to convert thousands of digits, and the
        # database an id beyond 64 bits.
        if any(len(text) > 19 for text in texts):
            raise forms.ValidationError("The case parameter holds an id far longer than any case id.", code="invalid")
        try:
            ids = sorted({int(text) for text in texts})
        except ValueError:
            raise forms.ValidationError(
                "The case parameter takes case ids, which are numbers.", code="invalid"
            ) from None
        if any(i < 1 for i in ids):
            raise forms.ValidationError(
                "The case parameter takes case ids, which are numbers from 1 up.", code="invalid"
            )
        if len(ids) > self.max_ids:
            raise forms.ValidationError(f"Choose at most {self.max_ids} cases for one pack.", code="too_many")
        return ids


class PackForm(forms.Form):
    """Which cases go in a meeting pack: chosen ids, or every submitted case for a meeting date."""

    case = CaseIdsField(max_ids=PACK_MAX, required=False)
    meeting_date = forms.DateField(label="Meeting date", required=False, widget=DATE_INPUT)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("case") and not data.get("meeting_date"):
            raise forms.ValidationError("Choose cases in the queue, or a meeting date.", code="empty")
        return data


DEFAULT_WINDOW_MONTHS = 12
DASHBOARD_WINDOWS = [(3, "Last 3 months"), (6, "Last 6 months"), (12, "Last 12 months"), (24, "Last 24 months")]


class DashboardWindowForm(forms.Form):
    months = forms.TypedChoiceField(
        label="Period",
        choices=DASHBOARD_WINDOWS,
        coerce=int,
        required=False,
        empty_value=DEFAULT_WINDOW_MONTHS,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def window_months(self) -> int:
        """The chosen number of months; 12 when none or an unknown one was asked for."""
        if not self.is_valid():
            return DEFAULT_WINDOW_MONTHS
        return self.cleaned_data.get("months") or DEFAULT_WINDOW_MONTHS
