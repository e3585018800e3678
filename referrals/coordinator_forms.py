"""The coordinator's forms on the referral page: acknowledge, imaging booked, done and reported, advice, a note, close.

They parse; the services record and the rules judge. Each form carries the version the page showed
(``version``), so an action on a referral that moved on is refused as a conflict, keeping what was
typed. The imaging forms' fields are named as section 10.1 names them, so the rules' errors land on
the field they name.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone

from assessments import rules
from assessments.cases.forms import CleanCharField
from assessments.labels import label
from assessments.models import TEXT_MAX
from assessments.rules import referral as triage_rules
from board.forms import DATETIME_FORMATS, DATETIME_INPUT
from referrals.evaluation import iso
from referrals.models import Referral

# A time this little ahead of the server's clock is taken: a workstation's clock may run a little fast.
FUTURE_GRACE = datetime.timedelta(minutes=5)
# The rules' imaging fields in words, for an error about one the form at hand does not hold.
IMAGING_FIELD_WORDS: Mapping[str, str] = {
    "imaging_status": "Imaging",
    "imaging_modality": "Modality",
    "imaging_booked_for": "Booked for",
    "imaging_at": "Scan done at",
    "imaging_reported_at": "Reported at",
    "imaging_scope": "Scope",
    "imaging_finding": "Finding",
    "imaging_levels": "Levels with metastases",
    "mri_contraindicated": "MRI contraindicated",
}
_Finding = triage_rules.ImagingFinding
_METASTASES = frozenset({_Finding.MSCC, _Finding.SPINAL_METASTASES_NO_COMPRESSION})


def _choices(enum: type[Any]) -> list[tuple[str, str]]:
    return [(member.value, label(member)) for member in enum]


def _choice(name: str, enum: type[Any]) -> forms.ChoiceField:
    # Buttons, none chosen: a select would stand on its first option, a value nobody chose.
    return forms.ChoiceField(label=name, choices=_choices(enum), widget=forms.RadioSelect)


def _moment(name: str) -> forms.DateTimeField:
    return forms.DateTimeField(label=name, widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS)


class WorklistFilterForm(forms.Form):
    """Which referrals the worklist shows: open ones (the default), ended ones, or both."""

    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("open", "Open"), ("closed", "Closed or withdrawn (the most recent)"), ("all", "All")],
    )

    def chosen(self) -> str:
        return (self.cleaned_data.get("show") or "open") if self.is_valid() else "open"


class CoordinatorForm(forms.Form):
    """The version the page showed; every coordinator's form carries it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        self.referral = referral
        kwargs.setdefault("initial", {"version": referral.version})
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)

    prefix_name = ""

    def not_in_future(self, name: str) -> None:
        moment = self.cleaned_data.get(name)
        if moment is not None and moment > timezone.now() + FUTURE_GRACE:
            self.add_error(name, f"{self.fields[name].label}: this time is in the future.")

    def rule_errors(self, errors: Mapping[str, list[str]]) -> None:
        """Show the rules' errors (10.11), each on the field it names or, for a field not here, above the form."""
        for name, messages in errors.items():
            words = self.fields[name].label if name in self.fields else IMAGING_FIELD_WORDS.get(name, name)
            for message in messages:
                self.add_error(name if name in self.fields else None, f"{words}: {message}.")


class AcknowledgeForm(CoordinatorForm):
    prefix_name = "acknowledge"


class ImagingBookedForm(CoordinatorForm):
    """The scan is booked: for when, and which kind."""

    prefix_name = "booked"
    imaging_modality = _choice("Modality", triage_rules.ImagingModality)
    imaging_booked_for = _moment("Booked for")

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "imaging_status": triage_rules.ImagingStatus.BOOKED.value,
            "imaging_modality": data["imaging_modality"],
            "imaging_booked_for": iso(data["imaging_booked_for"]),
            "imaging_at": None,
            "imaging_reported_at": None,
            "imaging_scope": None,
            "imaging_finding": None,
            "imaging_levels": None,
        }


class ImagingDoneForm(CoordinatorForm):
    """The scan was done, not yet reported: when, which kind, how much of the spine."""

    prefix_name = "done"
    imaging_at = _moment("Scan done at")
    imaging_modality = _choice("Modality", triage_rules.ImagingModality)
    imaging_scope = _choice("Scope", triage_rules.ImagingScope)

    def clean(self) -> dict[str, Any]:
        super().clean()
        self.not_in_future("imaging_at")
        return self.cleaned_data

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "imaging_status": triage_rules.ImagingStatus.DONE_NOT_REPORTED.value,
            "imaging_modality": data["imaging_modality"],
            "imaging_booked_for": None,
            "imaging_at": iso(data["imaging_at"]),
            "imaging_scope": data["imaging_scope"],
            "imaging_reported_at": None,
            "imaging_finding": None,
            "imaging_levels": None,
        }


class ImagingReportedForm(CoordinatorForm):
    """The scan recorded as done was reported: when, what it showed, at which levels."""

    prefix_name = "reported"
    imaging_reported_at = _moment("Reported at")
    imaging_finding = _choice("Finding", triage_rules.ImagingFinding)
    imaging_levels = forms.MultipleChoiceField(
        label="Levels with metastases",
        required=False,
        choices=[(level.value, level.value) for level in rules.SpinalLevel],
        widget=forms.CheckboxSelectMultiple,
        help_text="Every level the report names with metastases; none when it shows none.",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        self.not_in_future("imaging_reported_at")
        return self.cleaned_data

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        # Levels belong to a report of metastases only (10.1); the rules refuse an empty list for one.
        with_levels = data["imaging_finding"] in _METASTASES
        return {
            "imaging_status": triage_rules.ImagingStatus.REPORTED.value,
            "imaging_booked_for": None,
            "imaging_reported_at": iso(data["imaging_reported_at"]),
            "imaging_finding": data["imaging_finding"],
            "imaging_levels": list(data["imaging_levels"]) if with_levels else None,
        }

    def rule_errors(self, errors: Mapping[str, list[str]]) -> None:
        if set(errors) & {"imaging_at", "imaging_scope", "imaging_modality"}:
            self.add_error(None, "Record the scan as done (when, modality, scope) before its report.")
        super().rule_errors(errors)


class AdviceForm(CoordinatorForm):
    """Advice the coordinator gave by phone, and when."""

    prefix_name = "advice"
    text = CleanCharField(label="Advice given", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    at = forms.DateTimeField(
        label="Given at",
        required=False,
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
        help_text="Leave empty for now.",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        self.not_in_future("at")
        at = self.cleaned_data.get("at")
        if at is not None and at < self.referral.received_at:
            self.add_error("at", "Given at: this is before the referral was received.")
        return self.cleaned_data


class NoteForm(CoordinatorForm):
    prefix_name = "note"
    text = CleanCharField(label="Note", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(CoordinatorForm):
    prefix_name = "close"
    reason = CleanCharField(label="Reason for closing", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(CoordinatorForm):
    prefix_name = "withdraw"
    reason = CleanCharField(
        label="Why it was entered in error", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
