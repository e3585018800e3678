"""Forms parse; they never decide.

``AssessmentForm`` is the one validation path for an assessment: the web page,
``manage.py evaluate_case`` and case import all use it, and ``to_case_input``
maps a valid form to the rules' input. Clinical decisions live in ``rules``.
"""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date, datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from assessments import rules
from assessments.labels import HELP_TEXTS, label
from assessments.models import ASSESSMENT_FIELDS, TEXT_MAX, Case, Sex, case_input_from_mapping

YES_NO = [("true", "Yes"), ("false", "No")]
NOT_AMBULATORY = {rules.MotorStatus.NONAMBULATORY.value, rules.MotorStatus.PARAPLEGIC.value}

# Characters that render invisibly or reorder text (bidi overrides, zero-width
# joiners) can disguise a note; C0/C1 control characters corrupt exports.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Co", "Cs"}
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def reject_hidden_characters(value: str) -> None:
    """Raise ValidationError if the text holds control, format (bidi) or private-use characters."""
    for char in value:
        if char in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            raise forms.ValidationError(
                "Remove the invisible or control character (U+%(code)04X) from this text.",
                code="hidden_character",
                params={"code": ord(char)},
            )


class CleanCharField(forms.CharField):
    default_validators = [reject_hidden_characters]


EARLIEST_BIRTH = date(1900, 1, 1)


def show_limits(form: forms.BaseForm) -> None:
    """Text over a field's limit is refused with the field's name, never cut off by the browser.

    The browser's ``maxlength`` silently drops what is typed or pasted beyond it;
    instead the limit goes to ``data-maxlength``, which static/js/app.js shows as
    a counter, and the server's message names the field and both lengths.
    """
    for field in form.fields.values():
        limit = getattr(field, "max_length", None)
        if not isinstance(field, forms.CharField) or limit is None:
            continue
        field.widget.attrs.pop("maxlength", None)
        field.widget.attrs["data-maxlength"] = str(limit)
        field.error_messages["max_length"] = (
            f"{field.label}: at most %(limit_value)d characters, this has %(show_value)d. "
            "Shorten it; nothing was cut off."
        )


class LimitsShownMixin:
    """Forms whose text limits are shown as counters (``show_limits``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        show_limits(self)  # type: ignore[arg-type]


def _enum_choices(enum: type, *, with_points: dict[Any, int] | None = None) -> list[tuple[str, str]]:
    out = []
    for member in enum:  # type: ignore[attr-defined]
        text = label(member)
        if with_points is not None:
            points = with_points[member]
            text = f"{text} ({points} point{'s' if points != 1 else ''})"
        out.append((member.value, text))
    return out


class SharedChoicesMixin:
    """Each form's copy of the field shares the field's choices instead of deep-copying them.

    Django deep-copies every declared field for every form instance, choices included; for the
    23 assessment fields that was the largest single cost of a live update (docs/performance.md).
    The choices are built once at import and never changed per form: a form that needs other
    choices assigns a new list (as board_forms does), which replaces the shared one on its copy only.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        # What Field.__deepcopy__ and Widget.__deepcopy__ copy (the per-form attrs, error messages
        # and validators), by copying __dict__ rather than through copy.copy's generic protocol.
        result = object.__new__(type(self))
        result.__dict__ = self.__dict__.copy()
        memo[id(self)] = result
        widget = object.__new__(type(self.widget))  # type: ignore[attr-defined]
        widget.__dict__ = self.widget.__dict__.copy()  # type: ignore[attr-defined]
        widget.attrs = self.widget.attrs.copy()  # type: ignore[attr-defined]
        result.widget = widget
        result.error_messages = self.error_messages.copy()  # type: ignore[attr-defined]
        result.validators = self.validators[:]  # type: ignore[attr-defined]
        return result


