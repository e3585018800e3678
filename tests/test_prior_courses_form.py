"""A lesion's prior radiation courses on the case form (spec 1, "Prior radiation entry"): parsed, named, kept.

The JavaScript-off path (the course formset inside each card: "Add a prior course", "Remove this course") is
driven here with the test client; tests/browser/test_prior_courses.py drives the same page in Chromium.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.cases.forms import AssessmentEntry, CourseForm
from assessments.models import Case, WorkingCopy
from tests.factories import form_post, lesion, make_case

HX = {"HX-Request": "true"}
ONE_COURSE = {"technique": "cebrt", "total_dose_gy": 30, "fractions": 10, "end_date": "2026-03-02"}
IRRADIATED = {"prior_radiation_in_field": "true"}


def course_post(courses: list[dict], *, flagged: bool = True, **overrides) -> dict[str, str]:
    """The case form's POST with one lesion (T6) carrying ``courses``."""
    card = lesion("T6", index=True, prior_radiation_in_field=flagged, prior_radiation_courses=courses)
    return form_post(lesions=[card], **overrides)


def course_form(position: int = 0, **values) -> CourseForm:
    data = {f"c-{name}": str(value) for name, value in {**ONE_COURSE, **values}.items() if value is not None}
    return CourseForm(data, prefix="c", where="Lesion 2, prior course 1", position=position)


# --- Parsing: exact, and every refusal names its box ----------------------------------------------


def test_a_decimal_dose_is_kept_exactly_as_typed():
    form = course_form(total_dose_gy="30.12", cord_max_dose_gy="0.05")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["total_dose_gy"] == Decimal("30.12")
    assert form.to_json()["total_dose_gy"] == 30.12 and form.to_json()["cord_max_dose_gy"] == 0.05


@pytest.mark.parametrize(
    ("field", "typed", "words"),
    [
        ("total_dose_gy", "30.125", "Lesion 2, prior course 1, total dose: 30.125 has more than 2 decimals"),
        ("total_dose_gy", "3e", 'Lesion 2, prior course 1, total dose: "3e" is not a number'),
        ("total_dose_gy", "30,5", 'Lesion 2, prior course 1, total dose: "30,5" is not a number'),
        ("total_dose_gy", "0", "Lesion 2, prior course 1, total dose: 0 is out of range"),
        ("total_dose_gy", "80.01", "Lesion 2, prior course 1, total dose: 80.01 is out of range"),
        ("cord_max_dose_gy", "-1", 'Lesion 2, prior course 1, cord maximum dose: "-1" is not a number'),
        ("fractions", "10.5", 'Lesion 2, prior course 1, fractions: "10.5" is not a whole number'),
        ("fractions", "41", "Lesion 2, prior course 1, fractions: 41 is out of range"),
        ("end_date", "2026-02-30", 'Lesion 2, prior course 1, end date: "2026-02-30" is not a date in the calendar'),
        ("end_date", "2026-13", 'Lesion 2, prior course 1, end date: "2026-13" is not a date in the calendar'),
        ("end_date", "15/09/2026", 'Lesion 2, prior course 1, end date: "15/09/2026" is not a date'),
        ("technique", "imrt", "imrt is not a valid choice"),
    ],
)
def test_a_refusal_names_the_lesion_the_course_and_the_box(field, typed, words):
    form = course_form(**{field: typed})
    assert not form.is_valid()
    assert form.errors[field][0].startswith(words), form.errors[field]


def test_every_required_box_left_empty_is_named():
    form = CourseForm({}, prefix="c", where="Lesion 1, prior course 3", position=2)
    assert not form.is_valid()
    for field in ("technique", "total_dose_gy", "fractions", "end_date"):
        assert form.errors[field][0].startswith(f"Lesion 1, prior course 3, {field.split('_')[0]}"), form.errors
    assert "cord_max_dose_gy" not in form.errors and "same_course_as_previous" not in form.errors


def test_a_month_only_end_date_is_kept_as_the_month():
    form = course_form(end_date="2026-03")
    assert form.is_valid(), form.errors
    assert form.to_json()["end_date"] == "2026-03"


