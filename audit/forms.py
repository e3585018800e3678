"""The audit report's filters. Times are entered and shown in UTC."""

from __future__ import annotations

from typing import Any

from django import forms

from audit.models import Action
from escc_site.forms import WholeNumberField

_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def _datetime_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=_DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"),
    )


class AuditFilterForm(forms.Form):
    user = forms.CharField(
        label="User", required=False, max_length=150, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    case = WholeNumberField(
        label="Case id",
        unit="",
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any action"), *Action.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    since = _datetime_field("From (UTC)")
    until = _datetime_field("To (UTC)")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            since_label, until_label = self.fields["since"].label, self.fields["until"].label
            self.add_error("until", f"The end is before the start. Give a {until_label} later than {since_label}.")
        return data

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``selectors.audit_entries`` (call after ``is_valid``)."""
        data = self.cleaned_data
        return {
            "user": data.get("user") or "",
            "case_id": data.get("case"),
            "action": data.get("action") or "",
            "since": data.get("since"),
            "until": data.get("until"),
        }
