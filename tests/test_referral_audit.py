"""The network audit's referral timers: each referral's QS56 statement and timers, the monthly figures, the page and CSV."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEntry
from referrals import services
from referrals.models import ReferralStatus
from referrals.qs56 import Outcome, Status, monthly_figures, nearest_rank
from referrals.reports import _outcomes, referral_figures
from tests.conftest import make_user
from tests.factories import make_case
from tests.referral_factories import make_referral, referral_data

NIGHT = datetime.datetime(2027, 3, 12, 2, 10, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
PAIN_ONLY = {"neuro_findings": [], "deficit_progressing": None}  # known cancer, pain: T5


def iso(moment: datetime.datetime) -> str:
    return moment.isoformat()


def whole_spine_mri(done: datetime.datetime, **changes) -> dict:
    return {
        "imaging_status": "reported",
        "imaging_modality": "mri",
        "imaging_at": iso(done),
        "imaging_reported_at": iso(done + HOUR),
        "imaging_scope": "whole_spine",
        "imaging_finding": "mscc",
        "imaging_levels": ["T7"],
        **changes,
    }


def refer(user, at=NIGHT, **changes):
    with time_machine.travel(at, tick=False):
        return make_referral(user, **changes)


def imaged(referral, user, done, at, **changes):
    with time_machine.travel(at, tick=False):
        services.referral_version_add(
            referral=referral,
            user=user,
            data=referral_data(**{**changes, **whole_spine_mri(done)}),
            based_on=referral.version,
        )
    referral.refresh_from_db()
    return referral


def outcomes_at(referral, now) -> dict[str, Outcome]:
    return {o.code: o for o in _outcomes(referral, now)}


@pytest.mark.django_db
def test_suspected_mscc_imaged_within_24_hours_meets_statement_3(rita, colin):
    referral = imaged(refer(rita), colin, done=NIGHT + 20 * HOUR, at=NIGHT + 22 * HOUR)
    found = outcomes_at(referral, NIGHT + 30 * HOUR)
    assert found["qs56_3_imaging"] == Outcome("qs56_3_imaging", Status.MET, 20 * HOUR)
    assert "qs56_2_imaging" not in found and "qs56_2_decision" not in found


@pytest.mark.django_db
def test_suspected_mscc_imaged_after_24_hours_breaches_statement_3_whatever_the_local_target(rita, colin):
    referral = imaged(refer(rita), colin, done=NIGHT + 25 * HOUR, at=NIGHT + 26 * HOUR)
    assert outcomes_at(referral, NIGHT + 30 * HOUR)["qs56_3_imaging"].status == Status.BREACHED


@pytest.mark.django_db
def test_no_scan_is_open_until_the_24_hours_pass_then_breached(rita):
    referral = refer(rita)
    assert outcomes_at(referral, NIGHT + 23 * HOUR)["qs56_3_imaging"].status == Status.RUNNING
    assert outcomes_at(referral, NIGHT + 25 * HOUR)["qs56_3_imaging"] == Outcome(
        "qs56_3_imaging", Status.BREACHED, None
    )


@pytest.mark.django_db
def test_a_part_of_spine_scan_does_not_stop_the_statement(rita, colin):
    referral = refer(rita)
    with time_machine.travel(NIGHT + 10 * HOUR, tick=False):
        services.referral_version_add(
            referral=referral,
            user=colin,
            data=referral_data(**whole_spine_mri(NIGHT + 8 * HOUR, imaging_scope="part_of_spine")),
            based_on=1,
        )
    assert outcomes_at(referral, NIGHT + 25 * HOUR)["qs56_3_imaging"].status == Status.BREACHED


@pytest.mark.django_db
def test_spinal_metastases_count_under_statement_2_for_imaging_and_decision(rita, colin):
    referral = imaged(refer(rita, **PAIN_ONLY), colin, done=NIGHT + 50 * HOUR, at=NIGHT + 52 * HOUR, **PAIN_ONLY)
    found = outcomes_at(referral, NIGHT + 8 * 24 * HOUR)
    assert found["qs56_2_imaging"] == Outcome("qs56_2_imaging", Status.MET, 50 * HOUR)
    assert found["qs56_2_decision"].status == Status.BREACHED  # no decision within the week
    assert "qs56_3_imaging" not in found and "qs56_4_coordinator" not in found


@pytest.mark.django_db
def test_a_referral_that_rose_to_suspected_mscc_counts_once_under_statement_3_from_that_version(rita, colin):
    referral = refer(rita, **PAIN_ONLY)
    risen = NIGHT + 30 * HOUR
    with time_machine.travel(risen, tick=False):
        services.referral_version_add(
            referral=referral, user=colin, data=referral_data(suspected_at=iso(risen)), based_on=1
        )
    referral = imaged(referral, colin, done=risen + 20 * HOUR, at=risen + 21 * HOUR, suspected_at=iso(risen))
    found = outcomes_at(referral, risen + 30 * HOUR)
    assert found["qs56_3_imaging"] == Outcome("qs56_3_imaging", Status.MET, 20 * HOUR)
    assert "qs56_2_imaging" not in found


@pytest.mark.django_db
def test_statement_4_counts_the_coordinator_s_acknowledgement_not_its_speed(rita, colin):
    referral = refer(rita)
    assert outcomes_at(referral, NIGHT + HOUR)["qs56_4_coordinator"].status == Status.RUNNING
    with time_machine.travel(NIGHT + 3 * HOUR, tick=False):
        services.referral_acknowledge(referral=referral, user=colin)
    referral.refresh_from_db()
    found = outcomes_at(referral, NIGHT + 4 * HOUR)
    assert found["qs56_4_coordinator"] == Outcome("qs56_4_coordinator", Status.MET, 3 * HOUR)
    assert found["timer_acknowledge"].status == Status.BREACHED  # the local 30 minutes


@pytest.mark.django_db
def test_statement_6_is_the_treatment_timer_of_a_radiotherapy_decision(rita, colin, alice):
    referral = imaged(refer(rita), colin, done=NIGHT + 5 * HOUR, at=NIGHT + 7 * HOUR)
    case = make_case(alice)
    case.decided_at = NIGHT + 10 * HOUR
    case.board_pathway_code = "cebrt"
    case.treatment_start_at = NIGHT + 40 * HOUR
    case.save()
    referral.case = case
    referral.save()
    found = outcomes_at(referral, NIGHT + 50 * HOUR)
    assert found["qs56_6_radiotherapy"] == Outcome("qs56_6_radiotherapy", Status.BREACHED, 30 * HOUR)
    case.board_pathway_code = "separation_surgery_sbrt"
    case.save()
    assert "qs56_6_radiotherapy" not in outcomes_at(referral, NIGHT + 50 * HOUR)


@pytest.mark.django_db
def test_cord_compression_without_known_cancer_is_a_local_measure_beside_the_statements(rita):
    referral = refer(rita, cancer_status="none_known", cancer_type=None)
    found = outcomes_at(referral, NIGHT + HOUR)
    assert found["local_t3_imaging"].status == Status.RUNNING
    assert not {"qs56_2_imaging", "qs56_3_imaging", "qs56_4_coordinator"} & set(found)


def test_the_median_is_the_middle_time_and_the_90th_percentile_the_nearest_rank():
    rows = [("2027-03", Outcome("timer_imaging", Status.MET, h * HOUR)) for h in (1, 2, 3, 4, 10)]
    rows += [("2027-03", Outcome("timer_imaging", Status.BREACHED, None))]
    rows += [("2027-02", Outcome("timer_imaging", Status.RUNNING, None))]
    rows += [("2027-03", Outcome("timer_acknowledge", Status.MET, HOUR / 2))]
    february, ack, imaging = monthly_figures(rows)
    assert (february.month, february.applicable, february.open, february.median_hours) == ("2027-02", 1, 1, None)
    assert (ack.measure.code, ack.median_hours, ack.p90_hours) == ("timer_acknowledge", 0.5, 0.5)
    assert (imaging.applicable, imaging.met, imaging.breached, imaging.open) == (6, 5, 1, 0)
    assert (imaging.median_hours, imaging.p90_hours) == (3.0, 10.0)
    assert nearest_rank([5.0, 1.0], 0.5) == 1.0 and nearest_rank([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0


@pytest.mark.django_db
def test_figures_are_per_month_received_and_leave_out_a_withdrawn_referral(rita, colin):
    refer(rita)
    refer(rita, at=NIGHT + 30 * 24 * HOUR)
    withdrawn = refer(rita)
    services.referral_end(referral=withdrawn, user=colin, status=ReferralStatus.WITHDRAWN, reason="Wrong patient")
    figures = referral_figures(since=NIGHT - HOUR, now=NIGHT + 40 * 24 * HOUR)
    statement_3 = {f.month: f.applicable for f in figures if f.measure.code == "qs56_3_imaging"}
    assert statement_3 == {"2027-03": 1, "2027-04": 1}


@pytest.mark.django_db
def test_the_board_and_the_coordinator_see_the_page_and_no_one_else(client, carol, colin, rita, alice):
    refer(rita, at=datetime.datetime.now(datetime.UTC) - HOUR)
    for user in (carol, colin):
        client.force_login(user)
        page = client.get(reverse("referrals:referral_audit"))
        assert page.status_code == 200 and 'data-measure="qs56_3_imaging"' in page.content.decode()
        assert "Dora Example" not in page.content.decode()
    for user in (rita, alice):
        client.force_login(user)
        assert client.get(reverse("referrals:referral_audit")).status_code == 404
        assert client.get(reverse("referrals:referral_audit_csv")).status_code == 404


@pytest.mark.django_db
def test_the_dashboard_loads_the_referral_timers_section_which_htmx_gets_alone(client, carol, rita):
    refer(rita, at=datetime.datetime.now(datetime.UTC) - HOUR)
    client.force_login(carol)
    dashboard = client.get(reverse("assessments:board_dashboard")).content.decode()
    assert f'hx-get="{reverse("referrals:referral_audit")}?months=12"' in dashboard
    fragment = client.get(reverse("referrals:referral_audit"), headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="referral-timers">') and "<html" not in fragment


@pytest.mark.django_db
def test_the_csv_has_a_row_per_month_and_measure_and_its_download_is_recorded(client, colin, rita):
    now = datetime.datetime.now(datetime.UTC)
    refer(rita, at=now - HOUR)
    client.force_login(colin)
    response = client.get(reverse("referrals:referral_audit_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Month received", "Measure (code)", "Measure", "QS56 statement or basis"]
    by_code = {row[1]: row for row in rows[1:]}
    assert by_code["qs56_3_imaging"][4:8] == ["1", "0", "0", "1"]
    assert AuditEntry.objects.filter(action="referral.audit_export", actor=colin).count() == 1
    assert make_user("rhona", "Referrer")  # another referrer exists; still no identifiers in the file
    assert "Dora" not in response.content.decode("utf-8-sig")
