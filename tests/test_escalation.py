"""Escalation: the coordinator reaches whom the rules' escalation names (10.7) on the on-call list admins keep,
in the app and by e-mail through the task queue; the referral's log and the audit trail say whom it reached."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from board import services as board_services
from board.models import EmailDelivery, Notification
from referrals import services
from referrals.models import EntryKind, OnCall, ReferralEntry, ReferralStatus
from tests.conftest import make_user
from tests.referral_factories import make_referral

IMMEDIATE = {"deficit_progressing": "yes"}  # T2 with the window "immediately"
NO_KNOWN_CANCER = {"cancer_status": "none_known", "cancer_type": None}  # T3
PAIN_ONLY = {"neuro_findings": [], "deficit_progressing": None}  # T5: the coordinator reviews, nobody on call
HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def referral_page(settings):
    """The coordinator's number the referral page shows."""
    settings.MSCC_COORDINATOR_PHONE = "01632 960999"


def on_call(person, role, *, phone="bleep 1234", starts=-HOUR, ends=HOUR) -> OnCall:
    now = timezone.now()
    return OnCall.objects.create(role=role, person=person, phone=phone, starts_at=now + starts, ends_at=now + ends)


@pytest.fixture
def rota(alice, bob, carol):
    """bob the spinal surgeon, alice the clinical oncologist and carol the emergency spinal team, on call now."""
    for user in (alice, bob, carol):
        user.email = f"{user.username}@hospital.test"
        user.save()
    on_call(bob, "spinal_surgeon", phone="bleep 2201")
    on_call(alice, "clinical_oncologist", phone="07700 900123")
    on_call(carol, "spinal_team", phone="bleep 3300")


def reached(entry: ReferralEntry) -> set[tuple[str, int]]:
    return {(r["role"], r["user"]) for r in entry.details["reached"]}


@pytest.mark.parametrize(
    ("changes", "escalation", "whom"),
    [
        (IMMEDIATE, "spinal_surgeon_and_clinical_oncologist_now", {("spinal_surgeon", "bob"), ("clinical_oncologist", "alice")}),
        (NO_KNOWN_CANCER, "emergency_spinal_team_now", {("spinal_team", "carol")}),
        ({}, "senior_clinical_advisers_on_report", {("spinal_surgeon", "bob"), ("clinical_oncologist", "alice")}),
    ],
)  # fmt: skip
def test_each_escalation_reaches_the_roles_it_names(rita, colin, rota, changes, escalation, whom):
    referral = make_referral(rita, **changes)
    entry = services.referral_escalate(referral=referral, user=colin)
    users = {o.person.username: o.person_id for o in OnCall.objects.select_related("person")}
    assert entry.details["escalation"] == escalation
    assert reached(entry) == {(role, users[name]) for role, name in whom}
    assert {n.recipient.username for n in Notification.objects.all()} == {name for _, name in whom}


def test_the_spinal_team_falls_back_to_the_spinal_surgeon_when_no_team_is_listed(rita, colin, bob):
    on_call(bob, "spinal_surgeon")
    entry = services.referral_escalate(referral=make_referral(rita, **NO_KNOWN_CANCER), user=colin)
    assert reached(entry) == {("spinal_surgeon", bob.pk)}
    assert entry.details["unanswered"] == []


def test_everyone_on_call_for_a_role_now_is_reached_and_nobody_off_duty(rita, colin, alice, bob, carol):
    on_call(bob, "spinal_surgeon")
    on_call(carol, "spinal_surgeon")  # two surgeons cover the night
    on_call(alice, "clinical_oncologist", starts=-3 * HOUR, ends=-HOUR)  # ended
    dora = make_user("dora")
    on_call(dora, "clinical_oncologist", starts=HOUR, ends=3 * HOUR)  # not yet
    entry = services.referral_escalate(referral=make_referral(rita, **IMMEDIATE), user=colin)
    assert reached(entry) == {("spinal_surgeon", bob.pk), ("spinal_surgeon", carol.pk)}
    assert entry.details["unanswered"] == ["clinical_oncologist"]
    assert "Nobody on call as clinical oncologist" in entry.text


def test_the_escalation_is_told_in_the_app_and_queued_by_e_mail_without_the_patient(
    rita, colin, rota, django_capture_on_commit_callbacks
):
    referral = make_referral(rita, **IMMEDIATE)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.referral_escalate(referral=referral, user=colin)
    assert len(queued) == 2  # one e-mail each for bob and alice, queued once the escalation is saved
    deliveries = EmailDelivery.objects.select_related("notification")
    assert {d.to for d in deliveries} == {"bob@hospital.test", "alice@hospital.test"}
    note = Notification.objects.get(recipient__username="bob")
    assert (note.kind, note.case, note.link) == ("referral_escalated", None, referral.get_absolute_url())
    assert f"Referral {referral.pk}" in note.subject and "spinal surgeon" in note.subject
    assert "01632 960999" in note.subject and "Colin" in note.subject
    for identifier in ("Dora", "Example", "RH-20417", "1950"):
        assert identifier not in note.subject


