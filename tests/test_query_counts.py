"""Query-count guards: a page's SQL must not grow with the data it shows (no N+1 queries).

Each page is requested over a little data and over more, and must stay under the same fixed
ceiling both times, so a query per row fails the larger case. The ceilings are today's exact
counts (see docs/performance.md): when a change legitimately adds a query to every request,
raise the number here in the same commit and say why.

The tumor-board pages (queue, review, pack, CSV, dashboard) have their guards in tests/test_board.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from assessments.cases import services
from assessments.cases.inputs import case_input_from_mapping
from assessments.models import Case
from audit.services import audit_record
from board import services as board_services
from tests.factories import ASSESSMENT, PATIENT, form_post, make_case

HX = {"HX-Request": "true"}
# Every authenticated request: session, user, the user's role groups.
PER_REQUEST = 3
# Every full page of a clinician or board member, in the navigation: the unread notifications
# (counted in the page instead of by a second request through the whole stack).
BADGE = 1
# A page that shows patients writes their case.view entries (assessments.access.reads_record), however many:
# savepoint, head lock, one INSERT, head update, release.
VIEW_AUDIT = 5
# A form page looks for the user's working copy of it (unsaved entries to put back).
WORKING_COPY = 1
URGENCY = "emergency"  # of the factories' case (ex03)


def _warm_up(client) -> None:
    # The first request after log-in writes the session (last-seen time); measure a steady-state one.
    client.get(reverse("home"))


def _cases(owner: User, count: int) -> list[Case]:
    return [make_case(owner, patient={"mrn": f"Q{n:06d}", "patient_name": f"Patient {n}"}) for n in range(count)]


def _new_versions(case: Case, editor: User, count: int) -> Case:
    """Save ``count`` more versions of a draft case, each changing one SINS finding."""
    collapse = ["lt_50", "none"]
    for n in range(count):
        case = services.case_update(
            case_id=case.pk,
            editor=editor,
            based_on_version=case.version,
            patient={**PATIENT, "clinical_notes": f"note {n}"},
            assessment=case_input_from_mapping({**ASSESSMENT, "sins_collapse": collapse[n % 2]}),
        )
    return case


@pytest.mark.parametrize("count", [0, 8])
def test_home_queries_do_not_grow(alice_client, alice, django_assert_max_num_queries, count):
    _cases(alice, count)
    _warm_up(alice_client)
    # + the five most recent cases, + the user's open board actions, + the view audit
    with django_assert_max_num_queries(PER_REQUEST + BADGE + 2 + (VIEW_AUDIT if count else 0)):
        response = alice_client.get(reverse("home"))
    assert response.content.decode().count('class="list-group-item"') == min(count, 5)


def _decided_with_overdue_actions(owner: User, board_member: User, count: int) -> None:
    from board import services as meeting_services

    case = board_services.case_submit_to_board(
        case=make_case(owner), user=owner, question="Surgery?", meeting_date=None
    )
    decision = board_services.board_decision_record(
        case=case, signed_by=board_member, meeting_date=datetime.date(2026, 12, 2), pathway_code=case.pathway_code,
        other_pathway_text="", reason="", attendees="Carol",
    )  # fmt: skip
    due = timezone.now() - datetime.timedelta(hours=2)
    actions = [{"text": f"Action {n}", "owner": owner, "due_at": due} for n in range(count)]
    meeting_services.decision_extras_record(
        decision=decision, meeting=None, plan="", actions=actions, signed_by=board_member
    )


@pytest.mark.parametrize("count", [1, 6])
def test_home_queries_do_not_grow_with_open_actions(alice_client, alice, carol, django_assert_max_num_queries, count):
    _decided_with_overdue_actions(alice, carol, count)
    _warm_up(alice_client)
    # An overdue action asks whether it was ticked: that comes with the actions' query, not one query each.
    with django_assert_max_num_queries(PER_REQUEST + BADGE + 2 + VIEW_AUDIT):  # + recent cases, + open actions
        response = alice_client.get(reverse("home"))
    assert response.content.decode().count("data-action=") == count


@pytest.mark.parametrize("count", [1, 30])
def test_case_list_queries_do_not_grow(alice_client, alice, bob, django_assert_max_num_queries, count):
    _cases(alice, count)
    _cases(bob, 3)  # somebody else's cases are neither shown nor counted
    _warm_up(alice_client)
    # + count for the paginator, + one page, + the handovers offered to the user
    with django_assert_max_num_queries(PER_REQUEST + BADGE + 3 + VIEW_AUDIT):
        response = alice_client.get(reverse("assessments:case_list"))
    body = response.content.decode()
    assert body.count("<tr>") - 1 == min(count, 25)  # minus the header row
    assert ("Page 1 of 2" in body) == (count > 25)


@pytest.mark.parametrize("count", [1, 30])
def test_filtered_case_list_queries_do_not_grow(alice_client, alice, django_assert_max_num_queries, count):
    _cases(alice, count)
    _warm_up(alice_client)
    with django_assert_max_num_queries(PER_REQUEST + BADGE + 3 + VIEW_AUDIT):  # as above
        response = alice_client.get(
            reverse("assessments:case_list"), {"q": "Patient", "status": "draft", "urgency": URGENCY, "page": "2"}
        )
    # Page 2 of 2, or the last page (1) when there is only one.
    assert response.content.decode().count("<tr>") - 1 == (count - 25 if count > 25 else count)


@pytest.mark.parametrize("versions", [0, 6])
def test_case_detail_queries_do_not_grow_with_versions(alice_client, alice, django_assert_max_num_queries, versions):
    case = _new_versions(make_case(alice), alice, versions)
    view_cost = _audit_cost(alice, case)
    _warm_up(alice_client)
    # + case, versions with their users, comments, decisions, and the audit entry of the view
    # + 2: the follow-ups and the 24-hour clock of the case.
    # + 2: the case's handovers, its patient's episodes seen and not seen; + 1 the care teams
    # the owner may share it with.
    with django_assert_max_num_queries(PER_REQUEST + BADGE + 4 + 2 + 3 + view_cost):
        response = alice_client.get(case.get_absolute_url())
    assert response.content.decode().count('class="list-group-item"') >= versions + 1


def _audit_cost(user: User, target: Case) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        audit_record(action="case.view", actor=user, target=target)
    return len(captured.captured_queries)


@pytest.mark.parametrize("count", [0, 10])
def test_case_form_page_queries_do_not_grow(alice_client, alice, django_assert_max_num_queries, count):
    _cases(alice, count)
    _warm_up(alice_client)
    with django_assert_max_num_queries(PER_REQUEST + BADGE + WORKING_COPY):
        response = alice_client.get(reverse("assessments:case_create"))
    assert 'id="result-panel"' in response.content.decode()


@pytest.mark.parametrize("data", [form_post(), form_post(sins_pain=None, histology=None)], ids=["complete", "partial"])
def test_live_update_partial_needs_no_query_beyond_the_login(alice_client, alice, django_assert_max_num_queries, data):
    _cases(alice, 5)
    _warm_up(alice_client)
    with django_assert_max_num_queries(PER_REQUEST):
        response = alice_client.post(reverse("assessments:case_create"), data, headers=HX)
    assert 'data-testid="sins-total"' in response.content.decode()


@pytest.mark.parametrize("versions", [0, 6])
def test_case_edit_page_and_partial_queries_do_not_grow(alice_client, alice, django_assert_max_num_queries, versions):
    case = _new_versions(make_case(alice), alice, versions)
    url = reverse("assessments:case_edit", args=[case.pk])
    _warm_up(alice_client)
    # + the case, + its case.view, + the user's working copy of it
    with django_assert_max_num_queries(PER_REQUEST + BADGE + 1 + VIEW_AUDIT + WORKING_COPY):
        page = alice_client.get(url)
    assert f"version {case.version}" in page.content.decode()
    with django_assert_max_num_queries(PER_REQUEST + 1):
        partial = alice_client.post(url, {**form_post(), "version": str(case.version)}, headers=HX)
    assert 'data-testid="sins-total"' in partial.content.decode()


@pytest.mark.parametrize("count", [1, 60])
def test_audit_report_queries_do_not_grow(client, dave, alice, django_assert_max_num_queries, count):
    for n in range(count):
        audit_record(action="case.view", actor=alice, details={"n": n})
    client.force_login(dave)
    _warm_up(client)
    with django_assert_max_num_queries(PER_REQUEST + 2):  # + count for the paginator, + one page of entries
        response = client.get(reverse("audit:report"), {"action": "case.view"})
    assert response.status_code == 200
    assert response.content.decode().count("<tr") - 1 == min(count, 50)


# --- The number of lesions never adds a query ---------------------------------------------

LEVELS = ["T7", "T8", "L3", "L4", "C5", "C6", "S1", "T2"]


def _lesions(count: int) -> list[dict]:
    return [{"spinal_level": level, "index": n == 0} for n, level in enumerate(LEVELS[:count])]


@pytest.mark.parametrize("count", [1, 8])
def test_case_pages_queries_do_not_grow_with_lesions(alice_client, alice, django_assert_max_num_queries, count):
    case = make_case(alice, lesions=_lesions(count))
    view_cost = _audit_cost(alice, case)
    _warm_up(alice_client)
    with django_assert_max_num_queries(PER_REQUEST + BADGE + 4 + 2 + 3 + view_cost):  # as the case page above
        detail = alice_client.get(case.get_absolute_url())
    assert detail.content.decode().count("data-saved-lesion=") == count
    url = reverse("assessments:case_edit", args=[case.pk])
    with django_assert_max_num_queries(PER_REQUEST + BADGE + 1 + VIEW_AUDIT + WORKING_COPY):
        page = alice_client.get(url)
    assert page.content.decode().count('name="lesions-index"') == count + 1  # + the empty card's template
    with django_assert_max_num_queries(PER_REQUEST + 1):
        partial = alice_client.post(url, {**form_post(lesions=_lesions(count)), "version": "1"}, headers=HX)
    assert partial.content.decode().count("data-lesion-sins=") == count


@pytest.mark.parametrize("count", [1, 8])
def test_live_update_needs_no_query_beyond_the_login_with_any_number_of_lesions(
    alice_client, alice, django_assert_max_num_queries, count
):
    _warm_up(alice_client)
    with django_assert_max_num_queries(PER_REQUEST):
        response = alice_client.post(reverse("assessments:case_create"), form_post(lesions=_lesions(count)), headers=HX)
    assert response.status_code == 200
    assert response.content.decode().count("data-lesion-sins=") == count


# --- Patient page, My team's cases, and the case page with a team and handovers ---------------


def _team(members: int, *also: User):
    from assessments.models import CareTeam
    from tests.conftest import make_user

    team = CareTeam.objects.create(name=f"Team of {members}")
    team.members.add(*also, *(make_user(f"member{members}_{n}", "Clinician") for n in range(members)))
    return team


@pytest.mark.parametrize("episodes", [1, 6])
def test_patient_page_queries_do_not_grow_with_episodes(
    alice_client, alice, bob, django_assert_max_num_queries, episodes
):
    team = _team(episodes, alice)
    cases = [make_case(alice) for _ in range(episodes)]
    for case in cases[::2]:
        services.case_share_with_team(case=case, user=alice, team=team)
    for _ in range(episodes):
        make_case(bob)  # episodes alice may not see: named, not shown
    _warm_up(alice_client)
    url = reverse("assessments:patient_detail", args=[cases[0].patient_id])
    # + the episodes, the patient, the hidden episodes' holders, the conflicts; + its disclosure (audit,
    # one entry), + case.view for all episodes and patient.view (two batches).
    with django_assert_max_num_queries(PER_REQUEST + BADGE + 4 + 3 * VIEW_AUDIT):
        response = alice_client.get(url)
    assert response.content.decode().count("data-episode=") == episodes


@pytest.mark.parametrize(("members", "count"), [(1, 1), (10, 30)])
def test_team_case_list_queries_do_not_grow(alice_client, alice, bob, django_assert_max_num_queries, members, count):
    team = _team(members, alice, bob)
    for case in _cases(bob, count):
        services.case_share_with_team(case=case, user=bob, team=team)
    _warm_up(alice_client)
    # + the teams named above the list, + count for the paginator, + one page, + the handovers offered
    with django_assert_max_num_queries(PER_REQUEST + BADGE + 4 + VIEW_AUDIT):
        response = alice_client.get(reverse("assessments:team_case_list"))
    assert response.content.decode().count("<tr>") - 1 == min(count, 25)


@pytest.mark.parametrize("size", [0, 6])
def test_case_page_queries_do_not_grow_with_team_members_handovers_or_episodes(
    alice_client, alice, django_assert_max_num_queries, size
):
    from tests.conftest import make_user

    case = make_case(alice)
    services.case_share_with_team(case=case, user=alice, team=_team(size, alice))
    for n in range(size):
        make_case(alice)  # more episodes of the patient
        other = make_user(f"taker{n}", "Clinician")
        services.case_handover_propose(case=case, user=alice, to_user=other, note=f"note {n}")
        services.case_handover_answer(case=case, user=other, accept=False)
    view_cost = _audit_cost(alice, case)
    _warm_up(alice_client)
    with django_assert_max_num_queries(PER_REQUEST + BADGE + 4 + 2 + 3 + view_cost):  # as the case page above
        response = alice_client.get(case.get_absolute_url())
    assert response.content.decode().count("data-handover-status=") == size
