"""The case forms (patient, assessment with its lesion cards, prognosis, import) and the fields other forms share.

Forms parse; they never decide. ``AssessmentEntry`` is the one validation path for an assessment: the web page,
``manage.py evaluate_case`` and case import (through ``case_format``) all use it, and it maps the parsed
entries to the rules' input once. Clinical decisions live in ``rules``. The forms read one shape of data;
an older page's post is brought to it before any form sees it (``cases.posted``).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator, normalize_choices

from assessments import rules
from assessments.cases.case_json import CaseFileError, load_case_json
from assessments.cases.inputs import build_case_input, prognosis_values
from assessments.labels import HELP_TEXTS, KARNOFSKY_STEPS, PROGNOSIS_HELP_TEXTS, field_label, label
from assessments.models import (
    PATIENT_IDENTIFIERS,
    TEXT_MAX,
    Case,
    Sex,
)
from escc_site.forms import DayOrMonthField, DecimalAmountField, PlainCopy, WholeNumberField

YES_NO = [("true", "Yes"), ("false", "No")]

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


def _enum_choices(enum: type, *, with_points: dict[Any, int] | None = None) -> list[tuple[str, str]]:
    out = []
    for member in enum:  # type: ignore[attr-defined]
        text = label(member)
        if with_points is not None:
            points = with_points[member]
            text = f"{text} ({points} point{'s' if points != 1 else ''})"
        out.append((member.value, text))
    return out


class FixedChoices(BaseChoiceIterator):
    """Choices made once, at import, shared by every form and never copied.

    Django deep-copies each declared field for every form it builds, and its choices with it (the field's
    and its widget's): for the assessment's fields that was the largest part of building the live update's
    forms (docs/performance.md). These choices never change, so a copy is the same object. A form that
    needs other choices assigns them to its own copy of the field.
    """

    def __init__(self, choices: Iterable[tuple[str, Any]]) -> None:
        self.fixed = tuple(choices)
        # Every code, option groups opened: what ``ChoiceField.valid_value`` would find by walking the
        # choices (normalizing them again) for each field it validates; None when a code is not text.
        codes = [code for code, text in self.fixed if not isinstance(text, list | tuple)]
        codes += [code for _, text in self.fixed if isinstance(text, list | tuple) for code, _ in text]
        self.codes = frozenset(codes) if all(isinstance(code, str) for code in codes) else None
        self._marked: dict[tuple[str, str], FixedChoices] = {}

    def __iter__(self) -> Any:
        yield from normalize_choices(self.fixed)

    def __copy__(self) -> FixedChoices:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FixedChoices:
        return self

    def marked(self, code: str, suffix: str) -> FixedChoices:
        """These choices with ``suffix`` after the text of ``code`` (a default shown as such), made once."""
        key = (code, suffix)
        if key not in self._marked:
            self._marked[key] = FixedChoices(
                (value, f"{text}{suffix}" if value == code else text) for value, text in self
            )
        return self._marked[key]


class StrictBooleanField(PlainCopy, forms.TypedChoiceField):
    """A required yes/no: accepts JSON true/false or the strings 'true'/'false'; nothing is guessed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=FixedChoices(YES_NO), coerce=lambda v: v == "true", widget=YesNoWidget, empty_value=None, **kwargs
        )

    def to_python(self, value: Any) -> Any:
        if value is True or value is False:
            return "true" if value else "false"
        return super().to_python(value)

    def valid_value(self, value: Any) -> bool:
        return value in ("true", "false")


