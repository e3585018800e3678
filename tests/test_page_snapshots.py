"""Every page the URL walk finds, as each model user sees it over one fixed data set, against its snapshot.

The users: alice and bob (clinicians), carol (tumor board), dave (admin), rita (referrer), colin (MSCC
coordinator).

The URLs come from ``tests.test_access.walk``, so a new URL gets a snapshot or fails: syrupy fails an
assertion that has no stored snapshot unless ``--snapshot-update`` is given. A URL removed or renamed
leaves snapshot files no test asks for, and ``test_every_stored_snapshot_is_a_page_the_walk_finds``
fails on them. A route parameter this module does not know stops the collection with its name. A
POST-only URL is snapshotted too: its 405 says that GET does nothing there.

The data are built once for the module, inside a transaction rolled back at the end; each page is
rendered inside a savepoint of it (pytest-django's ``db``), so the audit entries a page writes go with
it. The clock stands still, and ids are the same on SQLite and PostgreSQL, run after run: before the
data are built and before each page, every table's next id is set to follow its highest id, as a fresh
database would have it. What is random per request (CSRF tokens, CSP nonces, save tokens, digests) is
replaced by a placeholder.

Update after a deliberate change: ``pytest tests/test_page_snapshots.py --snapshot-update``, then
read the diff.
"""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management.color import no_style
from django.db import connection, transaction
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from accounts import roles
from assessments import rules
from assessments.cases import services as case_services
from assessments.models import CareTeam, Case
from board import services as board_services
from board.models import FOLLOW_UP_DAYS, Action, AgendaItem, Attendee
from referrals import services as referral_services
from referrals.models import OnCall, VersionReason
from tests.conftest import make_user
from tests.factories import make_case
from tests.referral_factories import make_referral, referral_data
from tests.test_access import APP_ROUTES

ROLES = ("alice", "bob", "carol", "dave", "rita", "colin")
UTC = datetime.UTC
# The data are built from this moment on, a few minutes between steps; pages are drawn at RENDERED.
START = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
STEP = datetime.timedelta(minutes=7)
RENDERED = datetime.datetime(2026, 12, 2, 9, 30, tzinfo=UTC)

# Which seeded objects fill a route parameter: by its name, or for ``pk`` by the route's start.
PARAM_KINDS = {
    "patient_pk": "patient",
    "attendee_pk": "attendee",
    "item_pk": "agenda_item",
    "decision_pk": "decision",
    "action_pk": "action",
    "days": "days",
}
PK_KINDS = {"cases/": "case", "decisions/": "decision", "board/meetings/": "meeting", "referrals/": "referral"}
# The variants of each kind, named in the test ids and snapshot files.
VARIANTS = {
    "case": ("draft", "submitted", "decided", "shared"),
    "patient": ("two_episodes", "shared"),
    "meeting": ("meeting",),
    "attendee": ("attendee",),
    "agenda_item": ("item",),
    "decision": ("decision",),
    "action": ("action",),
    "days": tuple(str(days) for days in FOLLOW_UP_DAYS),
    "referral": ("referred", "linked"),
}


REFERRAL_REPORTED = {
    "imaging_status": "reported",
    "imaging_modality": "mri",
    "imaging_at": "2026-11-30T07:00:00+00:00",
    "imaging_reported_at": "2026-11-30T07:15:00+00:00",
    "imaging_scope": "whole_spine",
    "imaging_finding": "mscc",
    "imaging_levels": ["T6"],
}


# Pages that show little without a query string, drawn with one as well: query template by variant name.
QUERIES = {
    "assessments:board_pack": {"chosen": "?case={submitted}&case={decided}"},
    "meetings:meeting_detail": {"found": "?find=Example"},
}


def param_kind(route: str, param: str) -> str:
    """The kind of seeded object a route parameter names; LookupError for one not yet taught here."""
    if param == "pk":
        kind = next((kind for start, kind in PK_KINDS.items() if route.startswith(start)), None)
    else:
        kind = PARAM_KINDS.get(param)
    if kind is None:
        raise LookupError(f"{route}: say in PARAM_KINDS or PK_KINDS which seeded object fills <{param}>")
    return kind


