"""Random input to every form and HTMX endpoint: never a 500, never a case stored from invalid input.

Hypothesis mutates a valid case form (dropping, replacing and adding fields with unicode, control
characters, huge strings and wrong types) and posts it. The test client re-raises any exception a view
raises, so a would-be 500 fails the test. Examples per endpoint: FUZZ_EXAMPLES (default 600).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import os

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.cases.case_format import validate_case
from assessments.cases.forms import AssessmentEntry, PatientForm
from assessments.cases.posted import posted_entries
from assessments.models import Case
from board import services as board_services
from tests.conftest import make_user
from tests.factories import form_post, make_case

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "600"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\u202e",
            "<script>alert(1)</script>",
            "true",
            "false",
            "-1",
            "1e9",
            "2",
            "3",
            "T6",
            "other",
            "null",
            "9" * 30,
            "9" * 5000,
            "-" + "1" * 4400,
            "é" * 300,
        ]
    ),
    st.integers(min_value=-10, max_value=10**6).map(str),
    st.builds(lambda n: "x" * n, st.integers(min_value=200, max_value=20_000)),
)
BASE = form_post()
FIELDS = [*sorted(BASE), "version", "action", "ambulation_lost_at", "mri_at", "unexpected"]


@st.composite
def mutated_forms(draw):
    data = dict(BASE) if draw(st.booleans()) else {}
    for field in draw(st.lists(st.sampled_from(FIELDS), max_size=8)):
        if draw(st.integers(0, 4)) == 0:
            data.pop(field, None)
        else:
            data[field] = draw(nasty_text)
    for _ in range(draw(st.integers(0, 2))):
        data[draw(st.text(min_size=1, max_size=12))] = draw(nasty_text)
    return data


@contextlib.contextmanager
def rolled_back():
    """Each example starts from the fixture's state: what one example changed is undone before the next."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def is_valid_case(data) -> bool:
    patient = PatientForm(data)
    lost = patient.cleaned_data.get("ambulation_lost_at") if patient.is_valid() else None
    entry = AssessmentEntry(posted_entries(data), ambulation_lost_at=lost)
    return patient.is_valid() and entry.is_valid()


@pytest.fixture
def fuzz_client(db):
    user = make_user("fuzzer", "Clinician")
    client = Client()
    client.force_login(user)
    return client, user


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_random_posts_to_case_create_never_500_and_never_store_invalid(fuzz_client, htmx):
    client, _ = fuzz_client
    headers = {"HX-Request": "true"} if htmx else {}

    @FUZZ
    @given(mutated_forms())
    def check(data):
        with rolled_back():
            before = Case.objects.count()
            response = client.post("/cases/new/", data, headers=headers)
            assert response.status_code in {200, 302, 400, 422}, response.status_code
            stored = Case.objects.count() - before
            if stored:
                assert response.status_code == 302 and not htmx
                assert is_valid_case(data), "a case was stored from invalid input"

    check()


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_random_posts_to_case_edit_never_500_and_never_store_invalid(fuzz_client, htmx):
    client, user = fuzz_client
    case = make_case(user)
    headers = {"HX-Request": "true"} if htmx else {}

    @FUZZ
    @given(mutated_forms())
    def check(data):
        with rolled_back():
            version = Case.objects.get(pk=case.pk).version
            response = client.post(f"/cases/{case.pk}/edit/", data, headers=headers)
            assert response.status_code in {200, 302, 400, 409, 422}, response.status_code
            if Case.objects.get(pk=case.pk).version != version:
                assert response.status_code == 302 and not htmx
                assert is_valid_case(data), "a version was stored from invalid input"

    check()


def nested(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


case_documents = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(str.encode),
    st.integers(min_value=21, max_value=20_000).map(nested),
    st.builds(lambda depth: ('{"id": ' * depth + "1" + "}" * depth).encode(), st.integers(21, 5000)),
    st.dictionaries(st.sampled_from([*FIELDS, "id"]), st.one_of(nasty_text, st.integers(), st.none()), max_size=6).map(
        lambda d: json.dumps(d).encode()
    ),
    st.builds(
        lambda field, digits: f'{{"{field}": {"9" * digits}}}'.encode(),
        st.sampled_from(["id", "sins_total", "hours_nonambulatory", "age"]),
        st.integers(min_value=21, max_value=9000),
    ),
)


