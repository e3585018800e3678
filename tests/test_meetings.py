"""Board meetings: agenda, attendees and quorum, meeting mode, the decision's plan and actions, the letter."""

from __future__ import annotations

import datetime
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import BoardDecision, Case, CaseStatus
from audit.models import AuditEntry
from board import services
from board import services as board_services
from board.models import Action, ActionDone, AgendaItem, DecisionRecord, Meeting, Notification
from tests.conftest import make_user
from tests.factories import make_case

RECOMMENDED = "separation_surgery_sbrt"


def submitted(owner, name="Ann Example", **assessment) -> Case:
    case = make_case(owner, patient={"patient_name": name}, **assessment)
    return board_services.case_submit_to_board(case=case, user=owner, question="Surgery?", meeting_date=None)


def new_meeting(carol, *, hours: int = 1) -> Meeting:
    return services.meeting_create(
        created_by=carol, chair=carol, starts_at=timezone.now() + datetime.timedelta(hours=hours)
    )


def make_quorate(meeting: Meeting, carol) -> None:
    for name, specialty in (("Sam", "spine_surgery"), ("Rita", "radiation_oncology"), ("Max", "medical_oncology")):
        services.attendee_add(meeting=meeting, name=name, specialty=specialty, user=carol)


def decision_post(meeting=None, *, plan="", actions=(), pathway=RECOMMENDED, reason="") -> dict[str, str]:
    data = {
        "pathway_code": pathway,
        "other_pathway_text": "",
        "reason": reason,
        "attendees": "Carol (oncology)",
        "meeting_date": "2026-12-02",
        "meeting": str(meeting.pk) if meeting else "",
        "plan": plan,
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "3",
    }
    for i, (text, owner, due) in enumerate(actions):
        data |= {f"actions-{i}-text": text, f"actions-{i}-owner": str(owner.pk), f"actions-{i}-due_at": due}
    return data


# --- Meetings and the agenda -----------------------------------------------------------------


def test_creating_a_meeting_builds_the_agenda_from_the_queue_emergencies_first(carol_client, alice, carol):
    routine = submitted(alice, "Routine Ron", escc_grade="1a", neurologic_deficit=False)
    emergency = submitted(alice, "Emergency Em")
    make_case(alice, patient={"patient_name": "Draft Dora"})  # a draft never reaches the agenda
    response = carol_client.post(
        reverse("meetings:meeting_list"), {"date": "2026-12-02", "time": "08:00", "chair": carol.pk}
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-12-02 08:00"
    assert [i.case_id for i in meeting.agenda.all()] == [emergency.pk, routine.pk]
    page = carol_client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert page.index("Emergency Em") < page.index("Routine Ron")
    assert "Draft Dora" not in page


def test_meeting_form_names_the_missing_field(carol_client, carol):
    response = carol_client.post(reverse("meetings:meeting_list"), {"date": "", "time": "08:00", "chair": carol.pk})
    assert response.status_code == 422
    assert "Date: this is required." in response.content.decode()
    assert Meeting.objects.count() == 0


def test_agenda_items_move_up_and_down(carol_client, alice, carol):
    first, second = submitted(alice, "First"), submitted(alice, "Second")
    meeting = new_meeting(carol)
    item = AgendaItem.objects.get(meeting=meeting, case=second)
    carol_client.post(reverse("meetings:agenda_item_move", args=[item.pk]), {"direction": "up"})
    assert [i.case_id for i in meeting.agenda.all()] == [second.pk, first.pk]
    carol_client.post(reverse("meetings:agenda_item_move", args=[item.pk]), {"direction": "down"})
    assert [i.case_id for i in meeting.agenda.all()] == [first.pk, second.pk]


def test_a_case_is_added_by_number_and_a_draft_is_refused(carol_client, alice, carol):
    meeting = new_meeting(carol)
    late = submitted(alice, "Late Lou")
    draft = make_case(alice)
    ok = carol_client.post(reverse("meetings:meeting_agenda_add", args=[meeting.pk]), {"case": late.pk})
    refused = carol_client.post(reverse("meetings:meeting_agenda_add", args=[meeting.pk]), {"case": draft.pk})
    assert ok.status_code == 302
    assert refused.status_code == 422
    assert "Add to agenda: this case is not with the board" in refused.content.decode()
    assert list(meeting.agenda.values_list("case_id", flat=True)) == [late.pk]


def test_deferring_moves_the_case_to_the_next_meeting(carol_client, alice, carol):
    case = submitted(alice)
    today = new_meeting(carol, hours=1)
    item = AgendaItem.objects.get(meeting=today, case=case)
    refused = carol_client.post(reverse("meetings:agenda_item_defer", args=[item.pk]))
    assert refused.status_code == 403  # no later meeting yet
    later = new_meeting(carol, hours=48)
    later.agenda.all().delete()
    carol_client.post(reverse("meetings:agenda_item_defer", args=[item.pk]))
    assert not today.agenda.exists()
    assert list(later.agenda.values_list("case_id", flat=True)) == [case.pk]


def _defers() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="meeting.change", details__agenda="defer"))