def page_cases() -> list:
    """One test per app URL (admin aside), filled with each variant of what it names, per role."""
    cases, seen_routes = [], set()
    for name, route in APP_ROUTES:
        # One page under two names (the case page is also the board's review page) is drawn once.
        if route.startswith("admin/") or route in seen_routes:
            continue
        seen_routes.add(route)
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        choices = [VARIANTS[param_kind(route, param)] for param in params]
        queries = {"": "", **QUERIES.get(name, {})}
        for combination, (query_name, query) in itertools.product(itertools.product(*choices), queries.items()):
            filled = dict(zip(params, combination, strict=True))
            for role in ROLES:
                # No ":" in an id: syrupy drops it from the file name and then cannot match the file to the test.
                label = "-".join([name.replace(":", "."), *combination, *filter(None, [query_name]), role])
                cases.append(pytest.param(name, route, filled, query, role, id=label))
    return cases


# --- The data set -------------------------------------------------------------------------------------


@dataclass
class Seeded:
    """The model users, and the id of each seeded object by kind and variant (``objects["case"]["draft"]``)."""

    users: dict[str, User]
    objects: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, kind: str, variant: str, pk: int) -> None:
        self.objects.setdefault(kind, {})[variant] = pk


def restart_sequences() -> None:
    """Each table's next id follows its highest id, as in a fresh database (PostgreSQL keeps used ids)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Without its row here, an AUTOINCREMENT table takes the highest id + 1.
            cursor.execute("DELETE FROM sqlite_sequence")
        else:
            models = apps.get_models(include_auto_created=True)
            cursor.execute(";".join(connection.ops.sequence_reset_sql(no_style(), models)))


def seed(clock: time_machine.Coordinates) -> Seeded:
    """Six users, a care team, four cases (a draft, one with the board, one decided, one shared) and a referral."""

    def later() -> None:
        clock.shift(STEP)

    users = {
        "alice": make_user("alice", roles.CLINICIAN),
        "bob": make_user("bob", roles.CLINICIAN),
        "carol": make_user("carol", roles.TUMOR_BOARD),
        "dave": make_user("dave", is_staff=True),
        "rita": make_user("rita", roles.REFERRER),
        "colin": make_user("colin", roles.COORDINATOR),
    }
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    seeded = Seeded(users=users)

    # Ann Example's first episode began as a referral from the emergency department before the day's first
    # step (dexamethasone given there), then reported with compression at T6; the case was made from it.
    rita = users["rita"]
    clock.move_to(START - datetime.timedelta(minutes=80))
    referral = make_referral(
        rita, patient_name="Ann Example", patient_mrn="H1234567", dexamethasone_given_at="2026-11-30T06:30:00+00:00"
    )
    clock.move_to(START - datetime.timedelta(minutes=30))
    referral_services.referral_version_add(
        referral=referral, user=rita, data=referral_data(dexamethasone_given_at="2026-11-30T06:30:00+00:00",
                                                         **REFERRAL_REPORTED),
        based_on=1, reason=VersionReason.IMAGING,
    )  # fmt: skip
    clock.move_to(START)
    seeded.add("referral", "linked", referral.pk)

    # The on-call list: bob the spinal surgeon and alice the clinical oncologist, the whole time the walks look.
    for person, role, phone in ((bob, "spinal_surgeon", "bleep 2201"), (alice, "clinical_oncologist", "07700 900123")):
        on_call = OnCall(role=role, person=person, phone=phone, starts_at=START - datetime.timedelta(days=1),
                         ends_at=START + datetime.timedelta(days=400))  # fmt: skip
        referral_services.oncall_save(entry=on_call, user=users["dave"])

    # Ann Example's first episode: through the board to a decision with a plan, actions and follow-up.
    decided = make_case(alice, patient={"patient_name": "Ann Example", "mrn": "H1234567"})
    referral_services.referral_case_link(referral_id=referral.pk, case=decided, user=alice, by_hand=False)
    later()
    board_services.case_submit_to_board(
        case=decided, user=alice, question="Separation surgery first?", meeting_date=datetime.date(2026, 12, 1)
    )
    later()
    submitted = make_case(
        alice, patient={"patient_name": "Bert Waiting"}, escc_grade="1c", motor_status="nonambulatory",
        hours_nonambulatory=20,
    )  # fmt: skip
    later()
    board_services.case_submit_to_board(case=submitted, user=alice, question="Radiotherapy alone?", meeting_date=None)
    later()
    meeting = board_services.meeting_create(
        created_by=carol, chair=carol, starts_at=datetime.datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    )
    for name, specialty in (("Sam Spine", "spine_surgery"), ("Rita Rays", "radiation_oncology"),
                            ("Max Meds", "medical_oncology")):  # fmt: skip
        attendee = board_services.attendee_add(meeting=meeting, name=name, specialty=specialty, user=carol)
        later()
    board_services.case_comment_add(case=decided, author=carol, text="MRI reviewed: cord compression at T6.")
    later()
    with transaction.atomic():
        decision = board_services.board_decision_record(
            case=Case.objects.get(pk=decided.pk), signed_by=carol, meeting_date=datetime.date(2026, 12, 1),
            pathway_code="separation_surgery_sbrt", other_pathway_text="", reason="",
            attendees=board_services.attendees_text(meeting=meeting),
        )  # fmt: skip
        board_services.decision_extras_record(
            decision=decision, meeting=meeting, plan="Separation surgery, then SBRT 24 Gy in 2 fractions.",
            signed_by=carol,
            actions=[
                {"text": "Book theatre", "owner": alice, "due_at": datetime.datetime(2026, 12, 2, 8, 0, tzinfo=UTC)},
                {"text": "Plan SBRT", "owner": carol, "due_at": datetime.datetime(2026, 12, 9, 8, 0, tzinfo=UTC)},
            ],
        )  # fmt: skip
    later()
    board_services.case_treatment_start_record(
        case=decided, user=alice, started_at=datetime.datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    )
    later()
    board_services.clock_record(
        case=decided, user=alice,
        data={"referral_received_at": datetime.datetime(2026, 11, 29, 22, 0, tzinfo=UTC),
              "mri_report_at": datetime.datetime(2026, 11, 29, 23, 30, tzinfo=UTC)},
    )  # fmt: skip
    later()
    board_services.follow_up_record(
        case=decided, days=30, user=alice,
        data={"alive": True, "date_of_death": None, "ambulatory": "with_aid", "bladder": "continent",
              "fracture": False, "wound_problem": False, "other_complication": "", "local_recurrence": False},
    )  # fmt: skip
    later()
    # Ann Example's second episode: a draft, found under the same hospital number.
    draft = make_case(alice, patient={"patient_name": "Ann Example", "mrn": "H1234567"}, spinal_level="L2")
    later()
    # bob's case, shared with the team alice is in and offered to her.
    team = CareTeam.objects.create(name="Spinal oncology")
    team.members.add(alice, bob)
    shared = make_case(bob, patient={"patient_name": "Cara Shared"}, histology="breast")
    later()
    case_services.case_share_with_team(case=shared, user=bob, team=team)
    later()
    case_services.case_handover_propose(case=shared, user=bob, to_user=alice, note="On leave from Monday.")
    later()

    # Dora Example, referred by rita from the emergency department at night (the front door's story).
    referral = make_referral(users["rita"])
    later()

    for variant, case in (("draft", draft), ("submitted", submitted), ("decided", decided), ("shared", shared)):
        seeded.add("case", variant, case.pk)
    seeded.add("referral", "referred", referral.pk)
    seeded.add("patient", "two_episodes", decided.patient_id)
    seeded.add("patient", "shared", shared.patient_id)
    seeded.add("meeting", "meeting", meeting.pk)
    seeded.add("attendee", "attendee", attendee.pk)
    seeded.add("agenda_item", "item", AgendaItem.objects.get(meeting=meeting, case=submitted).pk)
    seeded.add("decision", "decision", decision.pk)
    seeded.add("action", "action", Action.objects.get(decision=decision, owner=alice).pk)
    for days in FOLLOW_UP_DAYS:
        seeded.add("days", str(days), days)
    assert Attendee.objects.filter(meeting=meeting).count() == 3
    return seeded


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The data set, built once; rolled back when the module is done."""
    with django_db_blocker.unblock(), time_machine.travel(START, tick=False) as clock:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            restart_sequences()
            data = seed(clock)
            clock.move_to(RENDERED)
            yield data
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def page_db(seeded, db):
    """A savepoint of the data set with the ids as they were after seeding."""
    restart_sequences()
    return seeded


