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
from board.models import FollowUp, Meeting, Specialty
from escc_site.forms import WholeNumberField

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
MAX_ACTIONS = 3


def people() -> Any:
    """Users who can chair a meeting or own an action: active clinicians and board members."""
    return (
        User.objects.filter(is_active=True, groups__name__in=roles.ROLE_GROUPS)
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
    case = WholeNumberField(label="Case number", unit="", min_value=1, max_value=2**63 - 1)


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

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        given = [name for name in ("text", "owner", "due_at") if data.get(name)]
        if given and len(given) < 3:
            for name in ("text", "owner", "due_at"):
                if not data.get(name):
                    self.add_error(name, "An action needs what, who and by when.")
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=MAX_ACTIONS, max_num=MAX_ACTIONS)


def actions_from(formset: Any) -> list[dict[str, Any]]:
    """The filled-in action rows of a valid formset."""
    return [f.cleaned_data for f in formset.forms if f.cleaned_data.get("text")]


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = [
            "alive", "date_of_death", "ambulatory", "bladder", "fracture", "wound_problem",
            "other_complication", "local_recurrence",
        ]  # fmt: skip
        widgets = {"date_of_death": DATE_INPUT, "alive": forms.RadioSelect(choices=[(True, "Alive"), (False, "Died")])}
        labels = {"alive": "Alive", "ambulatory": "Walking", "bladder": "Bladder function"}

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