def test_moving_an_item_deferred_meanwhile_changes_nothing_and_says_why(alice, carol):
    first, second = submitted(alice, "First Patient"), submitted(alice, "Second Patient")
    today, later = new_meeting(carol, hours=1), new_meeting(carol, hours=48)
    later.agenda.all().delete()
    shown = AgendaItem.objects.get(meeting=today, case=first)  # as the page read it
    services.agenda_defer(item=AgendaItem.objects.get(pk=shown.pk), user=carol)  # another tab
    moves_before = AuditEntry.objects.filter(action="meeting.change").count()
    with pytest.raises(services.AgendaItemGone):
        services.agenda_move(item=shown, offset=1, user=carol)
    assert list(today.agenda.values_list("case_id", "position")) == [(second.pk, 2)]
    assert AuditEntry.objects.filter(action="meeting.change").count() == moves_before


def test_a_second_defer_of_the_same_item_records_nothing(alice, carol):
    case = submitted(alice)
    today, later = new_meeting(carol, hours=1), new_meeting(carol, hours=48)
    later.agenda.all().delete()
    first_tab = AgendaItem.objects.get(meeting=today, case=case)
    second_tab = AgendaItem.objects.get(pk=first_tab.pk)
    services.agenda_defer(item=first_tab, user=carol)
    with pytest.raises(services.AgendaItemGone):
        services.agenda_defer(item=second_tab, user=carol)
    assert len(_defers()) == 1
    assert list(later.agenda.values_list("case_id", flat=True)) == [case.pk]


def test_a_move_or_defer_posted_after_the_item_left_the_agenda_redirects_with_a_word(
    carol_client, alice, carol, monkeypatch
):
    """The page's read finds the item, then another tab defers it before the service locks the meeting."""
    case = submitted(alice)
    today, later = new_meeting(carol, hours=1), new_meeting(carol, hours=48)
    later.agenda.all().delete()
    item = AgendaItem.objects.get(meeting=today, case=case)
    real_move, real_defer = services.agenda_move, services.agenda_defer

    def deferred_first(real):
        def run(**kwargs):
            AgendaItem.objects.filter(pk=item.pk).delete()
            return real(**kwargs)

        return run

    monkeypatch.setattr(services, "agenda_move", deferred_first(real_move))
    moved = carol_client.post(reverse("meetings:agenda_item_move", args=[item.pk]), {"direction": "down"}, follow=True)
    assert moved.status_code == 200 and "no longer on this agenda" in moved.content.decode()
    AgendaItem.objects.create(pk=item.pk, meeting=today, case=case, position=1)
    monkeypatch.setattr(services, "agenda_defer", deferred_first(real_defer))
    deferred = carol_client.post(reverse("meetings:agenda_item_defer", args=[item.pk]), follow=True)
    assert deferred.status_code == 200 and "no longer on this agenda" in deferred.content.decode()
    assert not _defers()


def _race(first, second) -> tuple[dict, bool]:
    """Run ``first`` in a transaction held open on its own connection, then ``second`` on another.

    Returns what each raised (if anything) and whether ``second`` waited for ``first`` to commit.
    """
    import threading

    from django.db import connection, transaction

    holding, release, errors = threading.Event(), threading.Event(), {}

    def hold():
        try:
            with transaction.atomic():
                first()
                holding.set()
                release.wait(10)
        except Exception as error:  # reported to the caller
            errors["first"] = error
        finally:
            connection.close()

    def other():
        try:
            second()
        except Exception as error:
            errors["second"] = error
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    follower = threading.Thread(target=other)
    follower.start()
    follower.join(1)
    waited = follower.is_alive()
    release.set()
    holder.join(10)
    follower.join(10)
    return errors, waited