class StrictBooleanField(SharedChoicesMixin, forms.TypedChoiceField):
    """A required yes/no: accepts JSON true/false or the strings 'true'/'false'; nothing is guessed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=YES_NO, coerce=lambda v: v == "true", widget=YesNoWidget, empty_value=None, **kwargs)

    def to_python(self, value: Any) -> Any:
        if value is True or value is False:
            return "true" if value else "false"
        return super().to_python(value)

    def valid_value(self, value: Any) -> bool:
        return value in ("true", "false")


class StrictChoiceField(SharedChoicesMixin, forms.ChoiceField):
    """A choice that accepts only the exact code (strings only: JSON 1 is not "1")."""

    def to_python(self, value: Any) -> str:
        if value in self.empty_values:
            return ""
        if not isinstance(value, str):
            raise forms.ValidationError(
                "Give one of these codes, as text: %(codes)s.",
                code="invalid_choice",
                params={"codes": ", ".join(str(code) for code, _ in flat_choices(self.choices) if code != "")},
            )
        return value

    def validate(self, value: Any) -> None:
        try:
            super().validate(value)
        except forms.ValidationError as error:
            if error.code != "invalid_choice":
                raise
            raise forms.ValidationError(
                "%(value)s is not a valid choice; give one of: %(codes)s.",
                code="invalid_choice",
                params={"value": value, "codes": ", ".join(str(c) for c, _ in flat_choices(self.choices) if c != "")},
            ) from None


class StrictIntegerField(forms.IntegerField):
    """An integer; JSON booleans and fractions are refused rather than coerced."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, bool | float):
            raise forms.ValidationError("Enter a whole number of hours.", code="invalid")
        return super().to_python(value)


def _spinal_level_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Levels grouped by region, each showing the SINS location points it implies."""
    regions: dict[str, list[tuple[str, str]]] = {}
    for level in rules.SpinalLevel:
        region = {"o": "Cervical", "C": "Cervical", "T": "Thoracic", "L": "Lumbar", "S": "Sacral"}[level.value[0]]
        location = rules.LOCATION_BY_LEVEL[level]
        points = rules.LOCATION_POINTS[location]
        text = f"{label(level)}: {label(location).lower()}, {points} point{'s' if points != 1 else ''}"
        regions.setdefault(region, []).append((level.value, text))
    return [("", [("", "Choose the level")]), *regions.items()]


class EsccGradeWidget(forms.RadioSelect):
    """Bilsky grades as cards, each with the project's own axial schematic."""

    template_name = "assessments/widgets/escc_grade.html"


class YesNoWidget(forms.RadioSelect):
    template_name = "assessments/widgets/yes_no.html"


class ChoiceButtons(forms.RadioSelect):
    """Radio choices as a row of toggle buttons: one click per finding."""

    template_name = "assessments/widgets/choice_buttons.html"