def test_the_log_and_the_audit_trail_name_whom_it_reached(rita, colin, alice, bob, rota):
    referral = make_referral(rita, **IMMEDIATE)
    services.referral_escalate(referral=referral, user=colin)
    entry = ReferralEntry.objects.get(referral=referral, kind=EntryKind.ESCALATED)
    assert (entry.by, entry.details["version"]) == (colin, 1)
    assert (
        "Bob (spinal surgeon, bleep 2201)" in entry.text and "Alice (clinical oncologist, 07700 900123)" in entry.text
    )
    audit = AuditEntry.objects.get(action="referral.escalate")
    assert (audit.actor, audit.target_id) == (colin, str(referral.pk))
    assert audit.details["entry"] == entry.pk
    assert {(r["role"], r["user"]) for r in audit.details["reached"]} == {
        ("spinal_surgeon", bob.pk), ("clinical_oncologist", alice.pk)
    }  # fmt: skip


def test_nobody_on_call_is_said_plainly_and_nothing_is_sent(rita, colin):
    referral = make_referral(rita, **IMMEDIATE)
    with pytest.raises(services.EscalationRefused) as refused:
        services.referral_escalate(referral=referral, user=colin)
    assert "Nobody is on call now as spinal surgeon and clinical oncologist" in str(refused.value)
    assert "Admins keep the on-call list" in str(refused.value)
    assert not Notification.objects.exists() and not ReferralEntry.objects.filter(kind=EntryKind.ESCALATED).exists()
    assert not AuditEntry.objects.filter(action="referral.escalate").exists()


def test_an_escalation_that_calls_nobody_on_call_is_refused(rita, colin, rota):
    with pytest.raises(services.EscalationRefused, match="Coordinator reviews the scan result"):
        services.referral_escalate(referral=make_referral(rita, **PAIN_ONLY), user=colin)
    assert not Notification.objects.exists()


def test_a_closed_referral_is_not_escalated(rita, colin, rota):
    referral = make_referral(rita, **IMMEDIATE)
    services.referral_end(referral=referral, user=colin, status=ReferralStatus.CLOSED, reason="Seen")
    with pytest.raises(services.ReferralClosed):
        services.referral_escalate(referral=referral, user=colin)


# --- The page ------------------------------------------------------------------------------------


def test_the_coordinator_is_offered_the_button_with_the_names_and_phones(client, rita, colin, rota):
    referral = make_referral(rita, **IMMEDIATE)
    client.force_login(colin)
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "Escalate to Bob and Alice now" in page
    assert "Bob, on call as spinal surgeon" in page and "bleep 2201" in page and "07700 900123" in page
    assert reverse("referrals:referral_escalate", args=[referral.pk]) in page


def test_the_part_says_plainly_that_nobody_is_on_call(client, rita, colin):
    referral = make_referral(rita, **IMMEDIATE)
    client.force_login(colin)
    page = client.get(referral.get_absolute_url()).content.decode()
    assert 'id="escalate"' not in page
    assert "Nobody is on call now as spinal surgeon and clinical oncologist" in page
    assert "Admins keep the on-call list" in page


def test_no_button_where_the_escalation_needs_nobody_on_call_or_for_the_referrer(client, rita, colin, rota):
    coordinator_review = make_referral(rita, **PAIN_ONLY)
    client.force_login(colin)
    assert ' id="escalation"' not in client.get(coordinator_review.get_absolute_url()).content.decode()
    client.force_login(rita)
    assert ' id="escalation"' not in client.get(make_referral(rita, **IMMEDIATE).get_absolute_url()).content.decode()


def test_the_button_escalates_and_htmx_gets_the_part_saying_whom_it_reached(client, rita, colin, rota):
    referral = make_referral(rita, **IMMEDIATE)
    client.force_login(colin)
    response = client.post(reverse("referrals:referral_escalate", args=[referral.pk]), headers={"HX-Request": "true"})
    part = response.content.decode()
    assert response.status_code == 200 and part.lstrip().startswith('<section id="escalation"')
    assert "Escalated to Bob (spinal surgeon, bleep 2201); Alice (clinical oncologist, 07700 900123)" in part
    assert "told in the app and by e-mail" in part
    assert Notification.objects.count() == 2


def test_the_button_without_htmx_goes_back_to_the_referral_page(client, rita, colin, rota):
    referral = make_referral(rita, **IMMEDIATE)
    client.force_login(colin)
    response = client.post(reverse("referrals:referral_escalate", args=[referral.pk]))
    assert (response.status_code, response["Location"]) == (302, referral.get_absolute_url())
    assert ReferralEntry.objects.filter(kind=EntryKind.ESCALATED).count() == 1


def test_a_refusal_is_said_where_the_button_was(client, rita, colin):
    referral = make_referral(rita, **IMMEDIATE)
    client.force_login(colin)
    response = client.post(reverse("referrals:referral_escalate", args=[referral.pk]), headers={"HX-Request": "true"})
    assert 'data-testid="escalation-refused"' in response.content.decode()
    assert "Nobody is on call now" in response.content.decode()