def test_an_end_after_today_is_refused_and_this_month_is_not():
    today = timezone.localdate()
    next_month = (today.replace(day=28) + datetime.timedelta(days=5)).strftime("%Y-%m")
    assert course_form(end_date=today.strftime("%Y-%m")).is_valid()
    form = course_form(end_date=next_month)
    assert not form.is_valid()
    assert form.errors["end_date"][0].startswith(f"Lesion 2, prior course 1, end date: {next_month} is after today")


def test_sbrt_in_six_fractions_is_refused_naming_the_fractions():
    form = course_form(technique="sbrt", fractions="6")
    assert not form.is_valid()
    assert form.errors["fractions"][0].startswith("Lesion 2, prior course 1, fractions: SBRT is given in 1 to 5")
    assert course_form(technique="sbrt", fractions="5").is_valid()


def test_a_further_phase_needs_an_entry_above_it():
    assert not course_form(position=0, same_course_as_previous="on").is_valid()
    assert course_form(position=1, same_course_as_previous="on").is_valid()


# --- The flag and the courses (spec 1) ------------------------------------------------------------


def test_courses_with_prior_radiation_no_are_refused_naming_the_lesions_courses(alice_client):
    data = course_post([ONE_COURSE], flagged=False, action="save")
    entry = AssessmentEntry(data)
    assert not entry.is_valid()
    assert list(entry.error_messages()) == ["lesions[0].prior_radiation_courses"]
    response = alice_client.post(reverse("assessments:case_create"), data)
    assert response.status_code == 422 and Case.objects.count() == 0
    body = response.content.decode()
    assert 'data-field-error="lesions[0].prior_radiation_courses"' in body
    assert "recorded while &#x27;Prior radiation to this level&#x27; is No" in body
    assert 'data-missing="lesions[0].prior_radiation_courses"' in body
    assert re.search(r'name="lesions-0-prior_radiation_courses-0-total_dose_gy"[^>]*value="30"', body), (
        "the course is kept"
    )


