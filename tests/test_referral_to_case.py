"""From referral to case (10.8): the prefill with its provenance and confirmations, the link, the clock, the outcome told."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from assessments.models import Case
from audit.models import AuditEntry
from board import services as board_services
from board.models import EmailDelivery, Notification, NotificationKind
from referrals import services
from referrals.evaluation import evaluate_version
from referrals.models import EntryKind, VersionReason
from tests.conftest import make_user
from tests.factories import form_post, lesion
from tests.referral_factories import make_referral, referral_data

NIGHT = datetime.datetime(2026, 3, 12, 2, 10, tzinfo=datetime.UTC)
MORNING = NIGHT + datetime.timedelta(hours=7)
REPORTED = {
    "imaging_status": "reported",
    "imaging_modality": "mri",
    "imaging_at": "2026-03-12T06:00:00+00:00",
    "imaging_reported_at": "2026-03-12T07:30:00+00:00",
    "imaging_scope": "whole_spine",
    "imaging_finding": "mscc",
    "imaging_levels": ["T6", "T7"],
}
# What the night referral's prefill proposes (10.8's table), as the form posts it.
PROPOSED = {
    "mrn": "RH-20417",
    "patient_name": "Dora Example",
    "date_of_birth": "1950-05-17",
    "neurologic_deficit": "true",
    "deficit_progressing": "false",
    "motor_status": "ambulatory_with_aid",
    "urinary_symptoms": "false",
    "histology": "breast",
    "lesions": "T6,T7",
}


@pytest.fixture
def colin_clinician(colin):
    """The coordinator who is also a clinician: the usual one to create the assessment."""
    colin.groups.add(Group.objects.get_or_create(name=roles.CLINICIAN)[0])
    return colin


def reported_referral(referrer, colin, **changes):
    """The night referral, then the morning's version recording the MRI report with metastases at T6 and T7."""
    with time_machine.travel(NIGHT, tick=False):
        referral = make_referral(referrer, **changes)
    with time_machine.travel(MORNING, tick=False):
        services.referral_version_add(
            referral=referral,
            user=colin,
            data=referral_data(**{**changes, **REPORTED}),
            based_on=1,
            reason=VersionReason.IMAGING,
        )
    referral.refresh_from_db()
    assert referral.next_step == "create_assessment"
    return referral


def start(client, referral, **post) -> str:
    """Create the assessment from the referral; the address of the new-case page it opens."""
    response = client.post(reverse("referrals:referral_case_create", args=[referral.pk]), post)
    assert response.status_code == 302, response.content[:400]
    assert response["Location"].startswith(reverse("assessments:case_create") + "?start=")
    return response["Location"]


def case_entries(page_html: str, **changes) -> dict[str, str]:
    """The full case form as a clinician completes it after the prefill (the rest of section 1 typed)."""
    key = re.search(r'name="case_start" value="([^"]+)"', page_html).group(1)
    data = form_post(
        lesions=[lesion("T6", index=True), lesion("T7")],
        histology="breast",
        mrn="RH-20417",
        patient_name="Dora Example",
        date_of_birth="1950-05-17",
        case_start=key,
    )
    data.pop("lesions-index", None)
    data["lesions-index"] = "0"
    data.update(changes)
    return data


def confirmations(*names: str) -> dict[str, str]:
    return {f"confirm_{name}": "on" for name in (names or PROPOSED)}


@pytest.mark.django_db
def test_the_prefill_opens_with_each_value_and_its_provenance(client, rita, colin_clinician):
    referral = reported_referral(rita, colin_clinician)
    client.force_login(colin_clinician)
    page = client.get(start(client, referral))
    html = page.content.decode()
    assert page.status_code == 200
    shown = set(re.findall(r'data-prefilled="([a-z_]+)"', html))
    assert shown == set(PROPOSED)
    assert f"referral {referral.pk} version 2" in html and "Dr Rita Referrer" in html
    recorded = timezone.localtime(MORNING)
    assert f"recorded {recorded.day} {recorded:%b %Y %H:%M}" in html  # when the version was recorded
    assert 'value="Dora Example"' in html and 'value="RH-20417"' in html and 'value="1950-05-17"' in html
    assert 'name="lesions-0-spinal_level"' in html and 'name="lesions-1-spinal_level"' in html
    assert "pain on movement (mechanical pain): a hint" in html
    assert f'href="{reverse("referrals:referral_detail", args=[referral.pk])}"' in html


