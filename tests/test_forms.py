"""AssessmentEntry: the one validation path. Every field required; contradictions name the field."""

from __future__ import annotations

import pytest

from assessments import rules
from assessments.cases.case_format import validate_case
from assessments.cases.forms import PatientForm
from tests.factories import ASSESSMENT


def errors_for(**overrides):
    data = {**ASSESSMENT, **overrides}
    _, errors = validate_case(data)
    return errors


def test_valid_case_maps_to_rules_input():
    case, errors = validate_case(ASSESSMENT)
    assert errors == {}
    assert case.histology is rules.Histology.MELANOMA
    assert case.index_lesion.spinal_level is rules.SpinalLevel.T6
    assert case.hours_nonambulatory is None
    assert case.sbrt_available is True


@pytest.mark.parametrize("field", sorted(set(ASSESSMENT) - {"hours_nonambulatory", "other_radiosensitivity"}))
def test_every_field_is_required(field):
    data = {k: v for k, v in ASSESSMENT.items() if k != field}
    _, errors = validate_case(data)
    assert list(errors) == [field]
    assert len(errors[field]) == 1 and errors[field][0].endswith(": this is required.")


@pytest.mark.parametrize("field", ["hours_nonambulatory", "other_radiosensitivity"])
def test_nullable_fields_must_still_be_present_in_a_case_file(field):
    data = {k: v for k, v in ASSESSMENT.items() if k != field}
    _, errors = validate_case(data)
    assert "give null" in errors[field][0]


def test_other_histology_needs_its_radiosensitivity():
    assert list(errors_for(histology="other", other_radiosensitivity=None)) == ["other_radiosensitivity"]
    assert errors_for(histology="other", other_radiosensitivity="resistant") == {}


def test_radiosensitivity_must_be_empty_for_a_known_histology():
    errors = errors_for(histology="breast", other_radiosensitivity="resistant")
    assert list(errors) == ["other_radiosensitivity"]
    assert "Must be empty" in errors["other_radiosensitivity"][0]


def test_hours_nonambulatory_only_for_a_patient_who_cannot_walk():
    assert list(errors_for(motor_status="ambulatory", hours_nonambulatory=5)) == ["hours_nonambulatory"]
    assert errors_for(motor_status="paraplegic", hours_nonambulatory=5) == {}
    assert errors_for(motor_status="paraplegic", hours_nonambulatory=None) == {}


def test_progressing_deficit_needs_a_deficit():
    assert list(errors_for(neurologic_deficit=False, deficit_progressing=True)) == ["deficit_progressing"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("escc_grade", 2),  # a number is not the code "2"
        ("escc_grade", "4"),
        ("spinal_level", "T13"),
        ("neurologic_deficit", "yes"),
        ("neurologic_deficit", 1),
        ("hours_nonambulatory", 1.5),
        ("hours_nonambulatory", True),
        ("hours_nonambulatory", -1),
        ("sbrt_available", None),
        ("histology", ["breast"]),
    ],
)
def test_wrong_types_and_codes_are_named_errors(field, value):
    overrides = {field: value}
    if field == "hours_nonambulatory":
        overrides["motor_status"] = "nonambulatory"
    errors = errors_for(**overrides)
    assert field in errors
    assert errors[field][0]


def test_invalid_code_message_lists_the_valid_codes():
    message = errors_for(escc_grade="4")["escc_grade"][0]
    assert "0, 1a, 1b, 1c, 2, 3" in message


def test_unknown_keys_are_errors():
    _, errors = validate_case({**ASSESSMENT, "Histology": "breast"})
    assert errors == {"Histology": ["Unknown field: the case format has no such key."]}


def test_a_non_object_case_is_an_error():
    _, errors = validate_case(["not", "a", "case"])
    assert "__all__" in errors


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Smith\u202eevil", "Remove the invisible or control character (U+202E) from this text."),
        ("zero\u200bwidth", "Remove the invisible or control character (U+200B) from this text."),
        ("bell\x07here", "Remove the invisible or control character (U+0007) from this text."),
        ("line\x00break", "Null characters are not allowed."),  # Django's own check, as well as ours
    ],
)
def test_hidden_characters_are_rejected_in_patient_fields(text, message):
    form = PatientForm(data={"mrn": "H1", "patient_name": text, "date_of_birth": "1960-01-01", "sex": "male"})
    assert form.errors["patient_name"][0] == message