# --- What is compared ---------------------------------------------------------------------------------


class PageSnapshot(SingleFileSnapshotExtension):
    """One text file per page, so that a changed page shows as a readable diff of its own file."""

    file_extension = "txt"
    _write_mode = WriteMode.TEXT


@pytest.fixture
def page_snapshot(snapshot):
    return snapshot.use_extension(PageSnapshot)


# Values that differ on every request, and what stands in for them.
VOLATILE = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"'), r'\1CSRF-TOKEN"'),
    (re.compile(r'("x-csrftoken": ")[^"]+"'), r'\1CSRF-TOKEN"'),
    (re.compile(r'("csrf_token": ")[^"]+"'), r'\1CSRF-TOKEN"'),
    (re.compile(r'(nonce=")[^"]+"'), r'\1CSP-NONCE"'),
    (re.compile(r"'nonce-[^']+'"), "'nonce-CSP-NONCE'"),
    (re.compile(r'(data-testid="totp-key">)[A-Z2-7]+<'), r"\1TOTP-KEY<"),
    (re.compile(r"(secret=)[A-Z2-7]+"), r"\1TOTP-KEY"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "UUID"),
    # Hex digests (the live update's part digests, audit hashes); a long number is not one.
    (re.compile(r"\b(?=[0-9]*[a-f])[0-9a-f]{16,}\b"), "DIGEST"),
]
SCORE_BLOCK = re.compile(r'<div [^>]*data-score="(\w+)"')
SCORE_ORDER = [score.value for score in rules.ScoreName]