postgres_only = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite runs one write transaction at a time"
)


@postgres_only
def test_two_adds_at_once_take_different_places(transactional_db, alice, carol):
    meeting = new_meeting(carol)
    meeting.agenda.all().delete()
    one, two = submitted(alice, "One Patient"), submitted(alice, "Two Patient")
    errors, waited = _race(
        lambda: services.agenda_add(meeting=meeting, case=one, user=carol),
        lambda: services.agenda_add(meeting=meeting, case=two, user=carol),
    )
    assert errors == {}
    assert waited, "the second add waits for the first to commit"
    assert list(meeting.agenda.values_list("case_id", "position")) == [(one.pk, 1), (two.pk, 2)]


@postgres_only
def test_two_defers_at_once_move_the_case_once(transactional_db, alice, carol):
    case = submitted(alice)
    today, later = new_meeting(carol, hours=1), new_meeting(carol, hours=48)
    later.agenda.all().delete()
    item = AgendaItem.objects.get(meeting=today, case=case)
    errors, waited = _race(
        lambda: services.agenda_defer(item=AgendaItem.objects.get(pk=item.pk), user=carol),
        lambda: services.agenda_defer(item=AgendaItem.objects.get(pk=item.pk), user=carol),
    )
    assert waited and "first" not in errors
    assert isinstance(errors.get("second"), services.AgendaItemGone)
    assert len(_defers()) == 1
    assert list(later.agenda.values_list("case_id", flat=True)) == [case.pk]


@postgres_only
def test_a_move_waiting_on_a_defer_is_refused_without_a_500(transactional_db, alice, carol):
    first, second = submitted(alice, "First Patient"), submitted(alice, "Second Patient")
    today, later = new_meeting(carol, hours=1), new_meeting(carol, hours=48)
    later.agenda.all().delete()
    item = AgendaItem.objects.get(meeting=today, case=first)
    errors, waited = _race(
        lambda: services.agenda_defer(item=AgendaItem.objects.get(pk=item.pk), user=carol),
        lambda: services.agenda_move(item=item, offset=1, user=carol),
    )
    assert waited and "first" not in errors
    assert isinstance(errors.get("second"), services.AgendaItemGone)
    assert list(today.agenda.values_list("case_id", "position")) == [(second.pk, 2)]


# --- Quorum -----------------------------------------------------------------------------------


def test_quorum_needs_spine_surgery_radiation_and_medical_oncology(carol):
    meeting = new_meeting(carol)
    services.attendee_add(meeting=meeting, name="Sam", specialty="spine_surgery", user=carol)
    services.attendee_add(meeting=meeting, name="Rita", specialty="radiation_oncology", user=carol)
    services.attendee_add(meeting=meeting, name="Nora", specialty="nursing", user=carol)
    assert meeting.missing_for_quorum() == ["Medical oncology"]
    assert not meeting.is_quorate
    services.attendee_add(meeting=meeting, name="Max", specialty="medical_oncology", user=carol)
    assert meeting.is_quorate


def test_meeting_page_says_what_the_quorum_lacks(carol_client, carol):
    meeting = new_meeting(carol)
    carol_client.post(
        reverse("meetings:meeting_attendee_add", args=[meeting.pk]), {"name": "Sam", "specialty": "spine_surgery"}
    )
    page = carol_client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert 'data-quorate="false"' in page
    assert "no Medical oncology, Radiation oncology present" in page


@pytest.mark.parametrize(("quorate", "in_meeting", "setting"), [
    (True, True, "Quorate meeting"), (False, True, "Non-quorate meeting"), (False, False, "Outside a meeting"),
])  # fmt: skip
def test_decision_is_marked_by_where_it_was_taken(carol_client, alice, carol, quorate, in_meeting, setting):
    case = submitted(alice)
    meeting = new_meeting(carol)
    if quorate:
        make_quorate(meeting, carol)
    response = carol_client.post(
        reverse("assessments:board_decide", args=[case.pk]), decision_post(meeting if in_meeting else None)
    )
    assert response.status_code == 302
    record = DecisionRecord.objects.get(decision__case=case)
    assert record.setting_text == setting
    assert record.meeting_id == (meeting.pk if in_meeting else None)
    page = carol_client.get(case.get_absolute_url()).content.decode()
    assert setting in page