def test_notes_keep_newlines_and_html_as_text():
    notes = "Line one\nLine two <b>bold</b>"
    form = PatientForm(
        data={"mrn": "H1", "patient_name": "A B", "date_of_birth": "1960-01-01", "sex": "male", "clinical_notes": notes}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["clinical_notes"] == notes


def test_date_of_birth_cannot_be_in_the_future():
    form = PatientForm(data={"mrn": "H1", "patient_name": "A", "date_of_birth": "2999-01-01", "sex": "male"})
    assert "future" in form.errors["date_of_birth"][0]


def test_patient_text_fields_have_maximum_lengths():
    form = PatientForm(
        data={
            "mrn": "H" * 21,
            "patient_name": "A" * 201,
            "date_of_birth": "1960-01-01",
            "sex": "male",
            "clinical_notes": "x" * 5001,
        }
    )
    assert not form.is_valid()
    assert set(form.errors) == {"mrn", "patient_name", "clinical_notes"}


# --- Nothing cut off, dates plausible ------------------------------------


def _patient(**overrides):
    from assessments.cases.forms import PatientForm

    data = {"mrn": "H1", "patient_name": "Ann", "date_of_birth": "1960-05-17", "sex": "female", **overrides}
    return PatientForm(data)


def test_text_limits_are_counters_not_browser_truncation():
    from assessments.cases.forms import PatientForm

    html = str(PatientForm()["mrn"]) + str(PatientForm()["clinical_notes"])
    assert " maxlength=" not in html
    assert 'data-maxlength="20"' in html and 'data-maxlength="5000"' in html


def test_over_long_text_is_refused_naming_the_field():
    form = _patient(mrn="H" * 25)
    assert not form.is_valid()
    assert form.errors["mrn"] == [
        "Hospital number (MRN): at most 20 characters, this has 25. Shorten it; nothing was cut off."
    ]


def test_board_text_limits_are_counters_too():
    from board.case_forms import CommentForm

    assert " maxlength=" not in str(CommentForm()["text"])
    form = CommentForm({"text": "x" * 5001})
    assert not form.is_valid() and form.errors["text"][0].startswith("Comment: at most 5000 characters")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date_of_birth": "1899-12-31"}, "date_of_birth", "before 1900"),
        ({"treatment_start_at": "2999-01-01T10:00"}, "treatment_start_at", "in the future"),
        ({"mri_at": "2999-01-01T10:00"}, "mri_at", "MRI: this time is in the future"),
        ({"symptom_onset_at": "1950-01-01T10:00"}, "symptom_onset_at", "before the date of birth"),
    ],
)
def test_implausible_dates_are_refused_with_named_messages(overrides, field, message):
    form = _patient(**overrides)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_signed_decision_cannot_be_dated_after_today():
    import datetime

    from board.case_forms import DecisionForm

    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    form = DecisionForm(
        {"pathway_code": "cebrt", "attendees": "A", "meeting_date": tomorrow},
        recommended_code="cebrt",
    )
    assert not form.is_valid()
    assert "cannot be dated after today" in form.errors["meeting_date"][0]