def scores_in_rule_order(lines: list[str]) -> list[str]:
    """Each run of prognosis score blocks in the rules' order.

    A saved result's scores come back in the database's key order (PostgreSQL's jsonb sorts keys by
    length), and the case page lists them in that order; the rules' order keeps one snapshot for both.
    """
    out: list[str] = []
    run: list[tuple[int, list[str]]] = []

    def end_of_run() -> None:
        for _, block in sorted(run):
            out.extend(block)
        run.clear()

    i = 0
    while i < len(lines):
        match = SCORE_BLOCK.search(lines[i])
        if match is None:
            end_of_run()
            out.append(lines[i])
            i += 1
            continue
        start, depth = i, 0
        while True:
            depth += lines[i].count("<div") - lines[i].count("</div>")
            i += 1
            if depth <= 0 or i == len(lines):
                break
        run.append((SCORE_ORDER.index(match.group(1)), lines[start:i]))
    end_of_run()
    return out


def normalise(text: str) -> str:
    """The text with volatile values replaced and indentation and blank lines dropped."""
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n".join(scores_in_rule_order(lines)) + "\n"


def described(path: str, response) -> str:
    """What is compared: the path, status, content type, redirect target and the normalised body."""
    head = [f"GET {path}", f"{response.status_code} {response.get('Content-Type', '')}"]
    if response.has_header("Location"):
        head.append(f"Location: {response['Location']}")
    body = response.content.decode() if not response.streaming else b"".join(response.streaming_content).decode()
    return normalise("\n".join(head) + "\n\n" + body)


def fill(route: str, values: dict[str, str], data: Seeded) -> str:
    """The route with each parameter replaced by the id of the seeded object its variant names."""

    def value(match: re.Match) -> str:
        param = match.group(1)
        return str(data.objects[param_kind(route, param)][values[param]])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)


PAGES = page_cases()
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / Path(__file__).stem


@pytest.mark.parametrize(("name", "route", "values", "query", "role"), PAGES)
def test_page_matches_its_snapshot(client, page_db, page_snapshot, name, route, values, query, role):
    client.force_login(page_db.users[role])
    path = fill(route, values, page_db) + query.format(**page_db.objects["case"])
    assert described(path, client.get(path)) == page_snapshot


def test_every_stored_snapshot_is_a_page_the_walk_finds():
    """A URL removed or renamed takes its snapshots with it (syrupy misses these when given a path)."""
    wanted = {f"{test_page_matches_its_snapshot.__name__}[{page.id}].{PageSnapshot.file_extension}" for page in PAGES}
    stored = {path.name for path in SNAPSHOTS.iterdir()}
    assert sorted(stored - wanted) == [], "snapshots of pages the walk no longer finds: delete them"
