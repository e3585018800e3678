"""Forms of the meetings pages and the decision's extra parts. They parse; services record."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone

from accounts import roles
from assessments.cases.forms import CleanCharField
from assessments.models import TEXT_MAX, Case
from board.models import FOLLOW_UP_OPENS_DAYS_BEFORE, FollowUp, Meeting, Specialty

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
MAX_ACTIONS = 3
# A due time this little in the past is accepted: the form may have been filled in a minute before
# it was sent, and a workstation's clock may be a little behind the server's.
ACTION_DUE_GRACE = datetime.timedelta(minutes=5)


def people() -> Any:
    """Users who can chair a meeting or own an action: active clinicians and board members."""
    return (
        User.objects.filter(is_active=True, groups__name__in=(roles.CLINICIAN, roles.TUMOR_BOARD))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class MeetingForm(forms.Form):
    date = forms.DateField(widget=DATE_INPUT)
    time = forms.TimeField(widget=TIME_INPUT)
    chair = PersonChoiceField(queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = people().filter(groups__name=roles.TUMOR_BOARD)

    def starts_at(self) -> datetime.datetime:
        naive = datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(naive)


class AttendeeForm(forms.Form):
    name = CleanCharField(max_length=200)
    specialty = forms.ChoiceField(choices=Specialty.choices)


class AgendaAddForm(forms.Form):
    """The case a search result's "Add to agenda" button posts (the user never types its number)."""

    case = forms.IntegerField(
        label="Case",
        min_value=1,
        max_value=2**63 - 1,
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"),
            "Add to agenda: the case sent is not one the search offered; find the case again.",
        ),
    )


class AgendaFindForm(forms.Form):
    """Find a case with the board to add to a meeting's agenda, by its patient's name or hospital number."""

    find = CleanCharField(
        label="Find a case with the board",
        max_length=100,
        required=False,
        help_text="Patient name or MRN: every word must match, in any order.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def query(self) -> str:
        """The search text of a valid form ("" when none or invalid)."""
        return self.cleaned_data.get("find", "") if self.is_valid() else ""


class DecisionExtrasForm(forms.Form):
    """The parts of a decision stored in the meetings app: where it was taken and the plan."""

    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Outside a meeting",
        help_text="Meetings with this case on the agenda. Choose none for an emergency decision outside a meeting.",
    )
    plan = CleanCharField(
        label="Plan (dose, timing, sequence)",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(agenda__case=case).order_by("-starts_at")
        self.fields["meeting"].label_from_instance = lambda m: f"{m} ({'quorate' if m.is_quorate else 'not quorate'})"


class ActionForm(forms.Form):
    text = CleanCharField(label="Action", max_length=500, required=False)
    owner = PersonChoiceField(queryset=User.objects.none(), required=False, label="Owner")
    due_at = forms.DateTimeField(label="Due", required=False, widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()

    def clean_due_at(self) -> datetime.datetime | None:
        value: datetime.datetime | None = self.cleaned_data.get("due_at")
        if value is not None and value < timezone.now() - ACTION_DUE_GRACE:
            raise forms.ValidationError("Due: this time has already passed; give when the action is due from now on.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        given = [name for name in ("text", "owner", "due_at") if data.get(name)]
        if given and len(given) < 3:
            for name in ("text", "owner", "due_at"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, "An action needs what, who and by when.")
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=MAX_ACTIONS, max_num=MAX_ACTIONS)


def actions_from(formset: Any) -> list[dict[str, Any]]:
    """The filled-in action rows of a valid formset."""
    return [f.cleaned_data for f in formset.forms if f.cleaned_data.get("text")]


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%b %Y}"


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = [
            "alive", "date_of_death", "ambulatory", "bladder", "fracture", "wound_problem",
            "other_complication", "local_recurrence",
        ]  # fmt: skip
        widgets = {"date_of_death": DATE_INPUT, "alive": forms.RadioSelect(choices=[(True, "Alive"), (False, "Died")])}
        labels = {"alive": "Alive", "ambulatory": "Walking", "bladder": "Bladder function"}

    def __init__(self, *args: Any, window: tuple[datetime.date, datetime.date] | None = None, **kwargs: Any) -> None:
        """``window``: the day the follow-up is due and the day it opens (``selectors.follow_up_window``)."""
        super().__init__(*args, **kwargs)
        self.window = window
        if window is not None:
            due, opens = window
            self.fields["alive"].help_text = (
                f"Due on {_day(due)}. A follow-up can be recorded from {FOLLOW_UP_OPENS_DAYS_BEFORE} days "
                f"before it is due: from {_day(opens)}."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("alive") is False and not data.get("date_of_death"):
            self.add_error("date_of_death", "Give the date of death.")
        if data.get("alive") and data.get("date_of_death"):
            self.add_error("date_of_death", "A date of death was given for a patient recorded alive.")
        if data.get("alive") and not data.get("ambulatory"):
            self.add_error("ambulatory", "Record whether the patient walks.")
        if data.get("date_of_death") and data["date_of_death"] > timezone.localdate():
            self.add_error("date_of_death", "The date of death cannot be in the future.")
        if self.window is not None and timezone.localdate() < self.window[1]:
            due, opens = self.window
            self.add_error(
                "alive",
                f"Alive: this follow-up opens on {_day(opens)} ({FOLLOW_UP_OPENS_DAYS_BEFORE} days before it is "
                f"due on {_day(due)}); it cannot be recorded before then.",
            )
        return data


class ClockForm(forms.Form):
    referral_received_at = forms.DateTimeField(
        label="Referral received", required=False, widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )
    mri_report_at = forms.DateTimeField(
        label="MRI reported", required=False, widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        soon = timezone.now() + datetime.timedelta(minutes=5)
        for name in ("referral_received_at", "mri_report_at"):
            if data.get(name) and data[name] > soon:
                self.add_error(name, "This time cannot be in the future.")
        return data