@pytest.mark.django_db
def test_a_field_not_in_the_table_is_never_prefilled(client, rita, colin_clinician):
    # Retention not yet known: unset, so not proposed; the findings only a clinician makes are never proposed.
    referral = reported_referral(rita, colin_clinician, urinary_retention_confirmed=None)
    client.force_login(colin_clinician)
    html = client.get(start(client, referral)).content.decode()
    shown = set(re.findall(r'data-prefilled="([a-z_]+)"', html))
    for never in ("urinary_retention", "escc_grade", "expected_survival", "surgical_candidate", "sins_pain"):
        assert never not in shown
    assert 'name="confirm_escc_grade"' not in html and 'name="confirm_hours_nonambulatory"' not in html


@pytest.mark.django_db
def test_the_save_is_refused_until_each_prefilled_value_is_confirmed_naming_it(client, rita, colin_clinician):
    referral = reported_referral(rita, colin_clinician)
    client.force_login(colin_clinician)
    html = client.get(start(client, referral)).content.decode()
    unconfirmed = case_entries(html, **confirmations(*[name for name in PROPOSED if name != "motor_status"]))
    refused = client.post(reverse("assessments:case_create"), unconfirmed)
    assert refused.status_code == 422
    text = refused.content.decode()
    assert f"Motor status (walking now): confirm the value from referral {referral.pk} version 2, or change it." in text
    assert 'data-field-error="confirm_motor_status"' in text
    assert Case.objects.count() == 0
    referral.refresh_from_db()
    assert referral.case is None


@pytest.mark.django_db
def test_a_changed_value_needs_no_confirmation(client, rita, colin_clinician):
    referral = reported_referral(rita, colin_clinician)
    client.force_login(colin_clinician)
    html = client.get(start(client, referral)).content.decode()
    confirmed = confirmations(*[name for name in PROPOSED if name != "motor_status"])
    saved = client.post(reverse("assessments:case_create"), case_entries(html, motor_status="ambulatory", **confirmed))
    assert saved.status_code == 302
    assert Case.objects.get().motor_status == "ambulatory"


@pytest.mark.django_db
def test_the_confirmed_save_links_the_case_to_the_referral_logged_and_audited(client, rita, colin_clinician):
    referral = reported_referral(rita, colin_clinician)
    client.force_login(colin_clinician)
    html = client.get(start(client, referral)).content.decode()
    entries = case_entries(html, save_token=str(uuid.uuid4()), **confirmations())
    saved = client.post(reverse("assessments:case_create"), entries)
    assert saved.status_code == 302
    case = Case.objects.get()
    referral.refresh_from_db()
    assert referral.case == case and referral.case_created_by_hand is False
    entry = referral.entries.get(kind=EntryKind.CASE_CREATED)
    assert entry.by == colin_clinician and entry.details == {"case": case.pk, "version": 2, "by_hand": False}
    assert AuditEntry.objects.filter(action="referral.case_create", target_id=str(referral.pk)).count() == 1
    # The case page names where it came from.
    page = client.get(case.get_absolute_url()).content.decode()
    assert f"From referral {referral.pk}" in page
    # A repeated save (the same token) makes no second case and no second link.
    again = client.post(reverse("assessments:case_create"), entries)
    assert again.status_code == 302 and Case.objects.count() == 1
    assert referral.entries.filter(kind=EntryKind.CASE_CREATED).count() == 1


