"""The referral form: section 10.1's referral object as fields that parse, and the rules' refusals put on those fields.

The form parses (types, codes, local times made aware in the site's time zone) and never decides: the
rules read the object (``read_referral``) and the services refuse with ``ReferralInvalid``, whose errors
name the object's keys; :meth:`ReferralForm.add_rule_errors` puts each on the field it names, prefixed
by the field's label, so every refusal is shown next to what caused it.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone

from assessments import rules
from assessments.cases.forms import CleanCharField
from assessments.labels import label
from assessments.rules import referral as triage_rules
from board.forms import DATETIME_FORMATS
from referrals.evaluation import iso as _iso
from referrals.words import FIELD_LABELS, field_words, rule_message_words

EARLIEST_BIRTH = datetime.date(1900, 1, 1)
# "Pain" as asked: whether it was assessed at all, so that no features ticked means no spinal pain.
PAIN_ASSESSED = "assessed"
PAIN_NOT_ASSESSED = "not_assessed"
# Retention as three answers: the rules read true, false or null (not checked).
RETENTION = {"yes": True, "no": False, "not_checked": None}
PATIENT_FIELDS = ("patient_name", "patient_date_of_birth", "patient_mrn")
# Fields that are not the findings the triage reads.
NOT_TRIAGED = frozenset({*PATIENT_FIELDS, "save_token", "based_on"})


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(member.value, label(member)) for member in enum]


def _blank(words: str, enum: Any) -> list[tuple[str, str]]:
    return [("", words), *_choices(enum)]


def _local_time(label_text: str, help_text: str = "") -> forms.DateTimeField:
    """A date and time typed in the site's local time; Django makes it aware in ``TIME_ZONE``."""
    return forms.DateTimeField(
        label=label_text,
        required=False,
        help_text=help_text,
        input_formats=[*DATETIME_FORMATS, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _text(label_text: str, max_length: int, help_text: str = "", *, required: bool = True) -> CleanCharField:
    return CleanCharField(label=label_text, max_length=max_length, help_text=help_text, required=required)


def _radio(label_text: str, choices: list[tuple[str, str]], help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(label=label_text, choices=choices, widget=forms.RadioSelect, help_text=help_text)


def _ticks(label_text: str, enum: Any, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label_text,
        choices=_choices(enum),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class ReferralForm(forms.Form):
    """One version of a referral: the patient, who refers, and the findings of section 10.1.

    ``to_data`` maps the valid form to the referral object without ``received_at`` (the service sets
    it); ``initial_from`` maps a stored version back to the form's fields.
    """

    use_required_attribute = False  # the server refuses, naming the field; the live panel must see every state

    patient_name = _text(FIELD_LABELS["patient_name"], 200)
    patient_date_of_birth = forms.DateField(
        label=FIELD_LABELS["patient_date_of_birth"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    patient_mrn = _text(
        FIELD_LABELS["patient_mrn"],
        20,
        "Leave empty if you do not know it; the coordinator's team finds it.",
        required=False,
    )
    referrer_name = _text(FIELD_LABELS["referrer_name"], 200)
    referrer_organisation = _text(FIELD_LABELS["referrer_organisation"], 200)
    referrer_contact = _text(FIELD_LABELS["referrer_contact"], 200, "The coordinator calls you back on this number.")
    patient_location = forms.ChoiceField(
        label=FIELD_LABELS["patient_location"], choices=_blank("Choose", triage_rules.PatientLocation)
    )
    cancer_status = _radio(FIELD_LABELS["cancer_status"], _choices(triage_rules.CancerStatus))
    cancer_type = forms.ChoiceField(
        label=FIELD_LABELS["cancer_type"],
        required=False,
        choices=_blank("No cancer known (leave empty)", triage_rules.CancerType),
        help_text="Needed for a current or past cancer.",
    )
    pain_assessed = _radio(
        FIELD_LABELS["pain_assessed"],
        [
            (PAIN_ASSESSED, "Assessed: tick its features below (none ticked means no spinal pain)"),
            (PAIN_NOT_ASSESSED, "Not assessed"),
        ],
    )
    pain_features = _ticks(FIELD_LABELS["pain_features"], triage_rules.PainFeature)
    neuro_findings = _ticks(FIELD_LABELS["neuro_findings"], triage_rules.NeuroFinding, "None ticked means none found.")
    neuro_history = _radio(FIELD_LABELS["neuro_history"], _choices(triage_rules.NeuroHistory))
    neuro_examination = _radio(FIELD_LABELS["neuro_examination"], _choices(triage_rules.NeuroExamination))
    deficit_progressing = forms.ChoiceField(
        label=FIELD_LABELS["deficit_progressing"],
        required=False,
        choices=_blank("No neurological findings", triage_rules.Progression),
    )
    ambulatory_status = forms.ChoiceField(
        label=FIELD_LABELS["ambulatory_status"], choices=_blank("Choose", triage_rules.AmbulatoryStatus)
    )
    walking_lost_at = _local_time(
        FIELD_LABELS["walking_lost_at"], "Only when the patient cannot walk; leave empty if not known."
    )
    urinary_retention_confirmed = _radio(
        FIELD_LABELS["urinary_retention_confirmed"],
        [("yes", "Yes"), ("no", "No"), ("not_checked", "Not checked")],
    )
    imaging_status = _radio(FIELD_LABELS["imaging_status"], _choices(triage_rules.ImagingStatus))
    imaging_modality = forms.ChoiceField(
        label=FIELD_LABELS["imaging_modality"], required=False, choices=_blank("No scan", triage_rules.ImagingModality)
    )
    imaging_booked_for = _local_time(FIELD_LABELS["imaging_booked_for"])
    imaging_at = _local_time(FIELD_LABELS["imaging_at"])
    imaging_reported_at = _local_time(FIELD_LABELS["imaging_reported_at"])
    imaging_scope = forms.ChoiceField(
        label=FIELD_LABELS["imaging_scope"], required=False, choices=_blank("Not scanned", triage_rules.ImagingScope)
    )
    imaging_finding = forms.ChoiceField(
        label=FIELD_LABELS["imaging_finding"],
        required=False,
        choices=_blank("Not reported", triage_rules.ImagingFinding),
    )
    imaging_levels = forms.MultipleChoiceField(
        label=FIELD_LABELS["imaging_levels"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=_choices(rules.SpinalLevel),
        help_text="Only when the report shows spinal metastases.",
    )
    mri_contraindicated = forms.BooleanField(label=FIELD_LABELS["mri_contraindicated"], required=False)
    dexamethasone_given_at = _local_time(FIELD_LABELS["dexamethasone_given_at"], "Leave empty if none was given.")
    steroid_contraindication = forms.BooleanField(
        label=FIELD_LABELS["steroid_contraindication"],
        required=False,
    )
    save_token = forms.UUIDField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)

    def __init__(self, *args: Any, later_version: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if later_version:
            # A version is the findings; who the patient is stays the referral's.
            for name in PATIENT_FIELDS:
                del self.fields[name]
            self.fields["suspected_at"] = _local_time(
                FIELD_LABELS["suspected_at"],
                "Only when this version adds findings: when they were first suspected. "
                "Leave empty to keep the earlier time.",
            )
            self.fields["based_on"] = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def clean_patient_date_of_birth(self) -> datetime.date:
        born = self.cleaned_data["patient_date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError("Date of birth: this is in the future.")
        if born < EARLIEST_BIRTH:
            raise forms.ValidationError("Date of birth: before 1900 is not plausible; check the year.")
        return born

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("pain_assessed") == PAIN_NOT_ASSESSED and data.get("pain_features"):
            self.add_error("pain_features", "Pain features: none can be ticked when pain was not assessed.")
        return data

    def triage_ready(self) -> tuple[bool, list[dict[str, str]]]:
        """Whether the findings parse, so the rules can read them, and each field's error if not.

        The patient's identifiers are not needed for the triage: the live panel answers before they are typed.
        """
        problems = [
            {"field": name, "text": str(message)}
            for name, messages in self.errors.items()
            if name not in NOT_TRIAGED and name != "__all__"
            for message in messages
        ]
        return not problems, problems

    def rebased(self, version: int) -> ReferralForm:
        """The same entries based on ``version``: after a conflict, saving again is a deliberate choice."""
        data = self.data.copy()
        data["based_on"] = str(version)
        rebased = ReferralForm(data, later_version=True)
        rebased.is_valid()
        return rebased

    def to_data(self) -> dict[str, Any]:
        """The valid form as section 10.1's referral object, without ``received_at``, id and events."""
        c = self.cleaned_data
        data: dict[str, Any] = {
            "suspected_at": _iso(c.get("suspected_at")),
            "referrer_name": c["referrer_name"],
            "referrer_organisation": c["referrer_organisation"],
            "referrer_contact": c["referrer_contact"],
            "patient_location": c["patient_location"],
            "cancer_status": c["cancer_status"],
            "cancer_type": c["cancer_type"] or None,
            "pain_features": None if c["pain_assessed"] == PAIN_NOT_ASSESSED else list(c["pain_features"]),
            "neuro_findings": list(c["neuro_findings"]),
            "neuro_history": c["neuro_history"],
            "neuro_examination": c["neuro_examination"],
            "deficit_progressing": c["deficit_progressing"] or None,
            "ambulatory_status": c["ambulatory_status"],
            "walking_lost_at": _iso(c["walking_lost_at"]),
            "urinary_retention_confirmed": RETENTION[c["urinary_retention_confirmed"]],
            "imaging_status": c["imaging_status"],
            "imaging_modality": c["imaging_modality"] or None,
            "imaging_booked_for": _iso(c["imaging_booked_for"]),
            "imaging_at": _iso(c["imaging_at"]),
            "imaging_reported_at": _iso(c["imaging_reported_at"]),
            "imaging_scope": c["imaging_scope"] or None,
            "imaging_finding": c["imaging_finding"] or None,
            "imaging_levels": list(c["imaging_levels"]) or None,
            "mri_contraindicated": c["mri_contraindicated"],
            "dexamethasone_given_at": _iso(c["dexamethasone_given_at"]),
            "steroid_contraindication": c["steroid_contraindication"],
        }
        return data

    def patient(self) -> dict[str, Any]:
        """Who the referral is about, as the service takes it."""
        c = self.cleaned_data
        return {
            "patient_name": c["patient_name"],
            "patient_date_of_birth": c["patient_date_of_birth"],
            "patient_mrn": c["patient_mrn"],
        }

    def add_rule_errors(self, errors: Mapping[str, list[str]]) -> None:
        """Put the rules' refusals (10.11, by object key) on the fields they name, each starting with its label.

        A key the form has no field for (the referral's received time, its events) is the form's own error.
        """
        for key, messages in errors.items():
            name = key if key in self.fields else None
            for message in messages:
                words = rule_message_words(message)
                if name is None:
                    self.add_error(None, f"{field_words(key)}: {words}")
                else:
                    self.add_error(name, f"{self.fields[name].label}: {words}")

    @staticmethod
    def initial_from(data: Mapping[str, Any]) -> dict[str, Any]:
        """A stored version's object as the form's initial values."""
        initial = {key: value for key, value in data.items() if key != "received_at"}
        for key in (
            "suspected_at",
            "walking_lost_at",
            "imaging_booked_for",
            "imaging_at",
            "imaging_reported_at",
            "dexamethasone_given_at",
        ):
            value = data.get(key)
            initial[key] = None if value is None else timezone.localtime(datetime.datetime.fromisoformat(value))
        pain = data.get("pain_features")
        initial["pain_assessed"] = PAIN_NOT_ASSESSED if pain is None else PAIN_ASSESSED
        initial["pain_features"] = pain or []
        retention = data.get("urinary_retention_confirmed")
        initial["urinary_retention_confirmed"] = next(key for key, value in RETENTION.items() if value is retention)
        initial["imaging_levels"] = data.get("imaging_levels") or []
        for key in ("cancer_type", "deficit_progressing", "imaging_modality", "imaging_scope", "imaging_finding"):
            initial[key] = data.get(key) or ""
        return initial