def test_random_case_files_to_import_never_500(fuzz_client):
    """Import shows the case form only for a valid case file; anything else is 422 with its reason."""
    client, _ = fuzz_client

    @FUZZ
    @given(case_documents)
    def check(content):
        with rolled_back():
            upload = io.BytesIO(content)
            upload.name = "case.json"
            response = client.post("/cases/import/", {"file": upload})
            assert response.status_code in {200, 422}
            if response.status_code == 200:
                assert validate_case(json.loads(content))[1] == {}, "an invalid case file was accepted"
            else:
                assert "alert-danger" in response.content.decode() or "invalid-feedback" in response.content.decode()

    check()


def test_oversized_post_is_refused_with_400(fuzz_client):
    client, _ = fuzz_client
    response = client.post("/cases/new/", {**BASE, "clinical_notes": "x" * 400_000})
    assert response.status_code == 400
    assert Case.objects.count() == 0


# --- Tumor-board forms and every GET page with random query strings ---------------------------

BOARD_FIELDS = [
    "question",
    "meeting_date",
    "text",
    "pathway_code",
    "other_pathway_text",
    "reason",
    "attendees",
    "correction_reason",
    "treatment_start_at",
    "case",  # the pack form's field (it was "cases", which no form reads)
    "urgency",
    "pathway",
    "histology",
    "months",
    "page",
    "q",
    "status",
]
board_values = st.one_of(
    nasty_text,
    st.sampled_from(["2026-11-25", "2026-11-25T10:00", "25/11/2026", "cebrt", "other", "sbrt", "emergency", "12"]),
)
board_posts = st.dictionaries(st.sampled_from(BOARD_FIELDS), board_values, max_size=7)
BOARD_FUZZ = settings(FUZZ, max_examples=max(EXAMPLES // 4, 50))


@pytest.fixture
def board_setup(db):

    alice, carol = make_user("fz-alice", "Clinician"), make_user("fz-carol", "Tumor board")
    draft, submitted, decided = make_case(alice), make_case(alice), make_case(alice)
    for case in (submitted, decided):
        board_services.case_submit_to_board(case=case, user=alice, question="Operate?", meeting_date=None)
    decision = board_services.board_decision_record(
        case=decided,
        signed_by=carol,
        meeting_date=datetime.date(2026, 11, 20),
        pathway_code=decided.pathway_code,
        other_pathway_text="",
        reason="",
        attendees="A, B",
        supersedes=None,
    )
    clients = {}
    for name, user in (("alice", alice), ("carol", carol)):
        clients[name] = Client()
        clients[name].force_login(user)
    return clients, draft, submitted, decided, decision


def test_random_posts_to_board_forms_never_500(board_setup):
    clients, draft, submitted, decided, decision = board_setup
    targets = [
        ("alice", f"/cases/{draft.pk}/submit/"),
        ("alice", f"/cases/{decided.pk}/treatment-start/"),
        ("carol", f"/cases/{submitted.pk}/comment/"),
        ("carol", f"/cases/{submitted.pk}/return/"),
        ("carol", f"/cases/{submitted.pk}/decide/"),
        ("carol", f"/decisions/{decision.pk}/correct/"),
    ]

    @BOARD_FUZZ
    @given(st.sampled_from(targets), board_posts, st.booleans())
    def check(target, data, htmx):
        who, path = target
        with rolled_back():  # a decision signed by one example must not turn the next into a 404
            response = clients[who].post(path, data, headers={"HX-Request": "true"} if htmx else {})
            assert response.status_code < 500, (path, response.status_code)

    check()


def test_random_query_strings_on_list_pages_never_500(board_setup):
    clients = board_setup[0]
    pages = [
        ("alice", "/cases/"),
        ("alice", "/"),
        ("carol", "/board/"),
        ("carol", "/board/queue.csv"),
        ("carol", "/board/pack/"),
        ("carol", "/board/dashboard/"),
    ]

    @BOARD_FUZZ
    @given(st.sampled_from(pages), st.dictionaries(st.sampled_from(BOARD_FIELDS), board_values, max_size=5))
    def check(page, params):
        who, path = page
        with rolled_back():
            response = clients[who].get(path, params)
            assert response.status_code < 500, (path, params, response.status_code)
            nul = [name for name, value in params.items() if "\x00" in name + value]
            if nul:
                # SQLite takes NUL where PostgreSQL fails: refused before any query, on both.
                assert response.status_code == 400 and "contains a NUL character" in response.content.decode()

    check()
