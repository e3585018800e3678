"""The coordinator's worklist and actions: order, timers in words at fixed times, versions and entries, access."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEntry
from referrals import selectors, services
from referrals import worklist_presenters as presenters
from referrals.models import EntryKind, ReferralStatus, VersionReason
from tests.referral_factories import make_referral, referral_data

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# 02:10 on a March night: the site's time (Europe/London) is UTC then, so shown times read as stored.
NIGHT = datetime.datetime(2027, 3, 12, 2, 10, tzinfo=UTC)
MIN = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
HX = {"HX-Request": "true"}
# Pain only, no neurology: T5, whole-spine imaging within a week.
T5 = {"neuro_findings": [], "deficit_progressing": None}


def at(moment):
    return time_machine.travel(moment, tick=False)


def refer(rita, moment, name="Dora Example", **changes):
    with at(moment):
        referral = make_referral(rita, **changes)
    if name != referral.patient_name:
        type(referral).objects.filter(pk=referral.pk).update(patient_name=name)
        referral.refresh_from_db()
    return referral


def rows(colin, moment):
    with at(moment):
        found = selectors.worklist_referrals(user=colin)
        return presenters.worklist_rows(found, selectors.referral_newest_versions(referrals=found), now=moment)


def cells(row):
    return {cell.name: cell for cell in row.timers}


def acknowledge(referral, colin, moment):
    with at(moment):
        services.referral_acknowledge(referral=referral, user=colin)
    referral.refresh_from_db()


def post(client, user, name, referral, data, moment):
    """POST as ``user`` at ``moment`` (signed in then: a session from the real now would have expired)."""
    with at(moment):
        client.force_login(user)
        return client.post(reverse(f"referrals:{name}", args=[referral.pk]), data)


# --- Order and timers ----------------------------------------------------------------------------


def test_a_breached_t2_comes_before_a_running_t2_and_both_before_a_t5(rita, colin):
    t5 = refer(rita, NIGHT - 2 * HOUR, "Tess Five", **T5)
    running = refer(rita, NIGHT - 30 * MIN, "Rory Running")
    acknowledge(running, colin, NIGHT - 20 * MIN)
    breached = refer(rita, NIGHT, "Bea Breached")
    shown = rows(colin, NIGHT + 70 * MIN)
    assert [row.referral.pk for row in shown] == [breached.pk, running.pk, t5.pk]
    assert shown[0].breached and not shown[1].breached
    assert [row.triage for row in shown] == ["Suspected MSCC", "Suspected MSCC", "Suspected spinal metastases"]


def test_the_earliest_open_deadline_orders_referrals_of_one_triage(rita, colin):
    later_deadline = refer(rita, NIGHT - HOUR)
    acknowledge(later_deadline, colin, NIGHT - 50 * MIN)
    sooner = refer(rita, NIGHT)
    # At 02:20: the first waits for its scan (tomorrow 01:10), the second for its acknowledgement by 02:40.
    assert [row.referral.pk for row in rows(colin, NIGHT + 10 * MIN)] == [sooner.pk, later_deadline.pk]


def test_each_timer_in_words_with_its_countdown_deadline_and_whose_target(rita, colin):
    refer(rita, NIGHT)
    (row,) = rows(colin, NIGHT + 20 * MIN)
    timers = cells(row)
    ack, imaging = timers["acknowledge"], timers["imaging"]
    assert (ack.status_words, ack.countdown, ack.deadline) == ("Running", "10 min left", "12 Mar 2027 02:40")
    assert (ack.target, ack.basis) == ("30 min", "local (site setting)")
    assert (imaging.status_words, imaging.countdown, imaging.deadline) == (
        "Running", "23 h 40 min left", "13 Mar 2027 02:10"
    )  # fmt: skip
    assert (imaging.target, imaging.basis) == ("24 h", "NICE QS56-3")
    assert (timers["report"].status_words, timers["report"].countdown) == ("Not started", "")
    assert timers["treatment"].basis.startswith("NICE QS56-6")
    assert (row.age, row.received_ago, row.received) == (76, "20 min ago", "12 Mar 2027 02:10")
    assert (row.referrer, row.organisation) == ("Dr Rita Referrer", "Riverside Hospital emergency department")
    assert (row.next_step, row.acknowledged, row.acknowledged_words) == (
        "Arrange whole-spine imaging", False, "Not acknowledged"
    )  # fmt: skip


def test_an_unacknowledged_emergency_shows_overdue(rita, colin):
    refer(rita, NIGHT)
    (row,) = rows(colin, NIGHT + 65 * MIN)
    ack = cells(row)["acknowledge"]
    assert (ack.status, ack.status_words, ack.countdown, ack.badge) == (
        "breached", "Breached", "overdue by 35 min", "text-bg-danger"
    )  # fmt: skip


def test_acknowledged_in_time_is_met_and_late_is_breached(rita, colin):
    in_time = refer(rita, NIGHT)
    late = refer(rita, NIGHT)
    acknowledge(in_time, colin, NIGHT + 12 * MIN)
    acknowledge(late, colin, NIGHT + 45 * MIN)
    shown = {row.referral.pk: cells(row)["acknowledge"] for row in rows(colin, NIGHT + 2 * HOUR)}
    assert (shown[in_time.pk].status, shown[in_time.pk].countdown) == ("met", "18 min to spare")
    assert (shown[late.pk].status, shown[late.pk].countdown) == ("breached", "late by 15 min")
    words = {row.referral.pk: row.acknowledged_words for row in rows(colin, NIGHT + 2 * HOUR)}
    assert words[in_time.pk] == "Acknowledged 12 Mar 2027 02:22 by Colin"


def test_a_scan_done_in_time_meets_the_imaging_timer_and_starts_the_report_timer(client, rita, colin):
    referral = refer(rita, NIGHT)
    client.force_login(colin)
    done = {"done-version": "1", "done-imaging_at": "2027-03-12T07:10", "done-imaging_modality": "mri",
            "done-imaging_scope": "whole_spine"}  # fmt: skip
    assert post(client, colin, "referral_imaging_done", referral, done, NIGHT + 6 * HOUR).status_code == 302
    timers = cells(rows(colin, NIGHT + 7 * HOUR)[0])
    assert (timers["imaging"].status, timers["imaging"].countdown) == ("met", "19 h to spare")
    report = timers["report"]
    assert (report.status, report.countdown, report.deadline) == ("running", "2 h left", "12 Mar 2027 11:10")


def test_a_scan_after_the_deadline_breaches_the_imaging_timer(client, rita, colin):
    referral = refer(rita, NIGHT)
    client.force_login(colin)
    done = {"done-version": "1", "done-imaging_at": "2027-03-13T04:10", "done-imaging_modality": "mri",
            "done-imaging_scope": "whole_spine"}  # fmt: skip
    assert post(client, colin, "referral_imaging_done", referral, done, NIGHT + 27 * HOUR).status_code == 302
    imaging = cells(rows(colin, NIGHT + 28 * HOUR)[0])["imaging"]
    assert (imaging.status, imaging.countdown) == ("breached", "late by 2 h")


def test_a_rising_category_tightens_the_imaging_deadline(rita, colin):
    referral = refer(rita, NIGHT, **T5)
    assert cells(rows(colin, NIGHT + HOUR)[0])["imaging"].deadline == "19 Mar 2027 02:10"
    with at(NIGHT + 2 * HOUR):
        services.referral_version_add(referral=referral, user=colin, data=referral_data(), based_on=1)
    imaging = cells(rows(colin, NIGHT + 3 * HOUR)[0])["imaging"]
    assert (imaging.deadline, imaging.basis, imaging.countdown) == ("13 Mar 2027 02:10", "NICE QS56-3", "21 h left")


def test_a_falling_category_never_loosens_the_imaging_deadline(rita, colin):
    referral = refer(rita, NIGHT)
    with at(NIGHT + 3 * HOUR):
        services.referral_version_add(referral=referral, user=colin, data=referral_data(**T5), based_on=1)
    (row,) = rows(colin, NIGHT + 4 * HOUR)
    imaging = cells(row)["imaging"]
    assert row.triage == "Suspected spinal metastases"
    assert (imaging.deadline, imaging.basis, imaging.countdown) == (
        "13 Mar 2027 02:10", "carried from an earlier version", "20 h left"
    )  # fmt: skip


# --- The page ---------------------------------------------------------------------------------------


def test_the_worklist_page_lists_each_referral_with_its_timers_and_records_the_reads(client, rita, colin):
    referral = refer(rita, NIGHT)
    with at(NIGHT + 20 * MIN):
        client.force_login(colin)
        response = client.get(reverse("referrals:worklist"))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body
    assert "Dora Example" in body and "10 min left" in body and "NICE QS56-3" in body
    assert 'hx-trigger="every 30s"' in body
    assert AuditEntry.objects.filter(action="referral.view", actor=colin, target_id=str(referral.pk)).exists()


def test_the_poll_redraws_the_list_alone_with_the_countdowns_of_now(client, rita, colin):
    refer(rita, NIGHT)
    with at(NIGHT + 50 * MIN):
        client.force_login(colin)
        response = client.get(reverse("referrals:worklist"), headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and "<nav" not in body
    assert body.lstrip().startswith('<div id="worklist-rows"') and "overdue by 20 min" in body
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_an_empty_worklist_says_so(client, colin):
    client.force_login(colin)
    assert "No referrals to show." in client.get(reverse("referrals:worklist")).content.decode()


def test_the_navbar_links_the_worklist_for_the_coordinator_only(client, colin, alice):
    client.force_login(colin)
    assert reverse("referrals:worklist") in client.get(reverse("home")).content.decode()
    client.force_login(alice)
    assert reverse("referrals:worklist") not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("who", ["rita", "alice", "carol", "dave"])
def test_the_worklist_and_every_action_are_404_to_anyone_but_the_coordinator(client, rita, alice, carol, dave, who):
    referral = refer(rita, NIGHT)
    client.force_login({"rita": rita, "alice": alice, "carol": carol, "dave": dave}[who])
    assert client.get(reverse("referrals:worklist")).status_code == 404
    assert client.get(reverse("referrals:worklist"), headers=HX).status_code == 404
    from referrals.coordinator_views import URL_NAMES

    for name in URL_NAMES.values():
        path = reverse(name, args=[referral.pk])
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"acknowledge-version": "1", "note-text": "x"}).status_code == 404, path
    assert referral.entries.count() == 0 and referral.versions.count() == 1


# --- The actions ------------------------------------------------------------------------------------


def test_acknowledge_from_the_page_stops_the_timer_and_returns_to_the_referral(client, rita, colin):
    referral = refer(rita, NIGHT)
    client.force_login(colin)
    response = post(client, colin, "referral_acknowledge", referral, {"acknowledge-version": "1"}, NIGHT + 9 * MIN)
    assert response.status_code == 302 and response["Location"] == reverse(
        "referrals:referral_detail", args=[referral.pk]
    )
    referral.refresh_from_db()
    assert referral.acknowledged_at == NIGHT + 9 * MIN and referral.acknowledged_by == colin
    assert AuditEntry.objects.filter(action="referral.acknowledge", actor=colin).count() == 1


def test_imaging_booked_done_and_reported_are_each_a_version(client, rita, colin):
    referral = refer(rita, NIGHT)
    client.force_login(colin)
    steps = [
        ("referral_imaging_booked", {"booked-version": "1", "booked-imaging_modality": "mri",
                                     "booked-imaging_booked_for": "2027-03-12T09:00"}),
        ("referral_imaging_done", {"done-version": "2", "done-imaging_at": "2027-03-12T09:20",
                                   "done-imaging_modality": "mri", "done-imaging_scope": "whole_spine"}),
        ("referral_imaging_reported", {"reported-version": "3", "reported-imaging_reported_at": "2027-03-12T10:00",
                                       "reported-imaging_finding": "mscc", "reported-imaging_levels": ["T4", "T5"]}),
    ]  # fmt: skip
    for name, data in steps:
        assert post(client, colin, name, referral, data, NIGHT + 9 * HOUR).status_code == 302, name
    versions = list(referral.versions.order_by("number"))
    assert [v.reason for v in versions] == [VersionReason.REFERRED] + [VersionReason.IMAGING] * 3
    assert versions[1].data["imaging_status"] == "booked" and versions[1].data["imaging_booked_for"] == (
        "2027-03-12T09:00:00+00:00"
    )
    newest = versions[3].data
    assert (newest["imaging_status"], newest["imaging_at"], newest["imaging_levels"], newest["imaging_booked_for"]) == (
        "reported", "2027-03-12T09:20:00+00:00", ["T4", "T5"], None
    )  # fmt: skip
    assert newest["cancer_type"] == "breast" and newest["received_at"] == "2027-03-12T02:10:00+00:00"
    referral.refresh_from_db()
    assert (referral.version, referral.next_step) == (4, "create_assessment")
    assert AuditEntry.objects.filter(action="referral.version", actor=colin).count() == 3


def test_advice_by_phone_and_a_note_are_logged_and_audited(client, rita, colin):
    referral = refer(rita, NIGHT)
    client.force_login(colin)
    advice = {
        "advice-version": "1",
        "advice-text": "Lie flat, dexamethasone 16 mg now.",
        "advice-at": "2027-03-12T02:20",
    }
    assert post(client, colin, "referral_advice", referral, advice, NIGHT + HOUR).status_code == 302
    assert post(client, colin, "referral_note", referral, {"note-version": "1", "note-text": "MRI slot at 09:00."},
                NIGHT + HOUR).status_code == 302  # fmt: skip
    given, note = referral.entries.order_by("at")
    assert (given.kind, given.at, given.text, given.details) == (
        EntryKind.ADVICE, NIGHT + 10 * MIN, "Lie flat, dexamethasone 16 mg now.", {"version": 1}
    )  # fmt: skip
    assert (note.kind, note.at, note.by) == (EntryKind.NOTE, NIGHT + HOUR, colin)
    assert {e.action for e in AuditEntry.objects.filter(actor=colin)} >= {"referral.advice", "referral.note"}


def test_advice_before_the_referral_or_in_the_future_is_refused_by_name(client, rita, colin):
    referral = refer(rita, NIGHT)
    client.force_login(colin)
    for when, words in (("2027-03-12T01:00", "is before the referral"), ("2027-03-12T05:00", "time is in the future")):
        data = {"advice-version": "1", "advice-text": "Lie flat.", "advice-at": when}
        response = post(client, colin, "referral_advice", referral, data, NIGHT + HOUR)
        assert response.status_code == 422 and f"Given at: this {words}" in response.content.decode()
    assert referral.entries.count() == 0


def test_close_and_withdraw_end_the_referral_with_their_reason(client, rita, colin):
    closed, withdrawn = refer(rita, NIGHT), refer(rita, NIGHT)
    client.force_login(colin)
    post(
        client,
        colin,
        "referral_close",
        closed,
        {"close-version": "1", "close-reason": "Admitted elsewhere."},
        NIGHT + HOUR,
    )
    post(client, colin, "referral_withdraw", withdrawn, {"withdraw-version": "1", "withdraw-reason": "Wrong patient."},
         NIGHT + HOUR)  # fmt: skip
    closed.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (closed.status, closed.close_reason) == (ReferralStatus.CLOSED, "Admitted elsewhere.")
    assert withdrawn.status == ReferralStatus.WITHDRAWN
    assert {e.action for e in AuditEntry.objects.filter(actor=colin)} >= {"referral.close", "referral.withdraw"}
    assert rows(colin, NIGHT + 2 * HOUR) == []


def test_an_action_on_a_closed_referral_is_refused_in_words(client, rita, colin):
    referral = refer(rita, NIGHT)
    with at(NIGHT + HOUR):
        services.referral_end(referral=referral, user=colin, status=ReferralStatus.CLOSED, reason="Done.")
    client.force_login(colin)
    response = post(
        client, colin, "referral_note", referral, {"note-version": "1", "note-text": "Late note."}, NIGHT + HOUR
    )
    assert response.status_code == 422 and "takes no further action" in response.content.decode()
    assert not referral.entries.filter(kind=EntryKind.NOTE).exists()


def test_an_action_on_a_referral_that_moved_on_is_a_conflict_keeping_what_was_typed(client, rita, colin):
    referral = refer(rita, NIGHT)
    with at(NIGHT + HOUR):
        services.referral_version_add(referral=referral, user=colin, data=referral_data(), based_on=1)
    client.force_login(colin)
    done = {"done-version": "1", "done-imaging_at": "2027-03-12T03:00", "done-imaging_modality": "ct",
            "done-imaging_scope": "part_of_spine"}  # fmt: skip
    response = post(client, colin, "referral_imaging_done", referral, done, NIGHT + 2 * HOUR)
    body = response.content.decode()
    assert response.status_code == 409 and "moved on while you were typing" in body
    assert 'value="2027-03-12T03:00"' in body
    assert re.search(r'<input(?=[^>]*value="part_of_spine")(?=[^>]*checked)[^>]*>', body)
    assert 'name="done-version" value="2"' in body
    assert referral.versions.count() == 2
    # Sent again from the kept form, it applies to the newest version.
    done["done-version"] = "2"
    assert post(client, colin, "referral_imaging_done", referral, done, NIGHT + 2 * HOUR).status_code == 302
    assert referral.versions.count() == 3


def test_the_rules_refusals_are_named_on_the_imaging_forms(client, rita, colin):
    referral = refer(rita, NIGHT, mri_contraindicated=True)
    client.force_login(colin)
    booked = {"booked-version": "1", "booked-imaging_modality": "mri", "booked-imaging_booked_for": "2027-03-12T09:00"}
    body = post(client, colin, "referral_imaging_booked", referral, booked, NIGHT + HOUR).content.decode()
    assert "MRI contraindicated: contradicts imaging_modality mri." in body
    reported = {"reported-version": "1", "reported-imaging_reported_at": "2027-03-12T03:00",
                "reported-imaging_finding": "mscc"}  # fmt: skip
    response = post(client, colin, "referral_imaging_reported", referral, reported, NIGHT + HOUR)
    body = response.content.decode()
    assert response.status_code == 422 and "Record the scan as done" in body
    assert "Levels with metastases: a non-empty list of levels" in body
    assert referral.versions.count() == 1


def test_the_referral_page_part_shows_the_coordinator_the_actions_that_fit(client, rita, colin):
    referral = refer(rita, NIGHT)
    page = reverse("referrals:referral_detail", args=[referral.pk])
    with time_machine.travel(NIGHT + MIN, tick=False):
        client.force_login(colin)
        body = client.get(page).content.decode()
    assert 'data-action="acknowledge"' in body and 'data-action="booked"' in body
    assert 'data-action="reported"' not in body
    assert reverse("referrals:referral_update", args=[referral.pk]) in body
    acknowledge(referral, colin, NIGHT + 5 * MIN)
    with time_machine.travel(NIGHT + 6 * MIN, tick=False):
        client.force_login(colin)
        assert 'data-action="acknowledge"' not in client.get(page).content.decode()
        client.force_login(rita)
        assert "coordinator-actions" not in client.get(page).content.decode()


HOSTILE = ["", "\x00", "x" * 6000, "9" * 40, "-1", "2027-13-45T99:99", "0001-01-01T00:00", "9999-12-31T23:59",
           "\u202eevil", "mri", ["T4", "T4"], ["C0"]]  # fmt: skip


@pytest.mark.parametrize("action", ["acknowledge", "booked", "done", "reported", "advice", "note", "close", "withdraw"])
def test_hostile_values_in_every_field_are_refused_by_name_never_a_500(client, rita, colin, action):
    from referrals.coordinator_views import ACTIONS, URL_NAMES

    referral = refer(rita, NIGHT)
    form = ACTIONS[action][0](referral=referral)
    path = reverse(URL_NAMES[action], args=[referral.pk])
    baseline = {form.add_prefix(name): "" for name in form.fields} | {form.add_prefix("version"): "1"}
    with at(NIGHT + HOUR):
        client.force_login(colin)
        for name in form.fields:
            for value in HOSTILE:
                response = client.post(path, {**baseline, form.add_prefix(name): value})
                assert response.status_code in {302, 409, 422}, (name, value, response.status_code)
                if response.status_code == 422:
                    assert "invalid-feedback" in response.content.decode() or "alert" in response.content.decode()


def test_the_filter_shows_ended_referrals_after_open_ones_and_the_poll_keeps_it(client, rita, colin):
    still_open, closed = refer(rita, NIGHT, "Olive Open"), refer(rita, NIGHT, "Clem Closed")
    with at(NIGHT + HOUR):
        services.referral_end(referral=closed, user=colin, status=ReferralStatus.CLOSED, reason="Admitted elsewhere.")
    with at(NIGHT + 2 * HOUR):
        client.force_login(colin)
        default = client.get(reverse("referrals:worklist")).content.decode()
        ended = client.get(reverse("referrals:worklist"), {"show": "closed"}).content.decode()
        both = client.get(reverse("referrals:worklist"), {"show": "all"}).content.decode()
        refused = client.get(reverse("referrals:worklist"), {"show": "nonsense"}).content.decode()
    assert "Olive Open" in default and "Clem Closed" not in default
    assert "Clem Closed" in ended and "Olive Open" not in ended and 'hx-get="/referrals/worklist/?show=closed"' in ended
    assert both.index("Olive Open") < both.index("Clem Closed") and "Closed</span>" in both
    assert "Olive Open" in refused and "Select a valid choice" in refused
    assert still_open.is_open


def test_the_worklist_reads_in_as_many_queries_for_five_referrals_as_for_one(client, rita, colin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with at(NIGHT + HOUR):
            client.force_login(colin)
            client.get(reverse("referrals:worklist"), headers=HX)  # the session's own first writes
            with CaptureQueriesContext(connection) as captured:
                client.get(reverse("referrals:worklist"), headers=HX)
        return len(captured)

    refer(rita, NIGHT)
    one = queries()
    for _ in range(4):
        refer(rita, NIGHT)
    assert queries() == one


def test_a_record_that_no_longer_reads_shows_first_saying_so_and_hides_no_other(client, rita, colin, monkeypatch):
    readable, faulty = refer(rita, NIGHT, "Rea Dable"), refer(rita, NIGHT + HOUR, "Faye Faulty")
    evaluate = presenters.evaluate_version

    def evaluate_or_fail(referral, version, *, now=None):
        if referral.pk == faulty.pk:
            raise ValueError("does not read")
        return evaluate(referral, version, now=now)

    monkeypatch.setattr(presenters, "evaluate_version", evaluate_or_fail)
    shown = rows(colin, NIGHT + 2 * HOUR)
    assert [row.referral.pk for row in shown] == [faulty.pk, readable.pk]
    assert shown[0].triage.startswith("Cannot be triaged now") and shown[0].timers == ()
    with at(NIGHT + 2 * HOUR):
        client.force_login(colin)
        body = client.get(reverse("referrals:worklist")).content.decode()
    assert "Timers unknown." in body and "Rea Dable" in body