class StrictChoiceField(PlainCopy, forms.ChoiceField):
    """A choice that accepts only the exact code (strings only: JSON 1 is not "1")."""

    def __init__(self, *, choices: Iterable[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(choices=FixedChoices(choices), **kwargs)

    def valid_value(self, value: Any) -> bool:
        choices = self._choices
        if isinstance(choices, FixedChoices) and choices.codes is not None and isinstance(value, str):
            return value in choices.codes  # every code is text, so this is what walking the choices finds
        return super().valid_value(value)

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


class EsccGradeWidget(PlainCopy, forms.RadioSelect):
    """Bilsky grades as cards, each with the project's own axial schematic."""

    template_name = "assessments/widgets/escc_grade.html"


class YesNoWidget(PlainCopy, forms.RadioSelect):
    template_name = "assessments/widgets/yes_no.html"


class ChoiceButtons(PlainCopy, forms.RadioSelect):
    """Radio choices as a row of toggle buttons: one click per finding."""

    template_name = "assessments/widgets/choice_buttons.html"


class _AssessmentFieldsForm(forms.Form):
    """What the assessment forms share: help texts, widget classes and the defaults shown as defaults."""

    # The server validates; browser-side "required" would block the no-JS preview.
    use_required_attribute = False

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
            elif isinstance(field, WholeNumberField):
                field.widget.attrs["class"] = "form-control"
        self._mark_defaults()

    def _mark_defaults(self) -> None:
        for name, code in self.site_defaults().items():
            if name not in self.fields:
                continue
            field = self.fields[name]
            suffix = " (site default)" if name == "sbrt_available" else " (default)"
            if isinstance(field.choices, FixedChoices):
                field.choices = field.choices.marked(code, suffix)
            else:
                field.choices = [(value, f"{text}{suffix}" if value == code else text) for value, text in field.choices]
        if "sbrt_available" in self.fields:
            self.fields["sbrt_available"].help_text += (
                " Pre-set to this site's default (setting SITE_SBRT_AVAILABLE); change it if SBRT cannot be given "
                "in time for this patient."
            )
        if "stability_assessment" in self.fields:
            self.fields[
                "stability_assessment"
            ].help_text += " Pre-set to 'not assessed' until a spine surgeon has assessed it."

    def _valid_choice(self, name: str) -> str | None:
        raw = self.data.get(self.add_prefix(name))
        codes = {code for code, _ in flat_choices(self.fields[name].choices)}  # type: ignore[attr-defined]
        return raw if isinstance(raw, str) and raw and raw in codes else None


# A lesion's prior radiation entries (spec 1, "Prior radiation entry"): a formset inside each lesion card.
COURSES_KEY = "prior_radiation_courses"
COURSES_PREFIX = COURSES_KEY  # the cards' names mirror the case file's (lesions-0-prior_radiation_courses-1-fractions)


def course_title(position: int) -> str:
    """How the page names a prior radiation entry of a lesion: "prior course 1" (1-based, in the order given)."""
    return f"prior course {position + 1}"


class CourseForm(forms.Form):
    """One earlier radiation entry of a lesion: technique, dose, fractions, end date, the plan's cord maximum.

    ``where`` names the entry on the page ("Lesion 2, prior course 1"); every refusal starts with it and the
    field's name, so a message read in the list of what is still needed says which box it is about.
    """

    use_required_attribute = False

    technique = StrictChoiceField(label="Technique", choices=_enum_choices(rules.CourseTechnique), widget=ChoiceButtons)
    total_dose_gy = DecimalAmountField(
        label="Total dose (Gy)", unit="Gy", max_value=rules.MAX_DOSE_GY, decimal_places=rules.DOSE_DECIMALS
    )
    fractions = WholeNumberField(label="Fractions", unit="fractions", min_value=1, max_value=rules.MAX_FRACTIONS)
    end_date = DayOrMonthField(label="End date")
    cord_max_dose_gy = DecimalAmountField(
        label="Cord maximum dose (Gy)",
        unit="Gy",
        max_value=rules.MAX_DOSE_GY,
        decimal_places=rules.DOSE_DECIMALS,
        required=False,
    )
    same_course_as_previous = forms.BooleanField(label="Further phase of the course above", required=False)

    def __init__(self, *args: Any, where: str = "Prior course", position: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.where, self.position = where, position
        # Each box shows its own label (``shown_label``); the label it is named by says which lesion and entry.
        for name, field in self.fields.items():
            shown = str(self.base_fields[name].label)
            field.shown_label = shown  # type: ignore[attr-defined]
            field.label = f"{where}, {shown[0].lower()}{shown[1:]}"
            field.help_text = COURSE_HELP_TEXTS.get(name, "")
            if isinstance(field, DecimalAmountField):
                field.error_messages["required"] = f"{field.named()}: give {field.range_words()}."
            elif isinstance(field, WholeNumberField):
                field.error_messages["required"] = f"{field.label}: give {field.range_words()}."
            elif isinstance(field, DayOrMonthField):
                field.error_messages["required"] = f"{field.label}: give the date as {field.words}."
            else:
                field.error_messages["required"] = f"{field.label}: this is required."
            if isinstance(field.widget, forms.TextInput):
                field.widget.attrs["class"] = "form-control"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        fractions = data.get("fractions")
        if data.get("technique") == rules.CourseTechnique.SBRT and fractions and fractions > rules.MAX_SBRT_FRACTIONS:
            self.add_error(
                "fractions",
                f"{self.fields['fractions'].label}: SBRT is given in 1 to {rules.MAX_SBRT_FRACTIONS} fractions, and "
                f"{fractions} were given. Correct the fractions, or the technique if this was not SBRT.",
            )
        end = data.get("end_date")
        today = timezone.localdate()
        if end is not None and end.after(today):
            self.add_error(
                "end_date",
                f"{self.fields['end_date'].label}: {end.iso} is after today ({today.isoformat()}); record a course "
                "that has ended.",
            )
        if data.get("same_course_as_previous") and self.position == 0:
            self.add_error(
                "same_course_as_previous",
                f"{self.fields['same_course_as_previous'].label}: the first course has no course above it to "
                "continue. Untick it, or record the earlier phase above.",
            )
        return data

    def to_json(self) -> dict[str, object]:
        """A valid entry as the case file gives it (spec 1): doses exact, a month-only end as ``YYYY-MM``."""
        data = self.cleaned_data
        return rules.PriorCourse(
            technique=rules.CourseTechnique(data["technique"]),
            total_dose_gy=data["total_dose_gy"],
            fractions=data["fractions"],
            end_date=data["end_date"].day,
            month_only=data["end_date"].month_only,
            cord_max_dose_gy=data.get("cord_max_dose_gy"),
            same_course_as_previous=bool(data.get("same_course_as_previous")),
        ).to_json()


COURSE_HELP_TEXTS = {
    "total_dose_gy": "The prescribed total dose of this entry, for example 30 or 20.5.",
    "end_date": "The last day of this entry: YYYY-MM-DD, or YYYY-MM when only the month is known.",
    "cord_max_dose_gy": "From the plan, when known: the highest point dose to the spinal cord or thecal sac. Left "
    "empty, the app assumes the cord received the prescription of a cEBRT course (an assumption, not an upper "
    "bound); for SBRT the cord dose is then unknown.",
    "same_course_as_previous": "Tick for a further phase of the course above (a boost, say): courses are counted, "
    "not entries.",
}


class BaseCourseFormSet(forms.BaseFormSet):
    """One lesion's prior radiation entries: 0 to ``rules.MAX_COURSES``; a removed entry is skipped."""

    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": f"Give at most {rules.MAX_COURSES} prior radiation entries for one level.",
    }

    def __init__(self, *args: Any, lesion_title: str = "Lesion", **kwargs: Any) -> None:
        self.lesion_title = lesion_title
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        number = "__cnum__" if index is None else str(index + 1)
        return {"where": f"{self.lesion_title}, prior course {number}", "position": index}

    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)
        # An added entry left empty is findings still needed, never silently ignored.
        form.empty_permitted = False
        return form

    def kept_forms(self) -> list[Any]:
        """The entries not marked for removal, in their order."""
        if not self.is_bound:
            return list(self.forms)
        self.errors  # noqa: B018 (cleans every entry: removal is read from its cleaned data)
        return [form for form in self.forms if not self._should_delete_form(form)]


CourseFormSet = forms.formset_factory(
    CourseForm,
    formset=BaseCourseFormSet,
    extra=0,
    max_num=rules.MAX_COURSES,
    validate_max=True,
    absolute_max=2 * rules.MAX_COURSES,  # removed entries still count until the page is redrawn
    can_delete=True,
)


def course_management(data: Any, prefix: str) -> Any:
    """``data`` with an empty course formset's management entries for ``prefix`` when it has none.

    A case file (``case_format``) and a page drawn before courses existed send no course entries: that is
    "no course recorded", not a tampered form.
    """
    total = f"{prefix}-TOTAL_FORMS"
    if data is None or total in data:
        return data
    data = data.copy()
    data[total], data[f"{prefix}-INITIAL_FORMS"] = "0", "0"
    return data


class LesionForm(_AssessmentFieldsForm):
    """One involved level (clinical-rules.md section 1, Lesions): one card of the mechanical section."""

    spinal_level = StrictChoiceField(label="Spinal level", choices=_spinal_level_choices())
    escc_grade = StrictChoiceField(
        label="Bilsky ESCC grade", choices=_enum_choices(rules.EsccGrade), widget=EsccGradeWidget
    )
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
    prior_radiation_in_field = StrictBooleanField(label="Prior radiation to this level")

    def __init__(self, *args: Any, position: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and "stability_assessment" not in self.initial:
            # A new card (also the page's template for an added one) starts at the shown default.
            self.initial = {**self.initial, "stability_assessment": rules.StabilityAssessment.NOT_ASSESSED.value}
        # The level's prior radiation entries: a formset of their own inside the card.
        prefix = f"{self.prefix}-{COURSES_PREFIX}" if self.prefix else COURSES_PREFIX
        self.courses = CourseFormSet(
            course_management(self.data, prefix) if self.is_bound else None,
            initial=None if self.is_bound else list(self.initial.get(COURSES_KEY) or []),
            prefix=prefix,
            lesion_title="Lesion __num__" if position is None else lesion_title(position),
        )

    def is_valid(self) -> bool:
        """The card's own fields and each of its prior radiation entries valid."""
        valid = super().is_valid()
        return self.courses.is_valid() and valid

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("prior_radiation_in_field") is False and self.courses.kept_forms():
            # Spec 1: entries without the flag contradict it; the flag chooses the pathway (P5), so it is never set
            # here: the clinician answers it.
            self.add_error(
                None,
                forms.ValidationError(
                    "Prior radiation courses: recorded while 'Prior radiation to this level' is No. Answer Yes if "
                    "this level was irradiated before, or remove the courses.",
                    code="courses_without_flag",
                ),
            )
        return data

    def course_values(self) -> list[dict[str, object]]:
        """The valid card's kept prior radiation entries as case-file objects, in their order."""
        return [form.to_json() for form in self.courses.kept_forms()]

    def course_errors(self, position: int) -> dict[str, list[str]]:
        """The errors of this card's entries under their case-file names (``lesions[i].prior_radiation_courses``…)."""
        name = f"{LESION_PREFIX}[{position}].{COURSES_KEY}"
        errors: dict[str, list[str]] = {}
        flagged = [str(message) for message in self.non_field_errors()] + list(self.courses.non_form_errors())
        if flagged:
            errors[name] = flagged
        for number, form in enumerate(self.courses.kept_forms()):
            for field, messages in form.errors.items():
                errors[f"{name}[{number}].{field}"] = list(messages)
        return errors

    def given_sins_components(self) -> dict[str, str | None]:
        """The SINS inputs that parse on their own, for a partial score on an incomplete lesion."""
        names = ("spinal_level", "sins_pain", "sins_bone_lesion", "sins_alignment", "sins_collapse")
        return {name: self._valid_choice(name) for name in (*names, "sins_posterolateral")}


class CaseFieldsForm(_AssessmentFieldsForm):
    """The case's own inputs of clinical-rules.md section 1 (neurologic, oncologic, systemic)."""

    neurologic_deficit = StrictBooleanField(label="Neurologic deficit from the lesion")
    deficit_progressing = StrictBooleanField(label="Deficit progressing")
    motor_status = StrictChoiceField(
        label="Motor status (walking now)", choices=_enum_choices(rules.MotorStatus), widget=ChoiceButtons
    )
    hours_nonambulatory = WholeNumberField(
        label="Hours since loss of ambulation", unit="hours", note="5 years", required=False, min_value=0,
        max_value=24 * 365 * 5,
    )  # fmt: skip
    urinary_symptoms = StrictBooleanField(label="Urinary symptoms")
    urinary_retention = StrictBooleanField(label="Urinary retention confirmed")
    histology = StrictChoiceField(
        label="Primary tumor (histology)", choices=[("", "Choose the primary tumor"), *_enum_choices(rules.Histology)]
    )
    other_radiosensitivity = StrictChoiceField(
        label="Radiosensitivity of the 'other' histology",
        choices=[("", "Not applicable"), *_enum_choices(rules.OtherRadiosensitivity)],
        required=False,
        widget=ChoiceButtons,
    )
    expected_survival = StrictChoiceField(
        label="Expected survival", choices=_enum_choices(rules.ExpectedSurvival), widget=ChoiceButtons
    )
    surgical_candidate = StrictChoiceField(
        label="Surgical candidate", choices=_enum_choices(rules.SurgicalCandidate), widget=ChoiceButtons
    )
    sbrt_available = StrictBooleanField(label="SBRT available in time")
    oligometastatic = StrictBooleanField(label="Oligometastatic disease")
    vte_contraindication = StrictBooleanField(label="Contraindication to anticoagulants")

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
        if motor and motor not in rules.NOT_AMBULATORY and hours is not None:
            self.add_error(
                "hours_nonambulatory",
                "Leave empty for a patient who can walk: it counts hours since the patient lost the ability to walk.",
            )
        if motor in rules.NOT_AMBULATORY and self.ambulation_lost_at is not None:
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


# Several lesions on the web page: one LesionForm per card, one of them the index lesion.
LESION_PREFIX = "lesions"
INDEX_KEY = f"{LESION_PREFIX}-index"
# How the empty prior course names itself until static/js/courses.js numbers it.
COURSE_TEMPLATE_WHERE = "Lesion __lnum__, prior course __cnum__"
# A refusal's name in the case file: a lesion's entries, or one field of one entry.
_COURSE_NAME = re.compile(
    rf"{LESION_PREFIX}\[(?P<lesion>[0-9]+)\]\.{COURSES_KEY}(?:\[(?P<entry>[0-9]+)\]\.(?P<field>\w+))?"
)


def lesion_title(position: int) -> str:
    """How the page names a lesion card: "Lesion 2" (1-based, in the order given)."""
    return f"Lesion {position + 1}"


class BaseLesionFormSet(forms.BaseFormSet):
    """The lesion cards: 1 to ``rules.MAX_LESIONS``, each at its own level; a removed card is skipped."""

    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": f"Give at most {rules.MAX_LESIONS} lesions: one card per involved level.",
        "too_few_forms": "Keep at least one lesion: the index lesion.",
    }

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"position": index}

    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)
        # An added card left empty is findings still needed, never silently ignored.
        form.empty_permitted = False
        form.use_required_attribute = False
        return form

    def kept_forms(self) -> list[Any]:
        """The cards not marked for removal, in their order."""
        if not self.is_bound:
            return list(self.forms)
        self.errors  # noqa: B018 (cleans every card: removal is read from its cleaned data)
        return [form for form in self.forms if not self._should_delete_form(form)]

    def clean(self) -> None:
        seen: dict[str, int] = {}
        for position, form in enumerate(self.kept_forms()):
            level = form.cleaned_data.get("spinal_level") if hasattr(form, "cleaned_data") else None
            if not level:
                continue
            if level in seen:
                form.add_error(
                    "spinal_level",
                    f"{lesion_title(position)} \u2014 spinal level: {level} is already {lesion_title(seen[level])}; "
                    "each lesion must be at a different level.",
                )
            else:
                seen[level] = position