def test_quorum_is_kept_as_it_was_when_signed(carol_client, alice, carol):
    case = submitted(alice)
    meeting = new_meeting(carol)
    carol_client.post(reverse("assessments:board_decide", args=[case.pk]), decision_post(meeting))
    make_quorate(meeting, carol)  # people arriving later do not make the decision quorate
    assert DecisionRecord.objects.get(decision__case=case).quorate is False


def test_a_meeting_the_case_is_not_on_cannot_be_named(carol_client, alice, carol):
    other = new_meeting(carol)  # made before the case was submitted: the case is not on it
    case = submitted(alice)
    response = carol_client.post(reverse("assessments:board_decide", args=[case.pk]), decision_post(other))
    assert response.status_code == 422
    assert not BoardDecision.objects.filter(case=case).exists()


# --- Meeting mode -----------------------------------------------------------------------------


def test_meeting_mode_steps_through_the_agenda_with_keys(carol_client, alice, carol):
    first, second = submitted(alice, "First Fay"), submitted(alice, "Second Sid")
    meeting = new_meeting(carol)
    url = reverse("meetings:meeting_mode", args=[meeting.pk])
    page = carol_client.get(url).content.decode()
    assert "First Fay" in page and "case 1 of 2" in page
    assert f'id="mode-next" href="?case={second.pk}"' in page
    assert f"{reverse('assessments:board_decide', args=[first.pk])}?meeting={meeting.pk}" in page
    assert "js/meeting_mode.js" in page and "<script>" not in page
    page = carol_client.get(url, {"case": second.pk}).content.decode()
    assert "Second Sid" in page and 'id="mode-previous"' in page and 'id="mode-next"' not in page
    assert AuditEntry.objects.filter(action="case.view", target_id=str(second.pk)).exists()


def test_decision_from_meeting_mode_prefills_attendees_and_returns_to_the_meeting(carol_client, alice, carol):
    case = submitted(alice)
    meeting = new_meeting(carol)
    make_quorate(meeting, carol)
    form = carol_client.get(reverse("assessments:board_decide", args=[case.pk]), {"meeting": meeting.pk})
    assert "Sam (Spine surgery)" in form.content.decode()
    response = carol_client.post(reverse("assessments:board_decide", args=[case.pk]), decision_post(meeting))
    assert response["Location"] == reverse("meetings:meeting_mode", args=[meeting.pk]) + f"?case={case.pk}"


# --- Plan and actions -------------------------------------------------------------------------


def test_decision_records_plan_and_actions_and_notifies_owners(carol_client, alice, carol):
    case = submitted(alice)
    rad = make_user("rita", "Tumor board")
    due = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT12:00")
    data = decision_post(plan="SBRT 24 Gy in 2 fractions after surgery", actions=[("Book SBRT", rad, due)])
    assert carol_client.post(reverse("assessments:board_decide", args=[case.pk]), data).status_code == 302
    record = DecisionRecord.objects.get()
    assert record.plan == "SBRT 24 Gy in 2 fractions after surgery"
    action = Action.objects.get()
    assert (action.text, action.owner, action.case_id) == ("Book SBRT", rad, case.pk)
    assert timezone.localtime(action.due_at).strftime("%H:%M") == "12:00"
    kinds = set(Notification.objects.values_list("recipient__username", "kind"))
    assert kinds == {("alice", "decided"), ("rita", "action")}


def test_an_action_needs_what_who_and_when(carol_client, alice, carol):
    case = submitted(alice)
    data = decision_post(actions=[("Book SBRT", carol, "")])
    response = carol_client.post(reverse("assessments:board_decide", args=[case.pk]), data)
    assert response.status_code == 422
    assert "An action needs what, who and by when." in response.content.decode()
    assert not BoardDecision.objects.exists() and not Action.objects.exists()


def _decided_with_action(alice, carol, *, due: datetime.datetime) -> Action:
    case = submitted(alice)
    decision = board_services.board_decision_record(
        case=case, signed_by=carol, meeting_date=datetime.date(2026, 12, 2), pathway_code=RECOMMENDED,
        other_pathway_text="", reason="", attendees="Carol",
    )  # fmt: skip
    services.decision_extras_record(
        decision=decision, meeting=None, plan="", actions=[{"text": "Book SBRT", "owner": alice, "due_at": due}],
        signed_by=carol,
    )  # fmt: skip
    return Action.objects.get(decision=decision)