@pytest.mark.django_db
def test_a_case_created_by_hand_on_a_provisional_report_is_recorded_so(client, rita, colin_clinician):
    with time_machine.travel(NIGHT, tick=False):
        referral = make_referral(rita)  # imaging not reported yet: the rules offer no assessment
    client.force_login(colin_clinician)
    part = client.get(reverse("referrals:referral_case", args=[referral.pk])).content.decode()
    assert "Create assessment by hand" in part
    refused = client.post(reverse("referrals:referral_case_create", args=[referral.pk]))
    assert refused.status_code == 422
    assert "A provisional report shows spinal metastases: this is required." in refused.content.decode()
    html = client.get(start(client, referral, provisional_report="on")).content.decode()
    # Only the patient's identifiers: no finding is proposed before a report.
    assert set(re.findall(r'data-prefilled="([a-z_]+)"', html)) == {"mrn", "patient_name", "date_of_birth"}
    data = case_entries(html, **confirmations("mrn", "patient_name", "date_of_birth"))
    assert client.post(reverse("assessments:case_create"), data).status_code == 302
    referral.refresh_from_db()
    assert referral.case is not None and referral.case_created_by_hand is True
    assert referral.entries.get(kind=EntryKind.CASE_CREATED).details["by_hand"] is True


@pytest.mark.django_db
def test_only_a_clinician_who_may_see_the_referral_creates_its_assessment(client, rita, colin, alice):
    referral = reported_referral(rita, colin)
    client.force_login(colin)  # the coordinator alone is no clinician
    assert client.post(reverse("referrals:referral_case_create", args=[referral.pk])).status_code == 404
    assert (
        "Create assessment" not in client.get(reverse("referrals:referral_case", args=[referral.pk])).content.decode()
    )
    client.force_login(alice)  # a clinician who may not see the referral
    assert client.post(reverse("referrals:referral_case_create", args=[referral.pk])).status_code == 404


@pytest.mark.django_db
def test_dexamethasone_started_at_triage_is_shown_on_the_case_page(client, rita, colin_clinician):
    given = "2026-03-12T02:00:00+00:00"
    referral = reported_referral(rita, colin_clinician, dexamethasone_given_at=given)
    client.force_login(colin_clinician)
    html = client.get(start(client, referral)).content.decode()
    assert client.post(reverse("assessments:case_create"), case_entries(html, **confirmations())).status_code == 302
    case = Case.objects.get()
    assert case.result["steroids"] == "high_dose"
    page = client.get(case.get_absolute_url()).content.decode()
    moment = timezone.localtime(datetime.datetime.fromisoformat(given))
    assert (
        f"Started at triage at {moment.day} {moment:%b %Y %H:%M}: continue 16 mg a day in divided doses; "
        "no further loading dose"
    ) in page


def linked_case(client, referral, colin_clinician) -> Case:
    client.force_login(colin_clinician)
    with time_machine.travel(MORNING + datetime.timedelta(hours=1), tick=False):
        html = client.get(start(client, referral)).content.decode()
        assert client.post(reverse("assessments:case_create"), case_entries(html, **confirmations())).status_code == 302
    return Case.objects.get()


def timers_of(referral) -> dict[str, str]:
    referral.refresh_from_db()
    result = evaluate_version(referral, referral.versions.get(number=referral.version))
    return {timer.name.value: timer.status.value for timer in result.timers}


def decide(case, by):
    board_services.case_submit_to_board(case=case, user=case.owner, question="Surgery?", meeting_date=None)
    case.refresh_from_db()
    return board_services.board_decision_record(
        case=case,
        signed_by=by,
        meeting_date=datetime.date(2026, 3, 12),
        pathway_code=case.pathway_code,
        other_pathway_text="",
        reason="",
        attendees="Carol (oncology)",
    )


@pytest.mark.django_db
def test_the_decision_and_treatment_timers_follow_the_case(client, rita, colin_clinician, carol):
    referral = reported_referral(rita, colin_clinician)
    case = linked_case(client, referral, colin_clinician)
    with time_machine.travel(MORNING + datetime.timedelta(hours=2), tick=False):
        assert timers_of(referral)["decision"] == "running"
        decide(case, carol)
        assert timers_of(referral)["decision"] == "met"
    case.refresh_from_db()
    started = MORNING + datetime.timedelta(hours=3)
    with time_machine.travel(started, tick=False):
        board_services.case_treatment_start_record(case=case, user=case.owner, started_at=started)
        assert timers_of(referral)["treatment"] == "met"


@pytest.mark.django_db
def test_a_late_decision_breaches_the_referrals_decision_timer(client, rita, colin_clinician, carol):
    referral = reported_referral(rita, colin_clinician)
    case = linked_case(client, referral, colin_clinician)
    with time_machine.travel(MORNING + datetime.timedelta(days=3), tick=False):
        decide(case, carol)
        assert timers_of(referral)["decision"] == "breached"