LesionFormSet = forms.formset_factory(
    LesionForm,
    formset=BaseLesionFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=rules.MAX_LESIONS,
    validate_max=True,
    absolute_max=2 * rules.MAX_LESIONS,  # removed cards still count until the page is redrawn
    can_delete=True,
)


class AssessmentEntry:
    """The assessment part of the case page: the case's own fields, one lesion card per level, the index.

    Not a Django form itself: it combines a :class:`CaseFieldsForm`, a :class:`LesionFormSet` and the
    :class:`PrognosisForm`, is valid when all three are, exactly one kept card is marked as the index
    lesion and the whole case holds no contradiction, and maps to the rules' input once, while it
    validates (through ``cases.inputs.build_case_input``, the app's one builder); :meth:`to_case_input`
    returns that input.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        initial: dict[str, Any] | None = None,
        lesions: list[dict[str, Any]] | None = None,
        ambulation_lost_at: datetime | None = None,
    ) -> None:
        self.data = data
        self.is_bound = data is not None
        self.case_form = CaseFieldsForm(data, initial=initial, ambulation_lost_at=ambulation_lost_at)
        lesions = lesions if lesions is not None else [{}]
        defaults = {"stability_assessment": rules.StabilityAssessment.NOT_ASSESSED.value}
        self.lesions = LesionFormSet(
            data,
            initial=None if data is not None else [{**defaults, **_as_form_values(lesion)} for lesion in lesions],
            prefix=LESION_PREFIX,
        )
        if data is None:
            marked = [i for i, lesion in enumerate(lesions) if lesion.get("index")]
            self.index_raw = str(marked[0]) if marked else "0"
        else:
            self.index_raw = data.get(INDEX_KEY)
        # The optional prognosis inputs: part of the entry, so a contradiction with the
        # case or its lesions holds the pathway back like any other invalid input.
        self.prognosis_form = PrognosisForm(data, initial=initial)
        self._index_error: str | None = None
        self._valid: bool | None = None
        self._case_input: rules.CaseInput | None = None

    @property
    def hours_derived(self) -> bool:
        return self.case_form.hours_derived

    @property
    def has_errors(self) -> bool:
        """A bound entry that does not validate (the page then says "not saved yet")."""
        return self.is_bound and not self.is_valid()

    @property
    def index_error(self) -> str | None:
        self.is_valid()
        return self._index_error

    @property
    def can_add(self) -> bool:
        return len(self.lesions.forms) < rules.MAX_LESIONS

    def index_position(self) -> int | None:
        """The position among the kept cards of the card marked as index (the only card, if just one)."""
        kept = self.lesions.kept_forms() if self.is_bound else self.lesions.forms
        if len(kept) == 1:
            return 0
        for position, form in enumerate(kept):
            if self.index_raw == str(self.lesions.forms.index(form)):
                return position
        return None

    def index_form_number(self) -> int | None:
        """The form number (as in the field names) whose card is marked as the index."""
        kept = self.lesions.kept_forms() if self.is_bound else self.lesions.forms
        position = self.index_position()
        return None if position is None else self.lesions.forms.index(kept[position])

    def is_valid(self) -> bool:
        """Every form valid, one index card, and the whole case free of contradictions (then mapped once)."""
        if self._valid is None:
            case_ok = self.case_form.is_valid()
            lesions_ok = self.lesions.is_valid()
            self._index_error = None
            if lesions_ok and self.index_position() is None:
                self._index_error = "Mark the index lesion: the lesion whose compression decides the pathway."
            prognosis_ok = self.prognosis_form.is_valid()
            fields_ok = case_ok and lesions_ok and self._index_error is None and prognosis_ok
            self._case_input = self._map_to_case_input() if fields_ok else None
            self._valid = self._case_input is not None
        return self._valid

    def _map_to_case_input(self) -> rules.CaseInput | None:
        """The one mapping of the parsed entries to the rules' input, or None with the contradiction on its field.

        The contradictions that need the whole case (spec section 1: Frankel grade against motor status,
        vertebral metastases against the lesions, primary site and growth against histology) are decided by
        the rules' ``CaseInput``; this only puts the message on the field, in words.
        """
        case_values = {name: self.case_form.cleaned_data[name] for name in rules.CASE_FIELDS}
        prognosis = self.prognosis_form.cleaned_data
        try:
            return build_case_input(
                case_values=case_values, lesions=self._lesion_values(), prognosis=prognosis_values(prognosis)
            )
        except rules.InputError as error:
            if self._course_refusal(error):
                return None
            if error.field not in self.prognosis_form.fields:
                raise
            without = build_case_input(case_values=case_values, lesions=self._lesion_values())
            self.prognosis_form.add_error(error.field, prognosis_contradiction(error.field, without, prognosis))
            return None

    def _course_refusal(self, error: rules.InputError) -> bool:
        """Put the rules' refusal of a prior radiation entry on its box (or the card's courses); False if not one.

        The cards check every rule of spec 1 on the entries first, so this is the last line of defence only.
        """
        found = _COURSE_NAME.fullmatch(error.field)
        kept = self.lesions.kept_forms()
        if found is None or int(found["lesion"]) >= len(kept):
            return False
        card = kept[int(found["lesion"])]
        entries = card.courses.kept_forms()
        if (
            found["entry"] is not None
            and int(found["entry"]) < len(entries)
            and found["field"] in card.courses.form.base_fields
        ):
            entry = entries[int(found["entry"])]
            entry.add_error(found["field"], f"{entry.fields[found['field']].label}: {error.message}.")
        else:
            card.add_error(None, f"Prior radiation courses: {error.message}.")
        return True

    def _lesion_values(self) -> list[dict[str, Any]]:
        """The parsed lesions as case-format objects, in the order given, the index marked."""
        index = self.index_position()
        lesions = []
        for position, form in enumerate(self.lesions.kept_forms()):
            lesion = {**{name: form.cleaned_data[name] for name in rules.LESION_FIELDS}, "index": position == index}
            courses = form.course_values()
            if courses:
                lesion[COURSES_KEY] = courses
            lesions.append(lesion)
        return lesions

    def to_case_input(self) -> rules.CaseInput:
        """The rules' input for a valid entry."""
        assert self.is_valid() and self._case_input is not None, "to_case_input needs a valid entry"
        return self._case_input

    def error_messages(self) -> dict[str, list[str]]:
        """Every error, all its messages, named as ``needed`` names them (a lesion's by its card's position)."""
        self.is_valid()
        errors: dict[str, list[str]] = {}
        for name, messages in self.case_form.errors.items():
            errors[name] = list(messages)
        if self.lesions.non_form_errors():
            errors[LESION_PREFIX] = list(self.lesions.non_form_errors())
        for position, form in enumerate(self.lesions.kept_forms()):
            for name, messages in form.errors.items():
                if name != forms.forms.NON_FIELD_ERRORS:
                    errors[f"{LESION_PREFIX}[{position}].{name}"] = list(messages)
            errors.update(form.course_errors(position))
        if self._index_error:
            errors[INDEX_KEY] = [self._index_error]
        for name, messages in self.prognosis_form.errors.items():
            errors[name] = list(messages)
        return errors

    def cleaned_values(self) -> dict[str, Any]:
        """What parsed, for the comparison with a newer version: the case's fields and, if valid, the lesions."""
        values = dict(getattr(self.case_form, "cleaned_data", {}))
        values.update(getattr(self.prognosis_form, "cleaned_data", {}))
        if self.is_valid():
            values["lesions"] = self._lesion_values()
        return values

    def needed(self) -> list[dict[str, str]]:
        """What is still missing or invalid, each named by its field (a lesion's by its card)."""
        self.is_valid()
        items = []
        for name, errors in self.case_form.errors.as_data().items():
            field = self.case_form.fields.get(name)
            items.append(_needed_item(name, field.label if field else "Assessment", errors))
        for error in self.lesions.non_form_errors():
            items.append({"field": LESION_PREFIX, "label": "Lesions", "message": str(error)})
        for position, form in enumerate(self.lesions.kept_forms()):
            for name, errors in form.errors.as_data().items():
                field = form.fields.get(name)
                if field is None:
                    continue  # the card's one non-field error is its courses', listed below under their name
                title = f"{lesion_title(position)} \u2014 {field.label}"
                items.append(_needed_item(f"{LESION_PREFIX}[{position}].{name}", title, errors))
            courses_name = f"{LESION_PREFIX}[{position}].{COURSES_KEY}"
            flagged = [*form.non_field_errors(), *form.courses.non_form_errors()]
            if flagged:
                title = f"{lesion_title(position)} \u2014 prior radiation courses"
                items.append({"field": courses_name, "label": title, "message": str(flagged[0])})
            for number, course in enumerate(form.courses.kept_forms()):
                for name, errors in course.errors.as_data().items():
                    name_in_file = f"{courses_name}[{number}].{name}"
                    items.append(_needed_item(name_in_file, course.fields[name].label, errors))
        if self._index_error:
            items.append({"field": INDEX_KEY, "label": "Index lesion", "message": self._index_error})
        for name, errors in self.prognosis_form.errors.as_data().items():
            # A prognosis input that is invalid or contradicts the case holds the pathway back too.
            items.append(
                {"field": name, "label": self.prognosis_form.fields[name].label, "message": errors[0].messages[0]}
            )
        return items

    def cards(self, *, quiet: int | None = None, quiet_course_on: int | None = None) -> list[dict[str, Any]]:
        """The lesion cards to draw: form, title, whether marked as index, and whether to hold back its errors.

        ``quiet_course_on`` is the card whose last prior course was just added: that entry's errors are held back.
        """
        marked = self.index_form_number() if self.is_bound else self._unbound_index()
        return [
            {
                "form": form,
                "number": number,
                "title": lesion_title(number),
                "is_index": number == marked,
                "quiet": number == quiet,
                "courses": [
                    {
                        "form": course,
                        "number": position + 1,
                        "quiet": number == quiet_course_on and position == len(form.courses.forms) - 1,
                    }
                    for position, course in enumerate(form.courses.forms)
                ],
                "can_add_course": len(form.courses.forms) < rules.MAX_COURSES,
            }
            for number, form in enumerate(self.lesions.forms)
        ]

    @staticmethod
    def empty_course() -> CourseForm:
        """The prior course static/js/courses.js copies to add one (it fills in the placeholders)."""
        return CourseForm(prefix=f"{LESION_PREFIX}-__lesion__-{COURSES_PREFIX}-__course__", where=COURSE_TEMPLATE_WHERE)

    def empty_card(self) -> dict[str, Any]:
        """The card static/js/lesions.js copies to add a lesion (``__prefix__`` and ``__num__`` filled in there)."""
        return {
            "form": self.lesions.empty_form,
            "number": "__prefix__",
            "title": "Lesion __num__",
            "is_index": False,
            "courses": [],
            "can_add_course": True,
        }

    def _unbound_index(self) -> int | None:
        try:
            return int(self.index_raw) if self.index_raw is not None else None
        except ValueError:
            return None

    def lesion_partials(self) -> list[dict[str, Any]]:
        """Per kept card: its position, level and grade as far as given, and the SINS components given."""
        out = []
        index = self.index_position()
        for position, form in enumerate(self.lesions.kept_forms()):
            out.append(
                {
                    "position": position,
                    "index": position == index,
                    "escc_grade": form._valid_choice("escc_grade"),
                    "components": form.given_sins_components(),
                }
            )
        return out