def test_overdue_actions_show_on_the_queue_and_the_owners_home(client, alice, carol):
    overdue = _decided_with_action(alice, carol, due=timezone.now() - datetime.timedelta(hours=2))
    client.force_login(carol)
    queue = client.get(reverse("assessments:board_queue")).content.decode()
    assert 'id="overdue-actions"' in queue and f'data-action="{overdue.pk}"' in queue and "overdue" in queue
    client.force_login(alice)
    home = client.get(reverse("home")).content.decode()
    assert f'data-action="{overdue.pk}"' in home


def test_an_action_not_yet_due_is_not_on_the_queue(carol_client, alice, carol):
    _decided_with_action(alice, carol, due=timezone.now() + datetime.timedelta(hours=2))
    assert 'id="overdue-actions"' not in carol_client.get(reverse("assessments:board_queue")).content.decode()


def test_ticking_an_action_removes_it_from_the_overdue_list(client, alice, carol):
    action = _decided_with_action(alice, carol, due=timezone.now() - datetime.timedelta(hours=2))
    client.force_login(alice)
    response = client.post(reverse("meetings:action_done", args=[action.pk]), {"next": "/"})
    assert response.status_code == 302
    done = ActionDone.objects.get(action=action)
    assert done.done_by == alice
    client.force_login(carol)
    assert 'id="overdue-actions"' not in client.get(reverse("assessments:board_queue")).content.decode()
    assert AuditEntry.objects.filter(action="case.action_done").count() == 1


def test_someone_elses_action_cannot_be_ticked_by_another_clinician(client, alice, bob, carol):
    action = _decided_with_action(alice, carol, due=timezone.now())
    client.force_login(bob)
    assert client.post(reverse("meetings:action_done", args=[action.pk])).status_code == 404
    assert not ActionDone.objects.exists()


# --- Outcome letter ----------------------------------------------------------------------------


def test_outcome_letter_shows_decision_plan_actions_attendees_and_the_recommendation(carol_client, alice, carol):
    case = submitted(alice, "Letter Lee")
    meeting = new_meeting(carol)
    make_quorate(meeting, carol)
    due = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT12:00")
    data = decision_post(meeting, plan="Surgery tomorrow, SBRT after", actions=[("Book theatre", carol, due)])
    carol_client.post(reverse("assessments:board_decide", args=[case.pk]), data)
    decision = BoardDecision.objects.get()
    page = carol_client.get(reverse("meetings:decision_letter", args=[decision.pk])).content.decode()
    for text in ("Letter Lee", "Surgery tomorrow, SBRT after", "Book theatre", "Sam (Spine surgery)",
                 "Follows the recommendation", "rule set", "Quorate meeting"):  # fmt: skip
        assert text in page
    assert "<script>" not in page and "style=" not in page
    assert AuditEntry.objects.filter(action="case.print", target_id=str(case.pk)).exists()


def test_outcome_letter_is_visible_to_the_owner_and_404_to_another_clinician(client, alice, bob, carol):
    case = submitted(alice)
    decision = board_services.board_decision_record(
        case=case, signed_by=carol, meeting_date=datetime.date(2026, 12, 2), pathway_code=RECOMMENDED,
        other_pathway_text="", reason="", attendees="Carol",
    )  # fmt: skip
    client.force_login(alice)
    assert client.get(reverse("meetings:decision_letter", args=[decision.pk])).status_code == 200
    client.force_login(bob)
    assert client.get(reverse("meetings:decision_letter", args=[decision.pk])).status_code == 404


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["meeting_list", "meeting_detail", "meeting_mode"])
@pytest.mark.parametrize("viewer", ["alice", "dave"])
def test_meeting_pages_are_404_without_the_board_role(client, alice, carol, dave, name, viewer):
    meeting = new_meeting(carol)
    client.force_login({"alice": alice, "dave": dave}[viewer])
    args = [] if name == "meeting_list" else [meeting.pk]
    assert client.get(reverse(f"meetings:{name}", args=args)).status_code == 404
    assert client.post(reverse("meetings:meeting_attendee_add", args=[meeting.pk]), {}).status_code == 404


def test_returning_a_case_notifies_its_owner(alice, carol):
    case = submitted(alice)
    board_services.case_return_to_clinician(case=case, user=carol, comment="Need the MRI report")
    assert Notification.objects.get().kind == "returned"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DRAFT


BIG = "9" * 30