def test_treatment_start_cannot_precede_the_boards_decision():
    from django.utils import timezone

    from board.case_forms import TreatmentStartForm

    decided = timezone.now() - timezone.timedelta(hours=2)
    before = timezone.localtime(decided - timezone.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    form = TreatmentStartForm({"treatment_start_at": before}, decided_at=decided)
    assert not form.is_valid()
    assert "before the board's decision" in form.errors["treatment_start_at"][0]


# --- The lesion cards (AssessmentEntry = CaseFieldsForm + LesionFormSet + the index) ---------


def _entry_data(levels, index="0", **extra):
    from assessments.cases.case_format import to_form_data

    lesion = {name: ASSESSMENT[name] for name in rules.LESION_FIELDS}
    case = {**ASSESSMENT, "lesions": [{**lesion, "spinal_level": level, "index": False} for level in levels]}
    data = to_form_data(case)
    data.pop("lesions-index", None)
    if index is not None:
        data["lesions-index"] = index
    return {**data, **extra}


def test_entry_maps_every_card_in_order_with_the_marked_index():
    from assessments.cases.forms import AssessmentEntry

    entry = AssessmentEntry(_entry_data(["T7", "T8", "L3"], index="1"))
    assert entry.is_valid(), entry.needed()
    case_input = entry.to_case_input()
    assert [lesion.spinal_level.value for lesion in case_input.lesions] == ["T7", "T8", "L3"]
    assert case_input.index_lesion.spinal_level == rules.SpinalLevel("T8")


def test_entry_skips_a_removed_card_and_the_index_follows_its_card():
    from assessments.cases.forms import AssessmentEntry
    from assessments.cases.posted import posted_entries

    data = _entry_data(["T7", "T8", "L3"], index="2", **{"lesions-0-DELETE": "on"})
    entry = AssessmentEntry(data)
    assert entry.is_valid(), entry.needed()
    assert [lesion.spinal_level.value for lesion in entry.to_case_input().lesions] == ["T8", "L3"]
    compact = posted_entries(data)
    assert compact["lesions-TOTAL_FORMS"] == "2" and compact["lesions-index"] == "1"
    assert compact["lesions-0-spinal_level"] == "T8" and "lesions-2-spinal_level" not in compact


def test_one_card_is_the_index_without_being_marked_but_several_need_the_mark():
    from assessments.cases.forms import AssessmentEntry

    assert AssessmentEntry(_entry_data(["T7"], index=None)).is_valid()
    several = AssessmentEntry(_entry_data(["T7", "L3"], index=None))
    assert not several.is_valid()
    assert [item["field"] for item in several.needed()] == ["lesions-index"]


def test_an_empty_added_card_is_still_needed_never_skipped():
    from assessments.cases.forms import AssessmentEntry

    data = _entry_data(["T7"], **{"lesions-TOTAL_FORMS": "2"})
    entry = AssessmentEntry(data)
    assert not entry.is_valid()
    assert "lesions[1].spinal_level" in [item["field"] for item in entry.needed()]


def test_a_repeated_level_names_the_later_card():
    from assessments.cases.forms import AssessmentEntry

    entry = AssessmentEntry(_entry_data(["T7", "L3", "T7"]))
    assert not entry.is_valid()
    (item,) = [item for item in entry.needed() if item["field"] == "lesions[2].spinal_level"]
    assert item["label"] == "Lesion 3 \u2014 Spinal level"
    assert item["message"].startswith("Lesion 3 \u2014 spinal level: T7 is already Lesion 1")


def test_a_case_file_is_refused_in_the_words_of_the_page():
    """The import, evaluate_case and the page share one validation path, so one contradiction has one message."""
    from assessments.cases.forms import AssessmentEntry

    lesion = {name: ASSESSMENT[name] for name in rules.LESION_FIELDS}
    case = {
        **{k: v for k, v in ASSESSMENT.items() if k not in lesion},
        "lesions": [{**lesion, "index": True}, {**lesion, "index": False}],
        "frankel_grade": "A",
    }
    _, file_errors = validate_case(case)
    page = AssessmentEntry(_entry_data(["T6", "T6"], frankel_grade="A"))
    assert not page.is_valid()
    assert file_errors["lesions[1].spinal_level"] == page.error_messages()["lesions[1].spinal_level"]
    _, file_errors = validate_case({**case, "lesions": [{**lesion, "index": True}]})
    page = AssessmentEntry(_entry_data(["T6"], frankel_grade="A"))
    assert not page.is_valid()
    assert file_errors["frankel_grade"] == page.error_messages()["frankel_grade"]
    assert file_errors["frankel_grade"][0].startswith("Frankel grade A does not fit the motor status")


@pytest.mark.parametrize(
    ("form_class", "name", "typed", "message"),
    [
        ("CaseFieldsForm", "hours_nonambulatory", "3e",
         'Hours since loss of ambulation: "3e" is not a whole number. '
         "Give a whole number from 0 to 43800 hours (5 years)."),
        ("CaseFieldsForm", "hours_nonambulatory", "1O",
         'Hours since loss of ambulation: "1O" is not a whole number. '
         "Give a whole number from 0 to 43800 hours (5 years)."),
        ("CaseFieldsForm", "hours_nonambulatory", "1.5",
         'Hours since loss of ambulation: "1.5" is not a whole number. '
         "Give a whole number from 0 to 43800 hours (5 years)."),
        ("CaseFieldsForm", "hours_nonambulatory", "43801",
         "Hours since loss of ambulation: 43801 is out of range. Give a whole number from 0 to 43800 hours (5 years)."),
        ("PrognosisForm", "vertebral_metastases", "0",
         "Vertebral bodies with metastases: 0 is out of range. Give a whole number from 1 to 33 vertebral bodies."),
        ("PrognosisForm", "extraspinal_bone_metastases", "-1",
         "Bone metastases outside the spine: -1 is out of range. Give a whole number from 0 to 99 metastases."),
        ("AgendaAddForm", "case", "",
         "Add to agenda: the case sent is not one the search offered; find the case again."),
        ("AgendaAddForm", "case", "x",
         "Add to agenda: the case sent is not one the search offered; find the case again."),
    ],
)  # fmt: skip
def test_a_number_refusal_names_the_field_the_range_and_the_unit(form_class, name, typed, message):
    from assessments.cases import forms as case_forms
    from board import forms as board_forms

    form = (getattr(case_forms, form_class, None) or getattr(board_forms, form_class))(data={name: typed})
    form.is_valid()
    assert form.errors[name] == [message]


def test_a_number_in_a_case_file_is_taken_only_as_a_json_whole_number():
    from assessments.cases.forms import CaseFieldsForm

    for value, ok in ((12, True), ("12", True), (True, False), (12.0, False)):
        form = CaseFieldsForm(data={"hours_nonambulatory": value})
        form.is_valid()
        assert ("hours_nonambulatory" not in form.errors) is ok, value
