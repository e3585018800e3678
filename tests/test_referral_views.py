"""The referral pages: the form and its live triage, saving once, versions with carried deadlines, who sees what."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEntry
from referrals.models import Referral
from tests.conftest import make_user
from tests.factories import make_case
from tests.referral_factories import make_referral

HX = {"HX-Request": "true"}
NIGHT = datetime.datetime(2027, 3, 12, 2, 10, tzinfo=datetime.UTC)
PHONE = "01632 960999"


def night_post(**changes: str | list[str] | None) -> dict:
    """The night ED referral as the form posts it: known breast cancer, leg weakness not progressing, pain on movement."""
    data: dict = {
        "patient_name": "Dora Example",
        "patient_date_of_birth": "1950-05-17",
        "patient_mrn": "RH-20417",
        "referrer_name": "Dr Rita Referrer",
        "referrer_organisation": "Riverside Hospital emergency department",
        "referrer_contact": "bleep 4411",
        "patient_location": "emergency_department",
        "cancer_status": "current",
        "cancer_type": "breast",
        "pain_assessed": "assessed",
        "pain_features": ["mechanical", "thoracic_or_cervical"],
        "neuro_findings": ["limb_weakness"],
        "neuro_history": "asked",
        "neuro_examination": "done",
        "deficit_progressing": "no",
        "ambulatory_status": "walks_with_aid",
        "walking_lost_at": "",
        "urinary_retention_confirmed": "not_checked",
        "imaging_status": "not_done",
        "imaging_modality": "",
        "imaging_booked_for": "",
        "imaging_at": "",
        "imaging_reported_at": "",
        "imaging_scope": "",
        "imaging_finding": "",
        "dexamethasone_given_at": "",
        "save_token": "7d0c2f8e-3d35-4c7e-9a57-2f3b1f0c9a11",
        "action": "save",
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@pytest.fixture(autouse=True)
def coordinator_phone(settings):
    settings.MSCC_COORDINATOR_PHONE = PHONE


@pytest.fixture
def rita_client(client, rita):
    client.force_login(rita)
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- The live triage --------------------------------------------------------------------------------


def test_the_live_panel_for_the_night_referral_says_call_now_with_the_number(rita_client):
    response = rita_client.post(reverse("referrals:referral_create"), night_post(), headers=HX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="referral-panel"' in body and "<form" not in body  # the fragment, not the page
    assert 'role="alert"' in body
    words = text_of(response)
    assert f"Call the MSCC coordinator now on {PHONE}" in words
    assert "Whole-spine MRI: within 24 hours" in words
    assert "Mobility: Immobilise (flat bed rest, log-roll)" in words and "lie on the back, flat" in words
    assert "Steroids: High-dose dexamethasone now" in words and "dexamethasone" in words
    assert "Source:" in words and "Suspected MSCC" in words
    assert "(Neurological findings: limb weakness) with Cancer: current cancer" in words  # why, in words
    assert Referral.objects.count() == 0  # the live panel never saves


def test_a_referral_without_neurological_findings_says_within_24_hours(rita_client):
    post = night_post(neuro_findings=[], deficit_progressing="")
    words = text_of(rita_client.post(reverse("referrals:referral_create"), post, headers=HX))
    assert "Contact the MSCC coordinator within 24 hours" in words
    assert "Call the MSCC coordinator now" not in words
    assert "Whole-spine MRI: within 1 week" in words


def test_t4_shows_the_fields_still_to_find_out(rita_client):
    post = night_post(neuro_history="not_asked", neuro_findings=[], deficit_progressing="", pain_assessed="not_assessed",
                      pain_features=[])  # fmt: skip
    response = rita_client.post(reverse("referrals:referral_create"), post, headers=HX)
    words = text_of(response)
    assert "Insufficient information" in words
    assert "Still to find out" in words and "Neurological history" in words and "Spinal pain" not in words
    assert "Pain features" in words
    assert "Not enough is known to triage lower (neurological history, pain features)" in words


def test_pain_not_assessed_differs_from_no_spinal_pain(rita_client):
    url = reverse("referrals:referral_create")
    none = text_of(
        rita_client.post(url, night_post(pain_features=[], neuro_findings=[], deficit_progressing=""), headers=HX)
    )
    unasked = text_of(rita_client.post(url, night_post(pain_assessed="not_assessed", pain_features=[], neuro_findings=[],
                                                       deficit_progressing=""), headers=HX))  # fmt: skip
    assert "MSCC not suspected" in none
    assert "Insufficient information" in unasked


def test_the_panel_names_each_field_that_stops_the_triage(rita_client):
    response = rita_client.post(reverse("referrals:referral_create"), night_post(cancer_type=""), headers=HX)
    assert response.status_code == 422
    assert 'data-field-error="cancer_type"' in response.content.decode()
    assert "Cancer type: required when cancer status is current or past" in text_of(response)


def test_the_panel_answers_before_the_patient_is_named(rita_client):
    response = rita_client.post(reverse("referrals:referral_create"), night_post(patient_name=""), headers=HX)
    assert response.status_code == 200 and "Call the MSCC coordinator now" in text_of(response)


# --- Saving ------------------------------------------------------------------------------------------


def test_the_empty_form_prefills_the_referrers_name(client, db):
    user = make_user("rhea", "Referrer")
    user.first_name, user.last_name = "Rhea", "Night"
    user.save()
    client.force_login(user)
    response = client.get(reverse("referrals:referral_create"))
    assert response.status_code == 200 and 'value="Rhea Night"' in response.content.decode()


def test_a_refused_save_names_each_field_and_keeps_everything_typed(rita_client):
    post = night_post(cancer_type="", patient_date_of_birth="2999-01-01")
    response = rita_client.post(reverse("referrals:referral_create"), post)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Date of birth: this is in the future." in body
    assert 'value="bleep 4411"' in body and 'value="Dora Example"' in body
    assert re.search(r'value="mechanical"[^>]*checked', body)
    assert Referral.objects.count() == 0
    # Only the rules' refusal left: it is put on the field it names.
    response = rita_client.post(reverse("referrals:referral_create"), night_post(cancer_type=""))
    assert response.status_code == 422
    assert re.search(
        r'id="id_cancer_type_error"|invalid-feedback[^>]*>\s*<strong>Cancer type: required', response.content.decode()
    )
    assert "Cancer type: required when cancer status is current or past" in text_of(response)
    assert Referral.objects.count() == 0


def test_saving_redirects_to_the_referral_and_a_resubmit_makes_no_second_one(rita_client, rita):
    url = reverse("referrals:referral_create")
    with time_machine.travel(NIGHT, tick=False):
        rita_client.force_login(rita)
        first = rita_client.post(url, night_post())
        again = rita_client.post(url, night_post())
    referral = Referral.objects.get()
    assert first.status_code == 302 and first["Location"] == referral.get_absolute_url()
    assert again.status_code == 302 and again["Location"] == referral.get_absolute_url()
    assert referral.referrer == rita and referral.received_at == NIGHT
    version = referral.versions.get()
    assert version.data["pain_features"] == ["mechanical", "thoracic_or_cervical"]
    assert version.data["urinary_retention_confirmed"] is None and version.data["imaging_levels"] is None


def test_enter_in_a_box_updates_the_triage_and_saves_nothing(rita_client):
    response = rita_client.post(reverse("referrals:referral_create"), night_post(action="preview"))
    assert response.status_code == 200 and Referral.objects.count() == 0
    assert "Call the MSCC coordinator now" in text_of(response)


def test_local_times_are_read_in_the_sites_time_zone(rita_client, rita):
    post = night_post(dexamethasone_given_at="2027-03-12T01:30")  # GMT in March: the same instant in UTC
    with time_machine.travel(NIGHT, tick=False):
        rita_client.force_login(rita)
        rita_client.post(reverse("referrals:referral_create"), post)
    assert Referral.objects.get().versions.get().data["dexamethasone_given_at"] == "2027-03-12T01:30:00+00:00"


# --- Versions ----------------------------------------------------------------------------------------


def test_an_update_makes_version_two_with_the_carried_deadlines(client, rita, colin):
    with time_machine.travel(NIGHT, tick=False):
        referral = make_referral(rita)
    url = reverse("referrals:referral_update", args=[referral.pk])
    with time_machine.travel(NIGHT + datetime.timedelta(hours=3), tick=False):
        client.force_login(colin)
        page = client.get(url)
        assert page.status_code == 200 and 'value="bleep 4411"' in page.content.decode()
        post = night_post(neuro_findings=[], deficit_progressing="", based_on="1", patient_name=None)
        response = client.post(url, post)
        detail = text_of(client.get(referral.get_absolute_url()))
    assert response.status_code == 302
    referral.refresh_from_db()
    version = referral.versions.get(number=2)
    assert referral.version == 2 and version.recorded_by == colin
    assert version.previous_deadlines["imaging"] == "2027-03-13T02:10:00+00:00"
    assert version.result["timers"]["imaging"]["basis"] == "carried"
    assert "Version 2" in detail and "Neurological findings: Limb weakness → None found" in detail


def test_a_conflicting_update_keeps_what_was_typed(client, rita, colin):
    referral = make_referral(rita)
    client.force_login(colin)
    url = reverse("referrals:referral_update", args=[referral.pk])
    assert client.post(url, night_post(based_on="1", referrer_contact="bleep 5000")).status_code == 302
    response = client.post(url, night_post(based_on="1", referrer_contact="bleep 6123"))
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-testid="conflict"' in body and 'value="bleep 6123"' in body
    assert 'name="based_on" value="2"' in body
    assert Referral.objects.get().version == 2


def test_the_same_update_sent_twice_records_one_version(client, rita):
    referral = make_referral(rita)
    client.force_login(rita)
    url = reverse("referrals:referral_update", args=[referral.pk])
    post = night_post(based_on="1", referrer_contact="bleep 5000")
    assert client.post(url, post).status_code == 302
    assert client.post(url, post).status_code == 302
    assert Referral.objects.get().versions.count() == 2


# --- The pages and who sees them ---------------------------------------------------------------------


def test_the_referral_page_shows_the_timers_with_their_targets(client, rita):
    with time_machine.travel(NIGHT, tick=False):
        referral = make_referral(rita)
    with time_machine.travel(NIGHT + datetime.timedelta(hours=1), tick=False):
        client.force_login(rita)
        words = text_of(client.get(referral.get_absolute_url()))
    assert "Dora Example" in words and f"Call the MSCC coordinator now on {PHONE}" in words
    assert "Whole-spine imaging Running 13 Mar 2027 02:10 23 h left 24 h, NICE QS56-3" in words
    assert "Coordinator acknowledges Breached 12 Mar 2027 02:40 overdue by 30 min 30 min, local (site setting)" in words
    assert AuditEntry.objects.filter(action="referral.view", target_id=str(referral.pk), actor=rita).exists()


def test_the_referrers_list_shows_their_own_newest_first(client, rita):
    other = make_user("ray", "Referrer")
    make_referral(rita)
    make_referral(rita, cancer_type="prostate")
    make_referral(other)
    client.force_login(rita)
    response = client.get(reverse("referrals:referral_list"))
    rows = re.findall(r'href="/referrals/(\d+)/"', response.content.decode())
    assert [int(pk) for pk in rows] == list(
        Referral.objects.filter(referrer=rita).order_by("-received_at", "-pk").values_list("pk", flat=True)
    )


def test_another_referrers_referral_is_404(client, rita):
    referral = make_referral(rita)
    client.force_login(make_user("ray", "Referrer"))
    for name in ("referrals:referral_detail", "referrals:referral_update"):
        assert client.get(reverse(name, args=[referral.pk])).status_code == 404


def test_a_clinician_without_the_case_is_404(client, rita, alice, bob):
    referral = make_referral(rita)
    referral.case = make_case(bob)
    referral.save()
    client.force_login(alice)
    for name in ("referrals:referral_detail", "referrals:referral_update"):
        assert client.get(reverse(name, args=[referral.pk])).status_code == 404
    assert client.get(reverse("referrals:referral_create")).status_code == 404
    assert client.get(reverse("referrals:referral_list")).status_code == 404


def test_the_clinician_of_the_case_sees_the_referral_but_adds_no_version(client, rita, bob):
    referral = make_referral(rita)
    referral.case = make_case(bob)
    referral.save()
    client.force_login(bob)
    assert client.get(referral.get_absolute_url()).status_code == 200
    assert client.get(reverse("referrals:referral_update", args=[referral.pk])).status_code == 403


def test_the_referrer_and_the_coordinator_see_the_menu(client, rita, colin, alice):
    for user, shown in ((rita, True), (colin, True), (alice, False)):
        client.force_login(user)
        body = client.get(reverse("home")).content.decode()
        assert ('href="/referrals/new/"' in body) is shown, user


def test_a_closed_referral_takes_no_version(client, rita, colin):
    from referrals import services
    from referrals.models import ReferralStatus

    referral = make_referral(rita)
    services.referral_end(referral=referral, user=colin, status=ReferralStatus.CLOSED, reason="Scan clear.")
    for user in (rita, colin):
        client.force_login(user)
        url = reverse("referrals:referral_update", args=[referral.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, night_post(based_on="1")).status_code == 403
        assert "Update the findings" not in client.get(referral.get_absolute_url()).content.decode()
    assert Referral.objects.get().version == 1


def test_a_refused_version_records_no_view_of_the_referral(client, rita, bob):
    referral = make_referral(rita)
    referral.case = make_case(bob)
    referral.save()
    client.force_login(bob)
    client.get(reverse("referrals:referral_update", args=[referral.pk]))
    assert not AuditEntry.objects.filter(action="referral.view", actor=bob).exists()
