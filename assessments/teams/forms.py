"""Forms for sharing a case with a care team and handing it over."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from accounts import roles
from assessments.cases.forms import CleanCharField
from assessments.models import TEXT_MAX, CareTeam


class ShareForm(forms.Form):
    team = forms.ModelChoiceField(
        label="Share with care team",
        queryset=CareTeam.objects.order_by("name"),
        required=False,
        empty_label="Not shared (only you)",
        help_text="Members of the team see and edit this case.",
    )


def _clinician_label(user: Any) -> str:
    return user.get_full_name() or user.username


class ClinicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{_clinician_label(obj)} ({obj.username})"


class HandoverForm(forms.Form):
    to_user = ClinicianChoiceField(label="Hand over to", queryset=get_user_model().objects.none())
    note = CleanCharField(
        label="Handover note",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the next clinician needs to know: plan, pending results, who was told what.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clinicians = get_user_model().objects.filter(is_active=True, groups__name=roles.CLINICIAN).exclude(pk=user.pk)
        self.fields["to_user"].queryset = clinicians.order_by("first_name", "last_name", "username")


class HandoverAnswerForm(forms.Form):
    response_note = CleanCharField(
        label="Reply (optional)", max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
