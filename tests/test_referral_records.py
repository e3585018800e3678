"""Referrals as stored: versions with carried deadlines, the events the rules read, who may see them, what is audited."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEntry
from referrals import selectors, services
from referrals.evaluation import decision_type_of, evaluate_version, events_of
from referrals.models import EntryKind, ReferralStatus
from tests.conftest import make_user
from tests.referral_factories import make_referral, referral_data

NIGHT = datetime.datetime(2027, 3, 12, 2, 10, tzinfo=datetime.UTC)


def timer(result, name):
    return next(t for t in result.timers if t.name == name)


@pytest.mark.django_db
def test_a_referral_is_received_now_triaged_and_kept_as_version_one(rita):
    with time_machine.travel(NIGHT, tick=False):
        referral = make_referral(rita)
    assert referral.received_at == NIGHT
    assert (referral.triage, referral.triage_rank, referral.next_step) == ("suspected_mscc", 0, "arrange_imaging")
    version = referral.versions.get()
    assert version.number == 1 and version.data["received_at"] == "2027-03-12T02:10:00+00:00"
    assert version.result["imaging_within"] == "24_hours" and version.result["contact_coordinator"] == "immediately"
    assert AuditEntry.objects.filter(action="referral.create", target_id=str(referral.pk)).count() == 1


@pytest.mark.django_db
def test_an_invalid_referral_is_refused_naming_each_field(rita):
    with pytest.raises(services.ReferralInvalid) as refused:
        make_referral(rita, cancer_type=None)
    assert set(refused.value.errors) == {"cancer_type"}


@pytest.mark.django_db
def test_a_fall_in_triage_keeps_the_24_hour_imaging_deadline(rita, colin):
    with time_machine.travel(NIGHT, tick=False):
        referral = make_referral(rita)
    later = NIGHT + datetime.timedelta(hours=3)
    with time_machine.travel(later, tick=False):
        # The weakness was a misreading: pain only, so T5 with its week, but the 24 hours already run on.
        version = services.referral_version_add(
            referral=referral, user=colin, data=referral_data(neuro_findings=[], deficit_progressing=None), based_on=1
        )
        result = evaluate_version(referral, version)
    assert version.previous_deadlines["imaging"] == "2027-03-13T02:10:00+00:00"
    assert result.triage == "suspected_spinal_metastases"
    imaging = timer(result, "imaging")
    assert imaging.deadline == NIGHT + datetime.timedelta(hours=24) and imaging.basis == "carried"
    assert referral.version == 2 and referral.triage == "suspected_spinal_metastases"


@pytest.mark.django_db
def test_a_version_based_on_an_older_one_is_a_conflict(rita, colin):
    referral = make_referral(rita)
    services.referral_version_add(referral=referral, user=colin, data=referral_data(), based_on=1)
    with pytest.raises(services.ReferralConflict):
        services.referral_version_add(referral=referral, user=rita, data=referral_data(), based_on=1)


@pytest.mark.django_db
def test_acknowledging_stops_the_acknowledge_timer_once(rita, colin):
    with time_machine.travel(NIGHT, tick=False):
        referral = make_referral(rita)
    with time_machine.travel(NIGHT + datetime.timedelta(minutes=12), tick=False):
        services.referral_acknowledge(referral=referral, user=colin)
    with time_machine.travel(NIGHT + datetime.timedelta(minutes=50), tick=False):
        services.referral_acknowledge(referral=referral, user=colin)
        referral.refresh_from_db()
        result = evaluate_version(referral, referral.versions.get())
    acknowledge = timer(result, "acknowledge")
    assert acknowledge.stop == NIGHT + datetime.timedelta(minutes=12) and acknowledge.status == "met"
    assert referral.entries.filter(kind=EntryKind.ACKNOWLEDGED).count() == 1
    assert AuditEntry.objects.filter(action="referral.acknowledge").count() == 1


@pytest.mark.django_db
def test_a_withdrawn_referral_takes_no_new_version(rita, colin):
    referral = make_referral(rita)
    services.referral_end(referral=referral, user=colin, status=ReferralStatus.WITHDRAWN, reason="Wrong patient")
    with pytest.raises(services.ReferralClosed):
        services.referral_version_add(referral=referral, user=colin, data=referral_data(), based_on=1)
    assert AuditEntry.objects.filter(action="referral.withdraw").count() == 1


@pytest.mark.django_db
def test_a_referrer_sees_only_their_own_referrals_and_the_coordinator_every_one(rita, colin, alice):
    mine = make_referral(rita)
    other = make_referral(make_user("rhona", "Referrer"))
    assert selectors.referral_get_for_view(user=rita, pk=mine.pk) == mine
    with pytest.raises(Http404):
        selectors.referral_get_for_view(user=rita, pk=other.pk)
    with pytest.raises(Http404):
        selectors.referral_get_for_view(user=alice, pk=mine.pk)
    assert {r.pk for r in selectors.worklist_referrals(user=colin)} == {mine.pk, other.pk}
    with pytest.raises(Http404):
        selectors.worklist_referrals(user=rita)


@pytest.mark.django_db
def test_every_referral_a_page_shows_is_recorded_as_read(rita, colin):
    shown = [make_referral(rita), make_referral(rita)]
    selectors.worklist_referrals(user=colin)
    recorded = set(AuditEntry.objects.filter(action="referral.view", actor=colin).values_list("target_id", flat=True))
    assert recorded == {str(r.pk) for r in shown}


@pytest.mark.django_db
def test_the_board_decision_and_treatment_start_of_its_case_are_the_referral_s_events(rita):
    from tests.factories import make_case

    referral = make_referral(rita)
    case = make_case(make_user("ann", "Clinician"))
    case.decided_at = timezone.now()
    case.board_pathway_code = "cebrt"
    case.treatment_start_at = case.decided_at + datetime.timedelta(hours=5)
    referral.case = case
    events = events_of(referral)
    assert events["decision_type"] == "radiotherapy" and set(events) == {
        "decision_at", "decision_type", "treatment_started_at"
    }  # fmt: skip
    case.board_pathway_code = "separation_surgery_sbrt"
    assert decision_type_of(case) == "surgery"
    case.board_pathway_code = "other"
    assert decision_type_of(case) == "other"


@pytest.mark.django_db
def test_a_referrer_of_another_hospital_gets_the_role_from_the_directory_or_single_sign_on_like_anyone():
    from accounts.backends import has_a_role
    from accounts.services import user_roles_sync

    user = make_user("eddie")
    assert not has_a_role(user)
    user_roles_sync(user=user, granted={"referrer"})
    assert set(user.groups.values_list("name", flat=True)) == {"Referrer"} and has_a_role(user)
    user_roles_sync(user=user, granted={"mscc_coordinator"})
    assert set(user.groups.values_list("name", flat=True)) == {"MSCC coordinator"}
