"""A follow-up is recorded only from a week before it is due; an action cannot be due in the past."""

from __future__ import annotations

import csv
import datetime
import io

import time_machine
from django.urls import reverse
from django.utils import timezone

from board.models import FOLLOW_UP_OPENS_DAYS_BEFORE, Action, FollowUp, MonthlySummary
from tests.test_meetings import decision_post, submitted
from tests.test_outcomes import FOLLOW_UP, decided

DAY = datetime.timedelta(days=1)


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%b %Y}"


def test_a_30_day_follow_up_on_the_day_of_the_decision_is_refused_naming_the_day_it_opens(alice_client, alice, carol):
    case = decided(alice, carol, motor_status="ambulatory")
    response = alice_client.post(reverse("meetings:follow_up", args=[case.pk, 30]), FOLLOW_UP)
    assert response.status_code == 422
    due = timezone.localdate(case.decided_at + 30 * DAY)
    opens = due - FOLLOW_UP_OPENS_DAYS_BEFORE * DAY
    assert f"Alive: this follow-up opens on {_day(opens)}" in response.content.decode()
    assert not FollowUp.objects.exists()
    # So nothing counts "walking at 30 days" for a patient seen on the day of the decision.
    assert MonthlySummary.objects.get().follow_up_30 == 0
    alice_client.force_login(carol)
    rows = list(
        csv.DictReader(
            io.StringIO(alice_client.get(reverse("meetings:audit_measures_csv")).content.decode("utf-8-sig"))
        )
    )
    assert [row["30-day follow-ups"] for row in rows] == ["0"]


def test_the_form_states_the_window_and_opens_on_the_day_it_says(alice_client, alice, carol):
    case = decided(alice, carol)
    due = timezone.localdate(case.decided_at + 30 * DAY)
    opens = due - FOLLOW_UP_OPENS_DAYS_BEFORE * DAY
    page = alice_client.get(reverse("meetings:follow_up", args=[case.pk, 30])).content.decode()
    assert f"Due on {_day(due)}." in page and f"from {_day(opens)}" in page
    noon = timezone.make_aware(datetime.datetime.combine(opens - DAY, datetime.time(12)))
    with time_machine.travel(noon):
        alice_client.force_login(alice)
        assert alice_client.post(reverse("meetings:follow_up", args=[case.pk, 30]), FOLLOW_UP).status_code == 422
    with time_machine.travel(noon + DAY):
        alice_client.force_login(alice)
        assert alice_client.post(reverse("meetings:follow_up", args=[case.pk, 30]), FOLLOW_UP).status_code == 302
    assert FollowUp.objects.get().days == 30
    assert MonthlySummary.objects.get().follow_up_30 == 1


def test_the_window_is_in_the_docs():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[1] / "docs" / "board.md").read_text()
    assert f"from {FOLLOW_UP_OPENS_DAYS_BEFORE} days before" in docs


def _decide_with_due(carol_client, case, due: datetime.datetime):
    data = decision_post(actions=[("Book SBRT", case.owner, timezone.localtime(due).strftime("%Y-%m-%dT%H:%M"))])
    return carol_client.post(reverse("assessments:board_decide", args=[case.pk]), data)


def test_an_action_due_in_the_past_is_refused_naming_the_field(carol_client, alice, carol):
    case = submitted(alice)
    response = _decide_with_due(carol_client, case, timezone.now() - datetime.timedelta(hours=2))
    assert response.status_code == 422
    assert "Due: this time has already passed" in response.content.decode()
    assert not Action.objects.exists()


def test_an_action_due_a_minute_ago_is_accepted_for_clock_skew(carol_client, alice, carol):
    case = submitted(alice)
    assert _decide_with_due(carol_client, case, timezone.now() - datetime.timedelta(minutes=1)).status_code == 302
    assert Action.objects.count() == 1
