"""Walk the whole URL configuration: every URL needs a login (bar an explicit allowlist), and every
URL that names a case answers 404 to a user who may not see that case, HTMX and exports included."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from board import services as board_services
from tests.conftest import make_user
from tests.factories import form_post, make_case

# URL names reachable without logging in, and why.
PUBLIC = {
    "login": "the login page itself",
    "healthz": "the load balancer's health check; reveals nothing but 'ok'",
    "session_token": "the page asks whether it is logged in again and takes the new CSRF token; no patient data",
    "admin:login": "Django admin's own login page",
    "oidc_authentication_init": "starts single sign-on (404 while it is not configured)",
    "oidc_authentication_callback": "the OpenID provider's redirect back (404 while single sign-on is not configured)",
}
CASE_PARAMS = {"pk", "case_pk", "case_id"}
# The meetings app: ids of things that belong to a case or to the board.
CASE_PARAMS |= {"decision_pk", "action_pk", "item_pk", "attendee_pk"}
# A patient is seen through its episodes.
CASE_PARAMS |= {"patient_pk"}


def walk(patterns=None, prefix="", namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None, prefix + str(entry.pattern), entry


def fill(route: str, case_pk: int) -> str:
    """A concrete path for a route: case ids become ``case_pk``, other parameters a plausible value."""
    path = re.sub(r"<int:(\w+)>", lambda m: str(case_pk), route)
    path = re.sub(r"<(?:str|slug):\w+>", "x", path)
    path = re.sub(r"<path:\w+>", "x", path)
    path = re.sub(r"<\w+>", "x", path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + path.lstrip("/")


ALL = [(name, route) for name, route, _ in walk()]
APP_ROUTES = [(n, r) for n, r in ALL if not (n or "").startswith("admin:") and "(?P<" not in r]
CASE_ROUTES = [(n, r) for n, r in APP_ROUTES if set(re.findall(r"<int:(\w+)>", r)) & CASE_PARAMS]


def test_the_walk_finds_the_case_urls():
    names = {n for n, _ in ALL}
    assert {"assessments:case_detail", "assessments:case_edit", "assessments:case_export"} <= names
    assert len(CASE_ROUTES) >= 3


@pytest.mark.parametrize(("name", "route"), APP_ROUTES, ids=[n or r for n, r in APP_ROUTES])
def test_every_url_requires_login(client, alice, name, route):
    case = make_case(alice)
    path = fill(route, case.pk)
    if name in PUBLIC:
        return
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert response.status_code == 302, f"{method.upper()} {path} answered {response.status_code}"
        assert response["Location"].startswith(reverse("login"))
        htmx = getattr(client, method)(path, headers={"HX-Request": "true"})
        assert htmx.status_code == 401, f"HTMX {method.upper()} {path} answered {htmx.status_code}"


def test_admin_urls_require_login(client, db):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_public_allowlist_is_public(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200


@pytest.mark.parametrize("viewer", ["bob", "carol", "dave"])
@pytest.mark.parametrize(("name", "route"), CASE_ROUTES, ids=[n for n, _ in CASE_ROUTES])
def test_case_urls_are_404_to_users_who_may_not_see_the_case(client, alice, bob, carol, dave, viewer, name, route):
    """alice's draft: bob (another clinician), carol (board: drafts are not hers) and dave (admin) may not see it."""
    case = make_case(alice)
    client.force_login({"bob": bob, "carol": carol, "dave": dave}[viewer])
    path = fill(route, case.pk)
    hx = {"HX-Request": "true"}
    statuses = {
        "GET": client.get(path).status_code,
        "HTMX GET": client.get(path, headers=hx).status_code,
        "POST": client.post(path, form_post(version="1")).status_code,
        "HTMX POST": client.post(path, form_post(version="1"), headers=hx).status_code,
    }
    # 405 (method not allowed) says nothing about the case; anything else must be 404.
    assert set(statuses.values()) <= {404, 405}, f"{path}: {statuses}"
    assert 404 in statuses.values(), f"{path}: {statuses}"


