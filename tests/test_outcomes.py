"""Follow-up at 30 and 90 days, the 24-hour clock, the monthly summary rows and the network audit CSV."""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import os
import random

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import Case
from audit.models import AuditEntry
from board import services
from board import services as board_services
from board.exports import HEADER
from board.models import FollowUp, MonthlySummary
from board.summary import MEASURES, WALKING_AFTER, WALKING_BEFORE
from tests.factories import make_case

RECOMMENDED = "separation_surgery_sbrt"
H = datetime.timedelta(hours=1)


def decided(owner, board, *, pathway=RECOMMENDED, name="Ann Example", **assessment) -> Case:
    case = make_case(owner, patient={"patient_name": name}, **assessment)
    case = board_services.case_submit_to_board(case=case, user=owner, question="?", meeting_date=None)
    board_services.board_decision_record(
        case=case, signed_by=board, meeting_date=datetime.date(2026, 12, 1), pathway_code=pathway,
        other_pathway_text="", reason="" if pathway == RECOMMENDED else "Not fit for surgery", attendees="Carol",
    )  # fmt: skip
    return Case.objects.get(pk=case.pk)


FOLLOW_UP = {
    "alive": "True", "date_of_death": "", "ambulatory": "with_aid", "bladder": "continent", "fracture": "on",
    "wound_problem": "", "other_complication": "", "local_recurrence": "",
}  # fmt: skip


@contextlib.contextmanager
def when_due(client, case: Case, days: int = 30):
    """The clock on the day ``case``'s follow-up is due, ``client`` signed in again as the case's owner."""
    with time_machine.travel(case.decided_at + datetime.timedelta(days=days)):
        client.force_login(case.owner)
        yield


def test_owner_records_30_day_follow_up(alice_client, alice, carol):
    case = decided(alice, carol)
    with when_due(alice_client, case):
        response = alice_client.post(reverse("meetings:follow_up", args=[case.pk, 30]), FOLLOW_UP)
        assert response.status_code == 302
        follow_up = FollowUp.objects.get(case=case, days=30)
        assert (follow_up.alive, follow_up.ambulatory, follow_up.fracture, follow_up.recorded_by) == (
            True, "with_aid", True, alice,
        )  # fmt: skip
        page = alice_client.get(case.get_absolute_url()).content.decode()
        assert 'data-days="30" data-recorded="true"' in page and "fracture" in page
        assert AuditEntry.objects.filter(action="case.follow_up", target_id=str(case.pk)).exists()


def test_follow_up_names_the_missing_date_of_death(alice_client, alice, carol):
    case = decided(alice, carol)
    response = alice_client.post(
        reverse("meetings:follow_up", args=[case.pk, 30]), {**FOLLOW_UP, "alive": "False", "ambulatory": ""}
    )
    assert response.status_code == 422
    assert "Give the date of death." in response.content.decode()
    assert not FollowUp.objects.exists()


def test_follow_up_is_only_for_the_owner_of_a_decided_case(client, alice, bob, carol):
    case = decided(alice, carol)
    for user in (bob, carol):
        client.force_login(user)
        assert client.get(reverse("meetings:follow_up", args=[case.pk, 30])).status_code == 404
    client.force_login(alice)
    assert client.get(reverse("meetings:follow_up", args=[case.pk, 45])).status_code == 404
    draft = make_case(alice)
    assert client.get(reverse("meetings:follow_up", args=[draft.pk, 30])).status_code == 403


def test_worklist_shows_follow_ups_that_are_due_and_missing(alice_client, alice, carol):
    old = decided(alice, carol, name="Old Olga")
    recent = decided(alice, carol, name="Recent Rob")
    Case.objects.filter(pk=old.pk).update(treatment_start_at=timezone.now() - datetime.timedelta(days=40))
    page = alice_client.get(reverse("meetings:follow_up_worklist")).content.decode()
    assert f'data-case="{old.pk}" data-days="30"' in page
    assert f'data-case="{old.pk}" data-days="90"' not in page
    assert "Recent Rob" not in page
    alice_client.post(reverse("meetings:follow_up", args=[old.pk, 30]), FOLLOW_UP)
    assert "Old Olga" not in alice_client.get(reverse("meetings:follow_up_worklist")).content.decode()
    assert recent.pk