def _as_form_values(lesion: dict[str, Any]) -> dict[str, Any]:
    """A stored lesion as the values its card shows: yes/no as the form's "true"/"false"."""
    return {name: ("true" if v is True else "false" if v is False else v) for name, v in lesion.items()}


def _needed_item(field: str, label_text: Any, errors: list[forms.ValidationError]) -> dict[str, str]:
    required = all(e.code == "required" for e in errors)
    return {"field": field, "label": str(label_text), "message": "" if required else errors[0].messages[0]}


class PrognosisForm(forms.Form):
    """The optional prognosis inputs of clinical-rules.md section 1 (rule set 2027.1), same names and codes.

    Each may be absent. Contradictions that need the whole case (Frankel grade against motor status,
    vertebral metastases against the lesions, primary site against histology) are checked by the rules'
    ``CaseInput`` when ``AssessmentEntry`` maps the whole case, which reports them on the field here.
    """

    use_required_attribute = False

    karnofsky = WholeNumberField(
        label="Karnofsky performance status", unit="", required=False, min_value=10, max_value=100
    )
    extraspinal_bone_metastases = WholeNumberField(
        label="Bone metastases outside the spine", unit="metastases", required=False, min_value=0, max_value=99
    )
    vertebral_metastases = WholeNumberField(
        label="Vertebral bodies with metastases", unit="vertebral bodies", required=False, min_value=1, max_value=33
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The web page's "Prognosis" section: help text and Bootstrap classes; Karnofsky as
        # a list of its eleven steps, each with its meaning. Parsing is unchanged for case files.
        self.fields["karnofsky"].widget = forms.Select(choices=KARNOFSKY_CHOICES)
        for name, field in self.fields.items():
            field.help_text = PROGNOSIS_HELP_TEXTS.get(name, "")
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"

    def clean_karnofsky(self) -> int | None:
        value: int | None = self.cleaned_data["karnofsky"]
        if value is not None and value % 10:
            raise forms.ValidationError("Give the Karnofsky score as a multiple of 10 (10 to 100).")
        return value


KARNOFSKY_CHOICES = [("", "Not recorded"), *((str(kps), f"{kps}: {text}") for kps, text in KARNOFSKY_STEPS)]


def prognosis_contradiction(field: str, case_input: rules.CaseInput, values: dict[str, Any]) -> str:
    """The message for a prognosis input the rest of the case contradicts, naming the field and why."""
    histology = label(case_input.histology)
    if field == "frankel_grade":
        return (
            f"Frankel grade {values['frankel_grade']} does not fit the motor status "
            f"({label(case_input.motor_status).lower()}): A or B go with paraplegia, C with a patient who "
            "cannot walk, D or E with one who walks. Correct one of them."
        )
    if field == "vertebral_metastases":
        count = len(case_input.lesions)
        return (
            f"Vertebral bodies with metastases: {values['vertebral_metastases']} is fewer than the "
            f"{count} level{'s' if count != 1 else ''} assessed; each lesion counts as one."
        )
    if field == "primary_site":
        if case_input.histology in rules.SITE_BY_HISTOLOGY:
            return f"Primary site: leave it empty; the histology ({histology}) already gives the primary site."
        allowed = ", ".join(
            label(site) for site in rules.PrimarySite if site in rules.SITES_ALLOWED[case_input.histology]
        )
        return f"Primary site: not a site of {histology.lower()}; choose one of: {allowed}."
    if field == "primary_growth":
        return "Growth of the primary: leave it empty; the Tomita score fixes the growth of this primary site."
    return f"{field_label(field)}: does not fit the rest of the case."


def flat_choices(choices: Any) -> list[tuple[str, str]]:
    """Choices with option groups flattened to (code, label) pairs."""
    flat: list[tuple[str, str]] = []
    for code, text in choices:
        flat.extend(text if isinstance(text, list | tuple) else [(code, text)])
    return flat


class PatientForm(forms.ModelForm):
    """Who the patient is, the clinician's notes and the NICE time points.

    ``mrn``, ``patient_name``, ``date_of_birth`` and ``sex`` are the patient record's
    (``patients.services.patient_for_case`` finds or creates it); the rest is the case's.
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
        try:
            data = load_case_json(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not valid JSON: it is not UTF-8 text.") from None
        except CaseFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        if not isinstance(data, dict):
            raise forms.ValidationError("The file must hold one case: a JSON object.")
        return data


class SubmitToBoardForm(forms.Form):
    board_question = CleanCharField(
        label="Question for the board", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    meeting_date = forms.DateField(
        label="Board meeting date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CaseSearchForm(forms.Form):
    """The case list's search: a name or MRN, kept in the session (never in a URL)."""

    q = CleanCharField(
        label="Patient name or MRN", max_length=100, required=False, widget=forms.TextInput(attrs={"type": "search"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, auto_id="%s", **kwargs)
        self.fields["q"].widget.attrs["class"] = "form-control"