@pytest.mark.django_db
def test_the_referrer_is_told_the_outcome_and_sees_the_decision_not_the_case(client, rita, colin_clinician, carol):
    rita.email = "rita@riverside.example"
    rita.save()
    referral = reported_referral(rita, colin_clinician)
    case = linked_case(client, referral, colin_clinician)
    with time_machine.travel(MORNING + datetime.timedelta(hours=2), tick=False):
        decision = decide(case, carol)
    note = Notification.objects.get(recipient=rita)
    assert note.kind == NotificationKind.REFERRAL_OUTCOME and note.case == case
    assert EmailDelivery.objects.get(notification=note).to == "rita@riverside.example"
    told = referral.entries.get(kind=EntryKind.OUTCOME_TOLD)
    assert told.by == carol and told.details["decision"] == decision.pk
    assert AuditEntry.objects.filter(action="referral.outcome", target_id=str(referral.pk)).count() == 1
    client.force_login(rita)
    page = client.get(reverse("referrals:referral_case", args=[referral.pk])).content.decode()
    assert 'id="referral-outcome"' in page and "The tumor board decided:" in page and "12 Mar 2026" in page
    assert case.get_absolute_url() not in page  # the referrer does not get the case
    assert client.get(case.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_another_referrer_sees_nothing(client, rita, colin_clinician, carol):
    referral = reported_referral(rita, colin_clinician)
    case = linked_case(client, referral, colin_clinician)
    decide(case, carol)
    client.force_login(make_user("rhys", roles.REFERRER))
    assert client.get(reverse("referrals:referral_case", args=[referral.pk])).status_code == 404
    assert client.post(reverse("referrals:referral_case_create", args=[referral.pk])).status_code == 404
    assert not Notification.objects.filter(recipient__username="rhys").exists()


@pytest.mark.django_db
def test_the_result_is_held_back_until_each_prefilled_value_is_confirmed(client, rita, colin_clinician):
    referral = reported_referral(rita, colin_clinician)
    client.force_login(colin_clinician)
    opened = client.get(start(client, referral)).content.decode()
    assert 'data-missing="confirm_neurologic_deficit"' in opened
    htmx = {"HX-Request": "true"}
    held = client.post(reverse("assessments:case_create"), case_entries(opened), headers=htmx)
    assert held.status_code == 422 and 'data-missing="confirm_histology"' in held.content.decode()
    shown = client.post(reverse("assessments:case_create"), case_entries(opened, **confirmations()), headers=htmx)
    assert shown.status_code == 200 and 'id="pathway-title"' in shown.content.decode()
    assert Case.objects.count() == 0  # a preview saves nothing


@pytest.mark.django_db
def test_hostile_entries_on_a_started_form_are_refused_never_a_500(client, rita, colin_clinician):
    referral = reported_referral(rita, colin_clinician)
    client.force_login(colin_clinician)
    html = client.get(start(client, referral)).content.decode()
    for value in ("", "\x00", "' OR 1=1 --", "<script>", "9" * 300, "true\ufeff"):
        hostile = case_entries(html, **{"lesions-TOTAL_FORMS": value, "confirm_histology": value, "histology": value})
        assert client.post(reverse("assessments:case_create"), hostile).status_code in (200, 302, 422)
        unknown = case_entries(html, case_start=value, **confirmations())
        assert client.post(reverse("assessments:case_create"), unknown, headers={"HX-Request": "true"}).status_code in (
            200,
            422,
        )
        by_hand = {"provisional_report": value}
        assert client.post(reverse("referrals:referral_case_create", args=[referral.pk]), by_hand).status_code == 302


@pytest.mark.django_db
def test_a_referral_that_has_its_case_offers_no_second_one(client, rita, colin_clinician):
    referral = reported_referral(rita, colin_clinician)
    linked_case(client, referral, colin_clinician)
    client.force_login(colin_clinician)  # the session of the morning has ended by now
    page = client.get(reverse("referrals:referral_case", args=[referral.pk])).content.decode()
    assert 'id="referral-case-link"' in page and "Create assessment" not in page
    assert client.post(reverse("referrals:referral_case_create", args=[referral.pk])).status_code == 404