def test_csrf_is_enforced_on_plain_and_htmx_posts(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    plain = client.post(reverse("assessments:case_create"), form_post())
    htmx = client.post(reverse("assessments:case_create"), form_post(), headers={"HX-Request": "true"})
    assert plain.status_code == 403
    assert htmx.status_code == 403
    assert "escc:session-expired" in htmx["HX-Trigger"]
    from assessments.models import Case

    assert Case.objects.count() == 0


def test_htmx_post_with_the_token_header_passes_csrf(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get(reverse("assessments:case_create"))
    token = re.search(r'"x-csrftoken": "([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        reverse("assessments:case_create"), form_post(), headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert response.status_code == 200


# --- The meetings app's objects, each reached with a real id ----------------------------------


def _board_objects(alice, carol):
    import datetime

    from django.utils import timezone

    from board import services as meeting_services
    from board.models import Action

    case = board_services.case_submit_to_board(case=make_case(alice), user=alice, question="?", meeting_date=None)
    meeting = meeting_services.meeting_create(created_by=carol, chair=carol, starts_at=timezone.now())
    attendee = meeting_services.attendee_add(meeting=meeting, name="Sam", specialty="spine_surgery", user=carol)
    item = meeting.agenda.get()
    decision = board_services.board_decision_record(
        case=case, signed_by=carol, meeting_date=datetime.date(2026, 12, 2), pathway_code=case.pathway_code,
        other_pathway_text="", reason="", attendees="Sam",
    )  # fmt: skip
    meeting_services.decision_extras_record(
        decision=decision, meeting=meeting, plan="", signed_by=carol,
        actions=[{"text": "Book SBRT", "owner": carol, "due_at": timezone.now()}],
    )  # fmt: skip
    action = Action.objects.get()
    return case, meeting, attendee, item, decision, action


# name, how to build the args from the objects, who may use it (the others get 404)
MEETINGS_URLS = [
    ("meetings:meeting_detail", lambda o: [o["meeting"].pk], {"carol"}),
    ("meetings:meeting_mode", lambda o: [o["meeting"].pk], {"carol"}),
    ("meetings:meeting_attendee_add", lambda o: [o["meeting"].pk], {"carol"}),
    ("meetings:meeting_agenda_add", lambda o: [o["meeting"].pk], {"carol"}),
    ("meetings:meeting_attendee_remove", lambda o: [o["attendee"].pk], {"carol"}),
    ("meetings:agenda_item_move", lambda o: [o["item"].pk], {"carol"}),
    ("meetings:agenda_item_defer", lambda o: [o["item"].pk], {"carol"}),
    ("meetings:decision_letter", lambda o: [o["decision"].pk], {"alice", "carol"}),
    ("meetings:action_done", lambda o: [o["action"].pk], {"carol"}),
    ("meetings:follow_up", lambda o: [o["case"].pk, 30], {"alice"}),
    ("meetings:case_clock", lambda o: [o["case"].pk], {"alice"}),
    ("meetings:meeting_list", lambda o: [], {"carol"}),
    ("meetings:audit_measures_csv", lambda o: [], {"carol"}),
    ("meetings:audit_dictionary_csv", lambda o: [], {"carol"}),
    ("meetings:follow_up_worklist", lambda o: [], {"alice", "bob"}),
    ("meetings:delivery_failures", lambda o: [], {"dave"}),
]


@pytest.mark.parametrize(("name", "args", "allowed"), MEETINGS_URLS, ids=[n for n, _, _ in MEETINGS_URLS])
def test_meetings_urls_answer_404_to_everyone_else(client, alice, bob, carol, dave, name, args, allowed):
    case, meeting, attendee, item, decision, action = _board_objects(alice, carol)
    objects = {"case": case, "meeting": meeting, "attendee": attendee, "item": item, "decision": decision,
               "action": action}  # fmt: skip
    path = reverse(name, args=args(objects))
    for username, user in {"alice": alice, "bob": bob, "carol": carol, "dave": dave}.items():
        client.force_login(user)
        statuses = {client.get(path).status_code, client.post(path, {}).status_code} - {405}
        if username in allowed:
            assert 404 not in statuses, f"{username} on {path}: {statuses}"
        else:
            assert statuses == {404}, f"{username} on {path}: {statuses}"


def test_every_meetings_url_is_in_the_meetings_table():
    names = {n for n, _ in APP_ROUTES if (n or "").startswith("meetings:")}
    covered = {n for n, _, _ in MEETINGS_URLS} | {"meetings:notification_list", "meetings:notification_count"}
    assert names == covered


# --- Care teams and handover -----------------------------------------------------------------


def fill_for(route: str, case) -> str:
    """``fill``, with a patient id where the route names a patient."""
    return fill(route.replace("<int:patient_pk>", str(case.patient_id)), case.pk)


@pytest.fixture
def team_case(alice):
    from assessments.cases import services
    from assessments.models import CareTeam
    from tests.conftest import make_user

    team = CareTeam.objects.create(name="Spinal oncology")
    team.members.add(alice, make_user("erin", "Clinician"))
    return services.case_share_with_team(case=make_case(alice), user=alice, team=team)


@pytest.mark.parametrize("viewer", ["bob", "carol", "dave"])
@pytest.mark.parametrize(("name", "route"), CASE_ROUTES, ids=[n for n, _ in CASE_ROUTES])
def test_team_case_urls_are_404_to_everyone_outside_the_team(client, team_case, bob, carol, dave, viewer, name, route):
    """alice's draft shared with Spinal oncology: bob (a clinician in no team), carol and dave still get 404."""
    client.force_login({"bob": bob, "carol": carol, "dave": dave}[viewer])
    path = fill_for(route, team_case)
    hx = {"HX-Request": "true"}
    statuses = {
        "GET": client.get(path).status_code,
        "HTMX GET": client.get(path, headers=hx).status_code,
        "POST": client.post(path, form_post(version="1")).status_code,
        "HTMX POST": client.post(path, form_post(version="1"), headers=hx).status_code,
    }
    assert set(statuses.values()) <= {404, 405}, f"{path}: {statuses}"
    assert 404 in statuses.values(), f"{path}: {statuses}"


# What a team member who is not the owner may open: the case, its edit form, its patient, its exports.
TEAM_MEMBER_MAY = {"assessments:case_detail", "assessments:board_review", "assessments:case_edit",
                   "assessments:case_export", "interop:case_fhir", "assessments:patient_detail"}  # fmt: skip
# POST-only URLs of editing the case, which a team member may edit: their own working copy of it.
TEAM_MEMBER_MAY_POST = {"assessments:working_copy", "assessments:working_copy_discard"}


@pytest.mark.parametrize(("name", "route"), CASE_ROUTES, ids=[n for n, _ in CASE_ROUTES])
def test_team_member_reaches_the_team_case_and_nothing_owner_only(client, team_case, name, route):
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="erin"))
    path = fill_for(route, team_case)
    status = client.get(path).status_code
    if name in TEAM_MEMBER_MAY:
        assert status == 200, f"{path}: {status}"
    elif name in TEAM_MEMBER_MAY_POST:
        assert status == 405, f"{path}: {status}"
        assert client.post(path, form_post(version="1")).status_code in {200, 302}, path
    elif name.startswith("meetings:") or name in {"assessments:board_decision_correct"}:
        return  # ids of other objects: covered by the meetings table
    else:
        # Owner-only and board actions: 404 or 405 (a POST-only URL), never the page.
        assert status in {404, 405}, f"{path}: {status}"
        assert client.post(path, form_post(version="1")).status_code in {404, 405}, path


# --- Referrals: the referrer's own, the coordinator's every one, the audit figures for the board ----------------


def _referral_objects(rita):
    from tests.referral_factories import make_referral

    return {"referral": make_referral(rita)}


# name, how to build the args from the objects, who may use it (the others get 404)
REFERRALS_URLS = [
    ("referrals:referral_list", lambda o: [], {"rita", "colin", "rhona"}),
    ("referrals:referral_create", lambda o: [], {"rita", "colin", "rhona"}),
    ("referrals:referral_detail", lambda o: [o["referral"].pk], {"rita", "colin"}),
    ("referrals:referral_update", lambda o: [o["referral"].pk], {"rita", "colin"}),
    ("referrals:referral_audit", lambda o: [], {"carol", "colin"}),
    ("referrals:referral_audit_csv", lambda o: [], {"carol", "colin"}),
    ("referrals:worklist", lambda o: [], {"colin"}),
    ("referrals:referral_escalate", lambda o: [o["referral"].pk], {"colin"}),
    *(
        (f"referrals:{name}", lambda o: [o["referral"].pk], {"colin"})
        for name in (
            "referral_acknowledge",
            "referral_imaging_booked",
            "referral_imaging_done",
            "referral_imaging_reported",
            "referral_advice",
            "referral_note",
            "referral_close",
            "referral_withdraw",
        )
    ),
    ("referrals:referral_case", lambda o: [o["referral"].pk], {"rita", "colin"}),
    # Only a clinician who may see the referral creates its case: none of these (colin is no clinician here).
    ("referrals:referral_case_create", lambda o: [o["referral"].pk], set()),
]


@pytest.mark.parametrize(("name", "args", "allowed"), REFERRALS_URLS, ids=[n for n, _, _ in REFERRALS_URLS])
def test_referrals_urls_answer_404_to_everyone_else(client, alice, carol, dave, rita, colin, name, args, allowed):
    objects = _referral_objects(rita)
    path = reverse(name, args=args(objects))
    users = {"alice": alice, "carol": carol, "dave": dave, "rita": rita, "colin": colin}
    users["rhona"] = make_user("rhona", "Referrer")  # another referrer: sees none of rita's
    for username, user in users.items():
        client.force_login(user)
        statuses = {client.get(path).status_code, client.post(path, {}).status_code} - {405}
        if username in allowed:
            assert 404 not in statuses, f"{username} on {path}: {statuses}"
        else:
            assert statuses == {404}, f"{username} on {path}: {statuses}"


def test_every_referrals_url_is_in_the_referrals_table():
    names = {n for n, _ in APP_ROUTES if (n or "").startswith("referrals:")}
    names |= {n for n, r in ALL if (n or "").startswith("referrals:")}
    assert names == {n for n, _, _ in REFERRALS_URLS}