@pytest.mark.parametrize("who", ["rita", "alice", "carol", "dave"])
def test_only_the_coordinator_may_escalate(client, rita, alice, carol, dave, rota, who):
    referral = make_referral(rita, **IMMEDIATE)
    client.force_login({"rita": rita, "alice": alice, "carol": carol, "dave": dave}[who])
    assert client.post(reverse("referrals:referral_escalate", args=[referral.pk])).status_code == 404
    assert not Notification.objects.exists()


def test_escalating_is_a_post(client, rita, colin, rota):
    client.force_login(colin)
    assert client.get(reverse("referrals:referral_escalate", args=[make_referral(rita).pk])).status_code == 405


# --- The on-call list admins keep ----------------------------------------------------------------


def test_admins_keep_the_on_call_list_and_each_change_is_audited(dave_client, dave, bob):
    add = reverse("admin:referrals_oncall_add")
    form = {"role": "spinal_surgeon", "person": bob.pk, "phone": "bleep 2201",
            "starts_at_0": "2026-12-07", "starts_at_1": "20:00", "ends_at_0": "2026-12-08", "ends_at_1": "08:00"}  # fmt: skip
    assert dave_client.post(add, form).status_code == 302
    entry = OnCall.objects.get()
    dave_client.post(reverse("admin:referrals_oncall_change", args=[entry.pk]), {**form, "phone": "bleep 2202"})
    dave_client.post(reverse("admin:referrals_oncall_delete", args=[entry.pk]), {"post": "yes"})
    assert not OnCall.objects.exists()
    changes = AuditEntry.objects.filter(action="oncall.change").order_by("pk")
    assert [(e.actor, e.details["change"], e.details["person"]) for e in changes] == [
        (dave, "add", bob.pk), (dave, "change", bob.pk), (dave, "delete", bob.pk)
    ]  # fmt: skip
    assert changes[0].details["role"] == "spinal_surgeon"


def test_the_on_call_list_refuses_an_end_before_the_start(dave_client, bob):
    form = {"role": "mscc_lead", "person": bob.pk, "phone": "1", "starts_at_0": "2026-12-08", "starts_at_1": "08:00",
            "ends_at_0": "2026-12-07", "ends_at_1": "20:00"}  # fmt: skip
    response = dave_client.post(reverse("admin:referrals_oncall_add"), form)
    assert response.status_code == 200 and "Until: must be after the start" in response.content.decode()
    assert not OnCall.objects.exists()


def test_the_on_call_list_is_named_in_words_for_admins_only(client, dave, alice):
    client.force_login(dave)
    index = client.get(reverse("admin:index")).content.decode()
    assert "MSCC referrals" in index and "On-call entries" in index
    client.force_login(alice)
    assert client.get(reverse("admin:referrals_oncall_changelist")).status_code == 302


def test_the_demo_puts_bob_alice_and_erin_on_call_now(db, settings, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setenv("DEBUG", "true")
    call_command("seed_demo")
    call_command("seed_demo_on_call")
    call_command("seed_demo_on_call")  # again: the same three entries, renewed
    now = timezone.now()
    on_call_now = OnCall.objects.filter(starts_at__lte=now, ends_at__gt=now)
    assert set(on_call_now.values_list("person__username", "role")) == {
        ("bob", "spinal_surgeon"), ("alice", "clinical_oncologist"), ("erin", "mscc_lead")
    }  # fmt: skip
    assert OnCall.objects.count() == 3


def test_the_notification_list_shows_the_escalation_by_its_words_and_links_to_the_referral(client, rita, colin, rota):
    referral = make_referral(rita, **IMMEDIATE)
    services.referral_escalate(referral=referral, user=colin)
    client.force_login(User.objects.get(username="bob"))
    page = client.get(reverse("meetings:notification_list")).content.decode()
    assert f'<a href="{referral.get_absolute_url()}">A referral was escalated to you: Referral {referral.pk}' in page
    assert 'data-kind="referral_escalated"' in page and "Dora" not in page


def test_those_the_escalation_reached_open_the_referral_and_no_one_else(client, rita, colin, rota):
    referral = make_referral(rita, **IMMEDIATE)
    services.referral_escalate(referral=referral, user=colin)
    for username, status in (("bob", 200), ("alice", 200), ("carol", 404)):  # carol's team is not called
        client.force_login(User.objects.get(username=username))
        assert client.get(referral.get_absolute_url()).status_code == status, username


def test_a_notification_names_its_case_or_its_subject_and_page(bob):
    with pytest.raises(ValueError, match="names its case, or its subject"):
        board_services.notification_create(recipient=bob, kind="timer_breached", subject="Referral 1")
    with pytest.raises(IntegrityError):
        Notification.objects.create(recipient=bob, kind="timer_breached", subject="", link="/referrals/1/")