def test_clock_shows_each_interval_against_24_hours(alice_client, alice, carol):
    case = decided(alice, carol)
    decided_at = case.decided_at
    Case.objects.filter(pk=case.pk).update(mri_at=decided_at - 30 * H, treatment_start_at=decided_at + 2 * H)
    response = alice_client.post(
        reverse("meetings:case_clock", args=[case.pk]),
        {
            "referral_received_at": timezone.localtime(decided_at - 40 * H).strftime("%Y-%m-%dT%H:%M"),
            "mri_report_at": timezone.localtime(decided_at - 29 * H).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    page = alice_client.get(case.get_absolute_url()).content.decode()
    rows = page[page.index('id="case-clock"') :]
    assert rows.count('data-met="true"') == 3  # referral→MRI 10 h, MRI→report 1 h, decision→treatment 2 h
    assert rows.count('data-met="false"') == 1  # MRI→decision 30 h
    assert "30.0 h" in rows


def test_clock_refuses_a_time_in_the_future(alice_client, alice):
    case = make_case(alice)
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = alice_client.post(reverse("meetings:case_clock", args=[case.pk]), {"referral_received_at": future})
    assert response.status_code == 422
    assert "This time cannot be in the future." in response.content.decode()


# --- Monthly rows -----------------------------------------------------------------------------


def recompute() -> dict[tuple, dict[str, int]]:
    """The summary computed again from the raw rows in Python, to check the database's aggregate."""
    out: dict[tuple, dict[str, int]] = {}
    for case in Case.objects.filter(decided_at__isnull=False).select_related("clock"):
        month = timezone.localtime(case.decided_at).date().replace(day=1)
        key = (month, case.pathway_code, case.board_pathway_code, case.board_follows)
        row = out.setdefault(key, dict.fromkeys(MEASURES, 0))
        row["decided"] += 1
        row["mri_missing"] += case.mri_at is None
        row["mri_out_of_order"] += bool(case.mri_at and case.mri_at > case.decided_at)
        row["treatment_missing"] += case.treatment_start_at is None
        row["treatment_out_of_order"] += bool(case.treatment_start_at and case.treatment_start_at < case.decided_at)
        clock = getattr(case, "clock", None)
        referral = clock.referral_received_at if clock else None
        if referral and case.mri_at and case.mri_at >= referral:
            row["referral_mri_n"] += 1
            row["referral_mri_within"] += case.mri_at - referral <= 24 * H
        if case.mri_at and case.mri_at <= case.decided_at:
            row["mri_decision_n"] += 1
            row["mri_decision_within"] += case.decided_at - case.mri_at <= 24 * H
        if case.treatment_start_at and case.treatment_start_at >= case.decided_at:
            row["decision_treatment_n"] += 1
            row["decision_treatment_within"] += case.treatment_start_at - case.decided_at <= 24 * H
        follow_up = FollowUp.objects.filter(case=case, days=30).first()
        if follow_up:
            walking = follow_up.alive and follow_up.ambulatory in WALKING_AFTER
            before = "walking_before" if case.motor_status in WALKING_BEFORE else "not_walking_before"
            row["follow_up_30"] += 1
            row[before] += 1
            row[f"{before}_walking_30"] += walking
    return out


def stored() -> dict[tuple, dict[str, int]]:
    return {
        (r.month, r.recommended_code, r.pathway_code, r.follows): {m: getattr(r, m) for m in MEASURES}
        for r in MonthlySummary.objects.all()
    }


def _varied_cases(alice, carol, n: int) -> None:
    rng = random.Random(14)
    motor = ["ambulatory", "ambulatory_with_aid", "nonambulatory"]
    for i in range(n):
        case = decided(alice, carol, pathway=rng.choice([RECOMMENDED, "cebrt"]), motor_status=rng.choice(motor))
        months_ago = rng.randrange(0, 4)
        decided_at = timezone.now() - datetime.timedelta(days=31 * months_ago, hours=rng.randrange(0, 48))
        Case.objects.filter(pk=case.pk).update(
            decided_at=decided_at,
            mri_at=decided_at - rng.randrange(1, 40) * H if i % 5 else None,
            treatment_start_at=decided_at + rng.randrange(-3, 40) * H if i % 4 else None,
        )
        if i % 3:
            services.clock_record(
                case=case, user=alice, data={"referral_received_at": decided_at - rng.randrange(20, 80) * H,
                                             "mri_report_at": None},
            )  # fmt: skip
        if i % 2:
            alive = bool(i % 7)
            services.follow_up_record(
                case=case, days=30, user=alice,
                data={"alive": alive, "date_of_death": None if alive else timezone.localdate(),
                      "ambulatory": rng.choice(["independent", "with_aid", "not_ambulatory"]) if alive else ""},
            )  # fmt: skip


def test_summary_rows_kept_by_the_services_equal_a_recomputation(alice, carol):
    _varied_cases(alice, carol, 24)
    call_command("rebuild_monthly_summary", stdout=io.StringIO())
    expected = recompute()
    assert stored() == expected
    assert sum(row["decided"] for row in expected.values()) == 24
    assert sum(row["follow_up_30"] for row in expected.values()) == 12


def test_services_keep_the_rows_current_without_a_rebuild(alice_client, alice, carol):
    case = decided(alice, carol, motor_status="ambulatory")
    assert stored() == recompute()  # the decision refreshed its month
    with when_due(alice_client, case):
        alice_client.post(reverse("meetings:follow_up", args=[case.pk, 30]), FOLLOW_UP)
    assert stored() == recompute()
    row = MonthlySummary.objects.get()
    assert (row.walking_before, row.walking_before_walking_30) == (1, 1)
    board_services.case_treatment_start_record(case=case, user=alice, started_at=case.decided_at + 3 * H)
    assert MonthlySummary.objects.get().decision_treatment_within == 1


def test_dashboard_shows_walking_at_30_days_by_pathway_and_concordance(carol_client, alice, carol):
    walking = decided(alice, carol, motor_status="ambulatory")
    not_walking = decided(alice, carol, pathway="cebrt", motor_status="nonambulatory")
    for case, ambulatory in ((walking, "independent"), (not_walking, "not_ambulatory")):
        services.follow_up_record(
            case=case, days=30, user=alice, data={"alive": True, "date_of_death": None, "ambulatory": ambulatory}
        )
    page = carol_client.get(reverse("assessments:board_dashboard")).content.decode()
    by_follows = page[page.index('id="outcomes-by-follows"') :]
    assert "Followed the recommendation</th><td>1</td><td>1</td><td>1/1 (100%)</td><td>—</td>" in by_follows
    assert "Departed from the recommendation</th><td>1</td><td>1</td><td>—</td><td>0/1 (0%)</td>" in by_follows
    assert "cEBRT" in page[page.index('id="outcomes-by-pathway"') :]


def test_audit_csv_has_the_measures_per_month_and_no_patient_data(carol_client, alice, carol):
    case = decided(alice, carol, name="Private Person")
    response = carol_client.get(reverse("meetings:audit_measures_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    month = timezone.localtime(case.decided_at).strftime("%Y-%m")
    assert rows[1][:7] == [
        month,
        RECOMMENDED,
        "Separation surgery, then SBRT",
        RECOMMENDED,
        "Separation surgery, then SBRT",
        "yes",
        "1",
    ]
    assert "Private Person" not in response.content.decode() and case.patient.mrn not in response.content.decode()


def test_audit_csv_is_404_to_clinicians(alice_client):
    assert alice_client.get(reverse("meetings:audit_measures_csv")).status_code == 404


def test_queue_shows_referral_to_mri_and_report_against_24_hours(carol_client, alice, django_assert_max_num_queries):
    case = make_case(alice)
    case = board_services.case_submit_to_board(case=case, user=alice, question="?", meeting_date=None)
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(mri_at=now - 2 * H)
    services.clock_record(case=case, user=alice, data={"referral_received_at": now - 30 * H, "mri_report_at": now - H})
    page = carol_client.get(reverse("assessments:board_queue")).content.decode()
    row = page[page.index(f'<tr data-case="{case.pk}"') :]
    assert 'data-met="false">MRI: 28.0 h <span class="badge text-bg-danger">over 24 h</span>' in row
    assert 'data-met="true">MRI report: 1.0 h' in row


def test_dashboard_figures_from_the_rows_equal_the_cases(alice, carol):
    """Medians from the minute histograms equal the exact medians to the minute; counts equal the cases."""
    from board.summary import board_figures

    _varied_cases(alice, carol, 23)
    call_command("rebuild_monthly_summary", stdout=io.StringIO())
    since = (timezone.localdate() - datetime.timedelta(days=70)).replace(day=1)
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    cases = list(Case.objects.filter(decided_at__gte=start))
    figures = board_figures(since=since)
    assert figures["decided_cases"] == len(cases)
    for key, start_name, end_name in (
        ("mri_to_decision", "mri_at", "decided_at"),
        ("decision_to_treatment", "decided_at", "treatment_start_at"),
    ):
        values = sorted(
            getattr(c, end_name) - getattr(c, start_name)
            for c in cases
            if getattr(c, start_name) and getattr(c, end_name) and getattr(c, end_name) >= getattr(c, start_name)
        )
        middle = values[(len(values) - 1) // 2 : len(values) // 2 + 1]
        exact = sum(middle, datetime.timedelta()) / len(middle)
        assert figures[key]["n"] == len(values)
        assert abs(figures[key]["median"] - exact) < datetime.timedelta(minutes=1), key
    concordant = sum(1 for c in cases if c.board_follows)
    assert sum(m["concordant"] for m in figures["per_month"]) == concordant


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite runs one write transaction at a time"
)
def test_two_saves_in_one_month_refresh_its_rows_one_after_the_other(transactional_db, alice, carol):
    """PostgreSQL: a refresh waits for another refresh of the same month instead of failing on the unique rows."""
    import threading

    from django.db import connection, transaction

    from board.summary import summary_refresh

    first, second = decided(alice, carol), decided(alice, carol)
    holding, release, errors = threading.Event(), threading.Event(), []

    def hold_first():
        try:
            with transaction.atomic():
                summary_refresh(case=first)
                holding.set()
                release.wait(10)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    def refresh_second():
        try:
            with transaction.atomic():
                summary_refresh(case=second)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_first)
    holder.start()
    assert holding.wait(10)
    other = threading.Thread(target=refresh_second)
    other.start()
    other.join(1)
    assert other.is_alive(), "the second refresh waits for the first"
    release.set()
    holder.join(10)
    other.join(10)
    assert errors == []
    assert stored() == recompute()