def test_junk_in_meetings_forms_gets_a_form_error_never_a_500(carol_client, alice, carol):
    case = submitted(alice)
    meeting = new_meeting(carol)
    junk_action = {"actions-0-owner": BIG, "actions-0-text": "x", "actions-0-due_at": "2026-12-02T10:00"}
    posts = [
        (reverse("meetings:meeting_agenda_add", args=[meeting.pk]), {"case": BIG}),
        (reverse("meetings:meeting_list"), {"date": "2026-12-02", "time": "08:00", "chair": BIG}),
        (reverse("assessments:board_decide", args=[case.pk]), {**decision_post(), "meeting": BIG, **junk_action}),
        (reverse("assessments:board_decide", args=[case.pk]), {**decision_post(), "actions-TOTAL_FORMS": "x"}),
        (reverse("meetings:meeting_attendee_add", args=[meeting.pk]), {"name": "Sam", "specialty": "surgeon"}),
        (reverse("meetings:agenda_item_move", args=[meeting.agenda.get().pk]), {"direction": "sideways"}),
    ]
    for path, data in posts:
        assert carol_client.post(path, data).status_code in (403, 422), path
    assert not BoardDecision.objects.exists()
    assert carol_client.get(reverse("meetings:meeting_mode", args=[meeting.pk]), {"case": BIG}).status_code == 200
    assert carol_client.get(reverse("assessments:board_decide", args=[case.pk]), {"meeting": BIG}).status_code == 200


def test_meeting_list_shows_cases_and_quorum_in_a_fixed_number_of_queries(
    carol_client, alice, carol, django_assert_max_num_queries
):
    submitted(alice)
    quorate, thin = new_meeting(carol), new_meeting(carol, hours=24)
    make_quorate(quorate, carol)
    for _ in range(3):
        new_meeting(carol, hours=48)
    carol_client.get(reverse("meetings:meeting_list"))
    with django_assert_max_num_queries(8):
        page = carol_client.get(reverse("meetings:meeting_list")).content.decode()
    row = page[page.index(f'data-meeting="{quorate.pk}"') :]
    assert "<td>1</td>" in row[:400] and "Quorate" in row[:600]
    assert "Not quorate" in page[page.index(f'data-meeting="{thin.pk}"') :][:600]


def test_letter_of_a_corrected_decision_says_it_was_replaced(carol_client, alice, carol):
    case = submitted(alice)
    first = board_services.board_decision_record(
        case=case, signed_by=carol, meeting_date=datetime.date(2026, 12, 2), pathway_code=RECOMMENDED,
        other_pathway_text="", reason="", attendees="Carol",
    )  # fmt: skip
    board_services.board_decision_record(
        case=case, signed_by=carol, meeting_date=datetime.date(2026, 12, 2), pathway_code="cebrt",
        other_pathway_text="", reason="Not fit", attendees="Carol", supersedes=first, correction_reason="Wrong",
    )  # fmt: skip
    page = carol_client.get(reverse("meetings:decision_letter", args=[first.pk])).content.decode()
    assert 'id="letter-superseded"' in page


def test_ticking_never_redirects_off_site(client, alice, carol):
    action = _decided_with_action(alice, carol, due=timezone.now())
    client.force_login(alice)
    response = client.post(reverse("meetings:action_done", args=[action.pk]), {"next": "//evil.example/"})
    assert response["Location"] == reverse("home")


def test_a_case_returned_to_its_clinician_leaves_the_agenda_pages(carol_client, alice, carol):
    kept, returned = submitted(alice, "Kept Kay"), submitted(alice, "Returned Rae")
    meeting = new_meeting(carol)
    board_services.case_return_to_clinician(case=returned, user=carol, comment="Need the MRI report")
    detail = carol_client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    mode = carol_client.get(reverse("meetings:meeting_mode", args=[meeting.pk]), {"case": returned.pk})
    assert "Kept Kay" in detail and "Returned Rae" not in detail
    assert mode.status_code == 200 and "Returned Rae" not in mode.content.decode() and kept.pk


@pytest.mark.parametrize(
    "next_value", ["0", "meetings:meeting_list", "https://elsewhere.example/", "//evil", "/" * 3000]
)
def test_ticking_an_action_with_a_next_that_is_no_path_here_goes_home(client, alice, carol, next_value):
    action = _decided_with_action(alice, carol, due=timezone.now() + datetime.timedelta(hours=2))
    client.force_login(alice)
    response = client.post(reverse("meetings:action_done", args=[action.pk]), {"next": next_value})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert ActionDone.objects.filter(action=action).exists()
