"""The network audit's referral figures: each referral's measures (``referrals.qs56``) by month received, as CSV."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.http import HttpResponse
from django.utils import timezone

from assessments.rules import referral as triage_rules
from audit.exports import csv_download
from audit.services import audit_record
from referrals.evaluation import events_of, local_targets, referral_object
from referrals.models import Referral, ReferralStatus
from referrals.qs56 import Figures, Outcome, monthly_figures, referral_outcomes

CSV_HEADER = [
    "Month received",
    "Measure (code)",
    "Measure",
    "QS56 statement or basis",
    "Applicable",
    "Met",
    "Breached",
    "Still open",
    "Median hours",
    "90th percentile hours",
]


def _outcomes(referral: Referral, now: datetime.datetime) -> list[Outcome]:
    """The referral's measures: every version as the rules read it now, with the referral's events."""
    events = events_of(referral)
    inputs, results = [], []
    for version in referral.versions.all():
        obj = referral_object(
            data=version.data,
            referral_id=referral.pk,
            events=events,
            previous_deadlines=version.previous_deadlines,
            evaluated_at=now,
        )
        referral_input, errors = triage_rules.read_referral(obj, evaluated_at=now)
        if referral_input is None:
            raise ValueError(f"Referral {referral.pk} version {version.number} does not read: {errors}")
        inputs.append(referral_input)
        results.append(triage_rules.evaluate_referral(referral_input, local_targets()))
    return referral_outcomes(inputs, results, now=now)


def referral_figures(*, since: datetime.datetime, now: datetime.datetime | None = None) -> list[Figures]:
    """Figures per month of receipt (local time) and measure, for referrals received since ``since``.

    A referral withdrawn as entered in error is left out: it was never a referral.
    """
    now = now or timezone.now()
    referrals = (
        Referral.objects.filter(received_at__gte=since)
        .exclude(status=ReferralStatus.WITHDRAWN)
        .select_related("case")
        .prefetch_related("versions")
        .order_by("received_at", "pk")
    )
    rows = [
        (timezone.localtime(referral.received_at).strftime("%Y-%m"), outcome)
        for referral in referrals
        for outcome in _outcomes(referral, now)
    ]
    return monthly_figures(rows)


def _hours(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def referral_figures_csv(*, user: User, since: datetime.datetime, months: int) -> HttpResponse:
    """The figures since ``since`` as CSV, one row per month and measure, the download recorded.

    Counts only: no patient is named, so the entry names the period, not referrals.
    """
    figures = referral_figures(since=since)
    audit_record(action="referral.audit_export", actor=user, details={"months": months})
    rows: list[list[object]] = [CSV_HEADER]
    rows += [
        [
            f.month,
            f.measure.code,
            f.measure.words,
            f.measure.statement,
            f.applicable,
            f.met,
            f.breached,
            f.open,
            _hours(f.median_hours),
            _hours(f.p90_hours),
        ]
        for f in figures
    ]
    return csv_download(filename="escc-referral-timers.csv", rows=rows)