class AssessmentForm(forms.Form):
    """The 23 inputs of clinical-rules.md section 1, under the same names and codes."""

    # The server validates; browser-side "required" would block the no-JS preview.
    use_required_attribute = False

    # Neurologic
    escc_grade = StrictChoiceField(
        label="Bilsky ESCC grade", choices=_enum_choices(rules.EsccGrade), widget=EsccGradeWidget
    )
    neurologic_deficit = StrictBooleanField(label="Neurologic deficit from the lesion")
    deficit_progressing = StrictBooleanField(label="Deficit progressing")
    motor_status = StrictChoiceField(
        label="Motor status (walking now)", choices=_enum_choices(rules.MotorStatus), widget=ChoiceButtons
    )
    hours_nonambulatory = StrictIntegerField(
        label="Hours since loss of ambulation", required=False, min_value=0, max_value=24 * 365 * 5
    )
    urinary_symptoms = StrictBooleanField(label="Urinary symptoms")
    urinary_retention = StrictBooleanField(label="Urinary retention confirmed")
    # Oncologic
    histology = StrictChoiceField(
        label="Primary tumor (histology)", choices=[("", "Choose the primary tumor"), *_enum_choices(rules.Histology)]
    )
    other_radiosensitivity = StrictChoiceField(
        label="Radiosensitivity of the 'other' histology",
        choices=[("", "Not applicable"), *_enum_choices(rules.OtherRadiosensitivity)],
        required=False,
        widget=ChoiceButtons,
    )
    prior_radiation_in_field = StrictBooleanField(label="Prior radiation to this level")
    # Mechanical (SINS)
    spinal_level = StrictChoiceField(label="Spinal level (index lesion)", choices=_spinal_level_choices())
    sins_pain = StrictChoiceField(
        label="Pain", choices=_enum_choices(rules.SinsPain, with_points=rules.PAIN_POINTS), widget=ChoiceButtons
    )
    sins_bone_lesion = StrictChoiceField(
        label="Bone lesion",
        choices=_enum_choices(rules.SinsBoneLesion, with_points=rules.BONE_LESION_POINTS),
        widget=ChoiceButtons,
    )
    sins_alignment = StrictChoiceField(
        label="Radiographic alignment",
        choices=_enum_choices(rules.SinsAlignment, with_points=rules.ALIGNMENT_POINTS),
        widget=ChoiceButtons,
    )
    sins_collapse = StrictChoiceField(
        label="Vertebral body collapse",
        choices=_enum_choices(rules.SinsCollapse, with_points=rules.COLLAPSE_POINTS),
        widget=ChoiceButtons,
    )
    sins_posterolateral = StrictChoiceField(
        label="Posterolateral involvement",
        choices=_enum_choices(rules.SinsPosterolateral, with_points=rules.POSTEROLATERAL_POINTS),
        widget=ChoiceButtons,
    )
    stability_assessment = StrictChoiceField(
        label="Spine surgeon's stability assessment",
        choices=_enum_choices(rules.StabilityAssessment),
        widget=ChoiceButtons,
    )
    retropulsion = StrictBooleanField(label="Retropulsed bone fragments")
    # Systemic
    expected_survival = StrictChoiceField(
        label="Expected survival", choices=_enum_choices(rules.ExpectedSurvival), widget=ChoiceButtons
    )
    surgical_candidate = StrictChoiceField(
        label="Surgical candidate", choices=_enum_choices(rules.SurgicalCandidate), widget=ChoiceButtons
    )
    sbrt_available = StrictBooleanField(label="SBRT available in time")
    oligometastatic = StrictBooleanField(label="Oligometastatic disease")
    vte_contraindication = StrictBooleanField(label="Contraindication to anticoagulants")

    @staticmethod
    def site_defaults() -> dict[str, str]:
        """The answers a new form starts with, each shown as a default on its button, never as a finding.

        SBRT availability is a property of the site (``SITE_SBRT_AVAILABLE``); the
        surgeon's stability assessment starts as "not assessed", which changes nothing.
        """
        return {
            "sbrt_available": "true" if settings.SITE_SBRT_AVAILABLE else "false",
            "stability_assessment": rules.StabilityAssessment.NOT_ASSESSED.value,
        }

    def __init__(self, *args: Any, ambulation_lost_at: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ambulation_lost_at = ambulation_lost_at
        self.hours_derived = False
        for name, field in self.fields.items():
            field.help_text = HELP_TEXTS.get(name, "")
            if isinstance(field.widget, forms.Select) and not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-select"
            elif isinstance(field.widget, forms.NumberInput):
                field.widget.attrs.update({"class": "form-control", "inputmode": "numeric"})
        self._mark_defaults()

    def _mark_defaults(self) -> None:
        for name, code in self.site_defaults().items():
            field = self.fields[name]
            suffix = " (site default)" if name == "sbrt_available" else " (default)"
            field.choices = [(value, f"{text}{suffix}" if value == code else text) for value, text in field.choices]
        self.fields["sbrt_available"].help_text += (
            " Pre-set to this site's default (setting SITE_SBRT_AVAILABLE); change it if SBRT cannot be given "
            "in time for this patient."
        )
        self.fields[
            "stability_assessment"
        ].help_text += " Pre-set to 'not assessed' until a spine surgeon has assessed it."

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        histology = data.get("histology")
        other = data.get("other_radiosensitivity") or None
        data["other_radiosensitivity"] = other
        if histology == rules.Histology.OTHER and other is None:
            self.add_error(
                "other_radiosensitivity",
                "Required when the histology is 'other': say whether this tumor is radiosensitive or radioresistant.",
            )
        elif histology and histology != rules.Histology.OTHER and other is not None:
            self.add_error(
                "other_radiosensitivity",
                "Must be empty unless the histology is 'other' (this histology's radiosensitivity is known).",
            )
        motor = data.get("motor_status")
        hours = data.get("hours_nonambulatory")
        if motor and motor not in NOT_AMBULATORY and hours is not None:
            self.add_error(
                "hours_nonambulatory",
                "Leave empty for a patient who can walk: it counts hours since the patient lost the ability to walk.",
            )
        if motor in NOT_AMBULATORY and self.ambulation_lost_at is not None:
            # The time is what is stored; typed hours may only confirm it (within an hour's rounding).
            elapsed = max(0, int((timezone.now() - self.ambulation_lost_at).total_seconds() // 3600))
            if hours is None:
                data["hours_nonambulatory"] = elapsed
                self.hours_derived = True
            elif abs(hours - elapsed) > 1:
                self.add_error(
                    "hours_nonambulatory",
                    f"Disagrees with the time of loss of ambulation ({elapsed} hours ago): correct one of them, "
                    "or leave this box empty to count from that time.",
                )
        if motor == rules.MotorStatus.PARAPLEGIC and data.get("neurologic_deficit") is False:
            self.add_error(
                "neurologic_deficit",
                "Paraplegia is a neurologic deficit: answer 'Yes' here, or correct the motor status.",
            )
        if data.get("deficit_progressing") is True and data.get("neurologic_deficit") is False:
            self.add_error(
                "deficit_progressing",
                "A progressing deficit is a deficit: answer 'Yes' to 'Neurologic deficit' or 'No' here.",
            )
        return data

    def to_case_input(self) -> rules.CaseInput:
        """The rules' input for a valid form."""
        assert self.is_valid(), "to_case_input needs a valid form"
        return case_input_from_mapping({name: self.cleaned_data[name] for name in ASSESSMENT_FIELDS})

    def given_sins_components(self) -> dict[str, str | None]:
        """The SINS inputs that parse on their own, for a partial score on an incomplete form."""
        given: dict[str, str | None] = {}
        for name in ("spinal_level", "sins_pain", "sins_bone_lesion", "sins_alignment", "sins_collapse"):
            given[name] = self._valid_choice(name)
        given["sins_posterolateral"] = self._valid_choice("sins_posterolateral")
        return given

    def _valid_choice(self, name: str) -> str | None:
        raw = self.data.get(name)
        codes = {code for code, _ in flat_choices(self.fields[name].choices)}  # type: ignore[attr-defined]
        return raw if isinstance(raw, str) and raw and raw in codes else None


class PrognosisForm(forms.Form):
    """The optional prognosis inputs of clinical-rules.md section 1 (rule set 2027.1), same names and codes.

    Each may be absent. Contradictions that need the whole case (Frankel grade against motor status,
    vertebral metastases against the lesions, primary site against histology) are checked by the rules'
    ``CaseInput`` and reported on the field by ``case_format``.
    """

    use_required_attribute = False

    karnofsky = StrictIntegerField(label="Karnofsky performance status", required=False, min_value=10, max_value=100)
    extraspinal_bone_metastases = StrictIntegerField(
        label="Bone metastases outside the spine", required=False, min_value=0, max_value=99
    )
    vertebral_metastases = StrictIntegerField(
        label="Vertebral bodies with metastases", required=False, min_value=1, max_value=33
    )
    visceral_metastases = StrictChoiceField(
        label="Visceral metastases",
        choices=[("", "Not recorded"), *_enum_choices(rules.VisceralMetastases)],
        required=False,
    )
    frankel_grade = StrictChoiceField(
        label="Frankel grade", choices=[("", "Not recorded"), *_enum_choices(rules.FrankelGrade)], required=False
    )
    primary_site = StrictChoiceField(
        label="Primary site", choices=[("", "Not recorded"), *_enum_choices(rules.PrimarySite)], required=False
    )
    primary_growth = StrictChoiceField(
        label="Growth of the primary",
        choices=[("", "Not recorded"), *_enum_choices(rules.PrimaryGrowth)],
        required=False,
    )

    def clean_karnofsky(self) -> int | None:
        value: int | None = self.cleaned_data["karnofsky"]
        if value is not None and value % 10:
            raise forms.ValidationError("Give the Karnofsky score as a multiple of 10 (10 to 100).")
        return value

    def to_values(self) -> dict[str, Any]:
        """The rules' keyword arguments for the recorded prognosis inputs (codes as enums)."""
        assert self.is_valid(), "to_values needs a valid form"
        enums: dict[str, Any] = {
            "visceral_metastases": rules.VisceralMetastases,
            "frankel_grade": rules.FrankelGrade,
            "primary_site": rules.PrimarySite,
            "primary_growth": rules.PrimaryGrowth,
        }
        out: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            out[name] = enums[name](value) if name in enums else value
        return out


def flat_choices(choices: Any) -> list[tuple[str, str]]:
    """Choices with option groups flattened to (code, label) pairs."""
    flat: list[tuple[str, str]] = []
    for code, text in choices:
        flat.extend(text if isinstance(text, list | tuple) else [(code, text)])
    return flat


# Issue 13a: the patient's identifiers are the Patient's (one per MRN); the form keeps their
# field names, so pages, imports and the session-expiry stash post what they always did.
PATIENT_IDENTIFIERS = ("mrn", "patient_name", "date_of_birth", "sex")


class PatientForm(LimitsShownMixin, forms.ModelForm):
    """Who the patient is, the clinician's notes and the NICE time points.

    ``mrn``, ``patient_name``, ``date_of_birth`` and ``sex`` are the patient record's
    (``services.patient_for_case`` finds or creates it); the rest is the case's.
    """

    mrn = forms.CharField(
        label="Hospital number (MRN)", max_length=20, help_text="The hospital number as on the wristband."
    )
    patient_name = forms.CharField(label="Patient name", max_length=200)
    date_of_birth = forms.DateField(
        label="Date of birth", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    sex = forms.ChoiceField(label="Sex", choices=[("", "---------"), *Sex.choices])

    class Meta:
        model = Case
        fields = [
            "symptom_onset_at",
            "ambulation_lost_at",
            "mri_at",
            "decision_at",
            "treatment_start_at",
            "clinical_notes",
        ]
        widgets = {
            "symptom_onset_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ambulation_lost_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "mri_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "decision_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "treatment_start_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "clinical_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "ambulation_lost_at": "When the patient last walked. Used to work out hours since loss of ambulation "
            "when that box is left empty.",
            "mri_at": "Time of the diagnostic MRI: NICE asks for a definitive plan within 24 hours of it.",
        }

    field_order = [*PATIENT_IDENTIFIERS, *Meta.fields]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None and instance.patient_id is not None:
            patient = instance.patient
            kwargs["initial"] = {
                "mrn": patient.mrn,
                "patient_name": patient.name,
                "date_of_birth": patient.date_of_birth,
                "sex": patient.sex,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        if instance is not None and instance.patient_id is not None:
            self.fields[
                "patient_name"
            ].help_text = "The patient record's: a change here corrects it for all the patient's episodes."
        for name in ("mrn", "patient_name", "clinical_notes"):
            self.fields[name].validators.append(reject_hidden_characters)
        self.fields["date_of_birth"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        for name in ("symptom_onset_at", "ambulation_lost_at", "mri_at", "decision_at", "treatment_start_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def clean_date_of_birth(self) -> Any:
        dob = self.cleaned_data["date_of_birth"]
        if dob and dob > timezone.localdate():
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if dob and dob < EARLIEST_BIRTH:
            raise forms.ValidationError("Date of birth: before 1900 is not plausible; check the year.")
        return dob

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        now = timezone.now()
        dob = data.get("date_of_birth")
        for name in ("symptom_onset_at", "ambulation_lost_at", "mri_at", "decision_at", "treatment_start_at"):
            value = data.get(name)
            label_text = self.fields[name].label
            if value and value > now + timezone.timedelta(minutes=5):
                self.add_error(name, f"{label_text}: this time is in the future.")
            elif value and dob and timezone.localtime(value).date() < dob:
                self.add_error(name, f"{label_text}: this is before the date of birth.")
        decision, start = data.get("decision_at"), data.get("treatment_start_at")
        if decision and start and start < decision:
            self.add_error("treatment_start_at", "Treatment cannot start before the decision.")
        return data


class VersionForm(forms.Form):
    """The version a save is based on, for the no-lost-updates check."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class SaveTokenForm(forms.Form):
    """A token the form page draws once, so that sending the same save twice stores it once.

    A reload of a failed save, a double click, or a retry after an answer lost on the way all
    repeat the token; the services then return the case already saved instead of a second one.
    """

    save_token = forms.UUIDField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)


class CaseImportForm(forms.Form):
    file = forms.FileField(label="Case file (JSON, case-file format)")

    def clean_file(self) -> dict[str, Any]:
        upload = self.cleaned_data["file"]
        if upload.size > 64 * 1024:
            raise forms.ValidationError("The file is too large for one case (64 KB at most).")
        from assessments.case_format import CaseFileError, load_case_json  # case_format imports this module

        try:
            data = load_case_json(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not valid JSON: it is not UTF-8 text.") from None
        except CaseFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        if not isinstance(data, dict):
            raise forms.ValidationError("The file must hold one case: a JSON object.")
        return data


class SubmitToBoardForm(LimitsShownMixin, forms.Form):
    board_question = CleanCharField(
        label="Question for the board", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    meeting_date = forms.DateField(
        label="Board meeting date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
