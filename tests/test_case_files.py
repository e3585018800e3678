"""The case file carries the record around the inputs: the time walking was lost, the other times, the notes.

An import counts the hours since loss of ambulation again at its own time, so a file read days after
it was written never keeps a 48-hour alert that no longer holds (docs/case-file.md).
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
import time_machine
from django.urls import reverse

from assessments.cases.case_format import evaluate_case_object, validate_case
from assessments.models import Case
from tests.factories import ASSESSMENT, make_case

WRITTEN = datetime.datetime(2027, 3, 15, 9, 0, tzinfo=datetime.UTC)
LOST = WRITTEN - datetime.timedelta(hours=20)


def _signed_in(client, user):
    """The client signed in at the travelled-to time (a session from the real clock would have expired)."""
    client.force_login(user)
    return client


def _upload(data: dict) -> io.BytesIO:
    upload = io.BytesIO(json.dumps(data).encode())
    upload.name = "case.json"
    return upload


@pytest.fixture
def exported(alice, client):
    """A non-walking patient's case saved with notes and times, exported 20 hours after walking was lost."""
    with time_machine.travel(WRITTEN, tick=False):
        case = make_case(
            alice,
            patient={"clinical_notes": "Weak legs since last night; wife reports a fall."},
            motor_status="nonambulatory",
            hours_nonambulatory=20,
        )
        Case.objects.filter(pk=case.pk).update(mri_at=WRITTEN - datetime.timedelta(hours=2))
        response = _signed_in(client, alice).get(reverse("assessments:case_export", args=[case.pk]))
    return json.loads(response.content)


def test_export_carries_the_time_walking_was_lost_the_times_and_the_notes(exported):
    record = exported["record"]
    assert record["ambulation_lost_at"] == "2027-03-14T13:00:00+00:00"
    assert record["exported_at"] == "2027-03-15T09:00:00+00:00"
    assert record["evaluated_at"] == "2027-03-15T09:00:00+00:00"
    assert record["mri_at"] == "2027-03-15T07:00:00+00:00"
    assert record["clinical_notes"] == "Weak legs since last night; wife reports a fall."
    assert exported["hours_nonambulatory"] == 20  # as of record.exported_at


def test_export_counts_the_hours_to_the_moment_it_is_written(alice, client, exported):
    case = Case.objects.get()
    with time_machine.travel(WRITTEN + datetime.timedelta(days=2), tick=False):
        later = json.loads(_signed_in(client, alice).get(reverse("assessments:case_export", args=[case.pk])).content)
    assert later["hours_nonambulatory"] == 68
    assert later["record"]["exported_at"] == "2027-03-17T09:00:00+00:00"


def test_import_days_later_counts_the_hours_again_and_drops_the_48_hour_alert(alice, client, exported):
    with time_machine.travel(WRITTEN + datetime.timedelta(days=3), tick=False):
        response = _signed_in(client, alice).post(reverse("assessments:case_import"), {"file": _upload(exported)})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-alert="nonambulatory_over_48h"' in body
    assert 'data-alert="time_critical"' not in body
    assert "92 hours now; the file said 20 hours." in body
    assert "The file&#x27;s result was evaluated on 15/03/2027 at 09:00" in body
    # The recorded times and notes fill the new case's form.
    assert 'name="ambulation_lost_at" value="2027-03-14T13:00"' in body
    assert 'name="mri_at" value="2027-03-15T07:00"' in body
    assert "Weak legs since last night; wife reports a fall." in body


def test_a_file_without_the_time_says_its_hours_are_as_written(alice_client):
    data = {**ASSESSMENT, "motor_status": "nonambulatory", "hours_nonambulatory": 20}
    body = alice_client.post(reverse("assessments:case_import"), {"file": _upload(data)}).content.decode()
    assert "The file gives 20 hours since loss of ambulation" in body
    assert "enter that time so the hours are counted to now" in body


def test_the_exported_file_is_still_a_case_for_evaluate_case(exported):
    result = evaluate_case_object(exported)
    assert "errors" not in result
    assert "time_critical" in result["alerts"]  # as of the moment the file was written


@pytest.mark.parametrize(
    ("record", "key"),
    [
        ({"ambulation_lost_at": "yesterday"}, "record.ambulation_lost_at"),
        ({"mri_at": "2027-02-30T10:00:00+00:00"}, "record.mri_at"),
        ({"shoe_size": 9}, "record.shoe_size"),
        ({"clinical_notes": 12}, "record.clinical_notes"),
        ({"clinical_notes": "x" * 5001}, "record.clinical_notes"),
    ],
)
def test_a_bad_record_names_its_field(exported, record, key):
    _, errors = validate_case({**exported, "record": {**exported["record"], **record}})
    assert list(errors) == [key]


def test_a_record_that_is_not_an_object_is_named(exported):
    assert list(validate_case({**exported, "record": "notes"})[1]) == ["record"]


def test_hours_that_disagree_with_the_recorded_time_are_refused(exported):
    _, errors = validate_case({**exported, "hours_nonambulatory": 5})
    assert list(errors) == ["hours_nonambulatory"]
    assert "walking was lost 20 hours before the file was written" in errors["hours_nonambulatory"][0]


def test_the_record_is_optional(exported):
    without = {key: value for key, value in exported.items() if key != "record"}
    assert validate_case(without)[1] == {}