def test_prior_radiation_yes_with_no_course_is_valid_and_the_budget_is_unknown(alice_client):
    data = course_post([], action="save")
    response = alice_client.post(reverse("assessments:case_create"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert "prior_radiation_courses" not in case.lesions[0]
    assert case.result["lesions"][0]["reirradiation"]["status"] == "unknown"
    assert "reirradiation_budget_unknown" in case.result["alerts"]


def test_the_card_says_what_no_course_means(alice_client):
    body = alice_client.get(reverse("assessments:case_create")).content.decode()
    assert "No course recorded. With prior radiation to this level, the cord dose budget is then unknown" in body
    assert 'value="add_course-0"' in body and 'id="course-template"' in body


# --- Adding and removing without JavaScript -------------------------------------------------------


def test_add_a_course_without_javascript_adds_an_empty_entry_and_keeps_every_entry(alice_client):
    data = course_post([ONE_COURSE], action="add_course-0", patient_name="Kept Name")
    response = alice_client.post(reverse("assessments:case_create"), data)
    body = response.content.decode()
    assert Case.objects.count() == 0, "adding a course never saves"
    assert 'name="lesions-0-prior_radiation_courses-TOTAL_FORMS" value="2"' in body
    assert 'value="Kept Name"' in body
    assert re.search(r'name="lesions-0-prior_radiation_courses-0-total_dose_gy"[^>]*value="30"', body)
    assert 'name="lesions-0-prior_radiation_courses-1-total_dose_gy"' in body
    # The new entry is not marked red before anything was typed, and the panel names what it needs.
    assert 'id="id_lesions-0-prior_radiation_courses-1-total_dose_gy_error"' not in body
    assert 'data-missing="lesions[0].prior_radiation_courses[1].total_dose_gy"' in body


def test_add_a_course_on_the_second_card_and_up_to_five(alice_client):
    cards = [lesion("T6", index=True), lesion("L2", prior_radiation_in_field=True)]
    data = form_post(lesions=cards, action="add_course-1")
    body = alice_client.post(reverse("assessments:case_create"), data).content.decode()
    assert 'name="lesions-0-prior_radiation_courses-TOTAL_FORMS" value="0"' in body
    assert 'name="lesions-1-prior_radiation_courses-TOTAL_FORMS" value="1"' in body
    full = course_post([ONE_COURSE] * 5, action="add_course-0")
    body = alice_client.post(reverse("assessments:case_create"), full).content.decode()
    assert 'name="lesions-0-prior_radiation_courses-TOTAL_FORMS" value="5"' in body
    assert "5 entries is the most one level holds." in body


@pytest.mark.parametrize("action", ["add_course-", "add_course-x", "add_course-99", "add_course-__prefix__"])
def test_a_malformed_add_a_course_previews_and_never_saves(alice_client, action):
    response = alice_client.post(reverse("assessments:case_create"), course_post([ONE_COURSE], action=action))
    assert response.status_code == 200 and Case.objects.count() == 0


def test_remove_a_course_without_javascript_draws_the_card_without_it(alice_client):
    second = {**ONE_COURSE, "total_dose_gy": 20, "fractions": 5, "end_date": "2026-06"}
    data = course_post([ONE_COURSE, second], action="preview", **{"lesions-0-prior_radiation_courses-0-DELETE": "on"})
    body = alice_client.post(reverse("assessments:case_create"), data).content.decode()
    assert 'name="lesions-0-prior_radiation_courses-TOTAL_FORMS" value="1"' in body
    assert re.search(r'name="lesions-0-prior_radiation_courses-0-total_dose_gy"[^>]*value="20"', body), "renumbered"
    assert "lesions-0-prior_radiation_courses-1-" not in body.split('id="course-template"')[0]


def test_removing_a_card_moves_the_courses_of_the_cards_after_it(alice_client):
    cards = [
        lesion("T6", index=True),
        lesion("T9"),
        lesion("L2", prior_radiation_in_field=True, prior_radiation_courses=[ONE_COURSE]),
    ]
    data = form_post(lesions=cards, action="save", **{"lesions-1-DELETE": "on"})
    assert alice_client.post(reverse("assessments:case_create"), data).status_code == 302
    case = Case.objects.get()
    assert [entry["spinal_level"] for entry in case.lesions] == ["T6", "L2"]
    assert case.lesions[1]["prior_radiation_courses"] == [ONE_COURSE]


# --- Saved, evaluated, shown again ----------------------------------------------------------------


def test_a_save_stores_the_courses_exactly_and_evaluates_them(alice_client):
    phases = [
        {"technique": "cebrt", "total_dose_gy": 40, "fractions": 20, "end_date": "2026-04-10"},
        {"technique": "cebrt", "total_dose_gy": 10, "fractions": 5, "end_date": "2026-04", "same_course_as_previous": True},
        {"technique": "sbrt", "total_dose_gy": 24.5, "fractions": 2, "end_date": "2026-09-01", "cord_max_dose_gy": 13.99},
    ]  # fmt: skip
    response = alice_client.post(reverse("assessments:case_create"), course_post(phases, action="save"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.lesions[0]["prior_radiation_courses"] == phases
    budget = case.result["lesions"][0]["reirradiation"]
    assert budget["status"] == "no_validated_limit" and len(budget["courses"]) == 2
    assert budget["courses"][0]["bed"] == 100.0
    body = alice_client.get(reverse("assessments:case_edit", args=[case.pk])).content.decode()
    assert 'name="lesions-0-prior_radiation_courses-TOTAL_FORMS" value="3"' in body
    assert re.search(r'name="lesions-0-prior_radiation_courses-2-total_dose_gy"[^>]*value="24.5"', body)
    assert re.search(r'name="lesions-0-prior_radiation_courses-2-cord_max_dose_gy"[^>]*value="13.99"', body)
    assert re.search(r'name="lesions-0-prior_radiation_courses-1-end_date"[^>]*value="2026-04"', body)
    assert re.search(r'name="lesions-0-prior_radiation_courses-1-same_course_as_previous"[^>]*checked', body)
    assert re.search(r'name="lesions-0-prior_radiation_courses-2-technique" value="sbrt"[^>]*checked', body)


def test_an_edit_saved_unchanged_keeps_the_courses(alice_client, alice):
    case = make_case(
        alice, lesions=[{"index": True, "prior_radiation_in_field": True, "prior_radiation_courses": [ONE_COURSE]}]
    )
    page = alice_client.get(reverse("assessments:case_edit", args=[case.pk])).content.decode()
    data = course_post([ONE_COURSE], action="save", version=str(case.version))
    assert 'name="lesions-0-prior_radiation_courses-TOTAL_FORMS" value="1"' in page
    assert alice_client.post(reverse("assessments:case_edit", args=[case.pk]), data).status_code == 302
    case.refresh_from_db()
    assert case.version == 2 and case.lesions[0]["prior_radiation_courses"] == [ONE_COURSE]


def test_a_bad_dose_on_the_second_lesion_is_refused_naming_it(alice_client):
    cards = [
        lesion("T6", index=True),
        lesion(
            "L2", prior_radiation_in_field=True, prior_radiation_courses=[{**ONE_COURSE, "total_dose_gy": "30.125"}]
        ),
    ]
    response = alice_client.post(reverse("assessments:case_create"), form_post(lesions=cards, action="save"))
    body = response.content.decode()
    assert response.status_code == 422 and Case.objects.count() == 0
    assert "Lesion 2, prior course 1, total dose: 30.125 has more than 2 decimals" in body
    assert 'data-missing="lesions[1].prior_radiation_courses[0].total_dose_gy"' in body
    assert re.search(r'name="lesions-1-prior_radiation_courses-0-total_dose_gy"[^>]*value="30.125"', body), (
        "kept as typed"
    )
    assert AssessmentEntry(form_post(lesions=cards)).error_messages().keys() == {
        "lesions[1].prior_radiation_courses[0].total_dose_gy"
    }


def test_the_live_update_evaluates_the_courses(alice_client):
    url = reverse("assessments:case_create")
    unknown = alice_client.post(url, course_post([]), headers=HX).content.decode()
    assert "Re-irradiation: earlier courses not recorded" in unknown
    recorded = alice_client.post(url, course_post([ONE_COURSE]), headers=HX).content.decode()
    assert "Re-irradiation: earlier courses not recorded" not in recorded
    assert 'data-rule-set="2027.2"' in recorded


# --- Working copy, files, re-evaluation -----------------------------------------------------------


def test_the_working_copy_brings_the_courses_back(alice_client, alice):
    data = course_post([{**ONE_COURSE, "total_dose_gy": "30.12", "end_date": "2026-03"}])
    assert alice_client.post(reverse("assessments:working_copy_new"), data).status_code == 200
    assert WorkingCopy.objects.filter(user=alice).exists()
    body = alice_client.get(reverse("assessments:case_create")).content.decode()
    assert 'id="working-copy-restored"' in body
    assert re.search(r'name="lesions-0-prior_radiation_courses-0-total_dose_gy"[^>]*value="30.12"', body)
    assert re.search(r'name="lesions-0-prior_radiation_courses-0-end_date"[^>]*value="2026-03"', body)


def test_export_then_import_brings_the_courses_back_into_the_form(alice_client, alice):
    courses = [{**ONE_COURSE, "total_dose_gy": 30.12, "end_date": "2026-03"}, {**ONE_COURSE, "end_date": "2026-05-01"}]
    case = make_case(
        alice, lesions=[{"index": True, "prior_radiation_in_field": True, "prior_radiation_courses": courses}]
    )
    exported = json.loads(alice_client.get(reverse("assessments:case_export", args=[case.pk])).content)
    assert exported["lesions"][0]["prior_radiation_courses"] == courses
    upload = io.BytesIO(json.dumps(exported).encode())
    upload.name = "case.json"
    body = alice_client.post(reverse("assessments:case_import"), {"file": upload}).content.decode()
    assert 'name="lesions-0-prior_radiation_courses-TOTAL_FORMS" value="2"' in body
    assert re.search(r'name="lesions-0-prior_radiation_courses-0-total_dose_gy"[^>]*value="30.12"', body)
    assert re.search(r'name="lesions-0-prior_radiation_courses-1-end_date"[^>]*value="2026-05-01"', body)


def test_an_imported_file_with_courses_saves_them_as_the_page_posts_them(alice_client):
    from django.conf import settings

    from assessments.cases.case_format import to_form_data

    example = settings.BASE_DIR.parent / "shared" / "spec" / "examples-2027.2" / "ex01-one-course.json"
    case = json.loads(example.read_text())["case"]
    upload = io.BytesIO(json.dumps(case).encode())
    upload.name = "case.json"
    assert alice_client.post(reverse("assessments:case_import"), {"file": upload}).status_code == 200
    posted = {**form_post(), **to_form_data(case), "action": "save"}
    assert alice_client.post(reverse("assessments:case_create"), posted).status_code == 302
    assert Case.objects.get().lesions[0]["prior_radiation_courses"] == case["lesions"][0]["prior_radiation_courses"]


def test_re_evaluating_a_2027_1_case_with_courses_shows_the_differences_and_saves_only_on_confirm(alice_client, alice):
    case = make_case(
        alice,
        escc_grade="1b",
        stability_assessment="stable",
        lesions=[{"index": True, "prior_radiation_in_field": True, "prior_radiation_courses": [ONE_COURSE]}],
    )
    result = dict(case.result)
    result["rule_set"] = "2027.1"
    del result["evaluation_date"]
    result["lesions"] = [{k: v for k, v in item.items() if k != "reirradiation"} for item in result["lesions"]]
    result["alerts"] = [a for a in result["alerts"] if not a.startswith(("reirradiation_", "cord_budget"))]
    result["alert_details"] = [a for a in result["alert_details"] if a["code"] in result["alerts"]]
    result["rationale"] = [item for item in result["rationale"] if item["topic"] in ("pathway",)]
    Case.objects.filter(pk=case.pk).update(rule_set="2027.1", result=result)
    url = reverse("assessments:case_reevaluate", args=[case.pk])
    body = alice_client.get(url).content.decode()
    assert "data-alert-added=" in body or "data-change=" in body
    case.refresh_from_db()
    assert case.rule_set == "2027.1"
    assert alice_client.post(url, {"version": str(case.version)}).status_code == 302
    case.refresh_from_db()
    assert case.rule_set == "2027.2"
    assert case.lesions[0]["prior_radiation_courses"] == [ONE_COURSE]
    assert case.result["lesions"][0]["reirradiation"]["status"] == "limits_apply"


def test_case_page_lists_each_saved_course_in_the_forms_words(alice_client, alice):
    phase = {"technique": "sbrt", "total_dose_gy": 8, "fractions": 1, "end_date": "2026-04", "cord_max_dose_gy": 7.5,
             "same_course_as_previous": True}  # fmt: skip
    case = make_case(
        alice,
        lesions=[{"index": True, "prior_radiation_in_field": True, "prior_radiation_courses": [ONE_COURSE, phase]}],
    )
    body = alice_client.get(case.get_absolute_url()).content.decode()
    assert re.search(r'data-input="lesions\[0\]\.prior_radiation_courses\[0\]">cEBRT[^<]*, 30 Gy in 10 fractions, '
                     r"ended 2026-03-02</dd>", body)  # fmt: skip
    assert re.search(r'data-input="lesions\[0\]\.prior_radiation_courses\[1\]">SBRT[^<]*, 8 Gy in 1 fraction, ended '
                     r"2026-04, cord maximum 7.5 Gy, a further phase of the course above</dd>", body)  # fmt: skip


def test_a_stale_save_names_the_courses_that_differ_from_the_newer_version(alice_client, alice):
    case = make_case(
        alice, lesions=[{"index": True, "prior_radiation_in_field": True, "prior_radiation_courses": [ONE_COURSE]}]
    )
    first = case.version
    newer = course_post([{**ONE_COURSE, "total_dose_gy": 36}], action="save", version=str(first))
    assert alice_client.post(reverse("assessments:case_edit", args=[case.pk]), newer).status_code == 302
    mine = course_post([ONE_COURSE, {**ONE_COURSE, "end_date": "2026-06"}], action="save", version=str(first))
    response = alice_client.post(reverse("assessments:case_edit", args=[case.pk]), mine)
    body = response.content.decode()
    assert response.status_code == 409
    row = re.search(r"<tr><th scope=\"row\">Lesion 1 \u2014 Prior radiation courses</th>(.*?)</tr>", body, re.S)
    assert row is not None, "the courses are compared"
    assert "2. cEBRT" in row.group(1) and "36 Gy in 10 fractions" in row.group(1)
