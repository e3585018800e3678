"""Pre-aggregated monthly rows for the dashboard's outcome figures and the audit export.

One ``MonthlySummary`` row per calendar month of the first signed decision
(local time, like the dashboard) x chosen pathway x followed the recommendation
or not. ``summary_refresh`` recomputes the one month a write touched (a decision,
a correction, a follow-up, a clock or treatment time), so the dashboard reads
at most a few hundred small rows whatever the number of cases;
``summary_rebuild`` (``manage.py rebuild_monthly_summary``) recomputes all.

Definitions (docs/audit-measures.md): *walking before* = the motor status of the
assessment the board decided on is ambulatory or ambulatory with an aid; *walking
at 30 days* = the 30-day follow-up records the patient alive and walking
(independently or with an aid). Only cases with a 30-day follow-up enter those
figures; a death before 30 days counts as not walking.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from assessments import rules
from assessments.models import Case
from meetings.models import Ambulatory, FollowUp, MonthlySummary

TARGET = datetime.timedelta(hours=24)
WALKING_BEFORE = (rules.MotorStatus.AMBULATORY.value, rules.MotorStatus.AMBULATORY_WITH_AID.value)
WALKING_AFTER = (Ambulatory.INDEPENDENT.value, Ambulatory.WITH_AID.value)
MEASURES = (
    "decided", "referral_mri_n", "referral_mri_within", "mri_decision_n", "mri_decision_within",
    "decision_treatment_n", "decision_treatment_within", "follow_up_30", "walking_before",
    "walking_before_walking_30", "not_walking_before", "not_walking_before_walking_30",
)  # fmt: skip


def _month_start(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date().replace(day=1)


def _aggregate(cases: QuerySet[Case]) -> list[dict[str, Any]]:
    fu30 = FollowUp.objects.filter(case=OuterRef("pk"), days=30)
    cases = cases.annotate(
        month=TruncMonth("decided_at"),
        fu30=Exists(fu30),
        walk30=Exists(fu30.filter(alive=True, ambulatory__in=WALKING_AFTER)),
    )
    referral = F("clock__referral_received_at")
    ref_ok = Q(clock__referral_received_at__isnull=False, mri_at__isnull=False, mri_at__gte=referral)
    mri_ok = Q(mri_at__isnull=False, mri_at__lte=F("decided_at"))
    tx_ok = Q(treatment_start_at__isnull=False, treatment_start_at__gte=F("decided_at"))
    before = Q(motor_status__in=WALKING_BEFORE)
    return list(
        cases.values("month", "board_pathway_code", "board_follows")
        .annotate(
            decided=Count("pk"),
            referral_mri_n=Count("pk", filter=ref_ok),
            referral_mri_within=Count("pk", filter=ref_ok & Q(mri_at__lte=referral + TARGET)),
            mri_decision_n=Count("pk", filter=mri_ok),
            mri_decision_within=Count("pk", filter=mri_ok & Q(decided_at__lte=F("mri_at") + TARGET)),
            decision_treatment_n=Count("pk", filter=tx_ok),
            decision_treatment_within=Count("pk", filter=tx_ok & Q(treatment_start_at__lte=F("decided_at") + TARGET)),
            follow_up_30=Count("pk", filter=Q(fu30=True)),
            walking_before=Count("pk", filter=Q(fu30=True) & before),
            walking_before_walking_30=Count("pk", filter=Q(walk30=True) & before),
            not_walking_before=Count("pk", filter=Q(fu30=True) & ~before),
            not_walking_before_walking_30=Count("pk", filter=Q(walk30=True) & ~before),
        )
        .order_by()
    )


def _store(rows: list[dict[str, Any]]) -> None:
    MonthlySummary.objects.bulk_create(
        MonthlySummary(
            month=row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"],
            pathway_code=row["board_pathway_code"],
            follows=row["board_follows"],
            **{name: row[name] for name in MEASURES},
        )
        for row in rows
    )


def summary_refresh(*, case: Case) -> None:
    """Recompute the month of ``case``'s first decision (nothing when it is not decided)."""
    decided_at = Case.objects.filter(pk=case.pk).values_list("decided_at", flat=True).first()
    if decided_at is None:
        return
    month = _month_start(decided_at)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(month, datetime.time.min), tz)
    end = timezone.make_aware(datetime.datetime.combine(following, datetime.time.min), tz)
    with transaction.atomic():
        MonthlySummary.objects.filter(month=month).delete()
        _store(_aggregate(Case.objects.filter(decided_at__gte=start, decided_at__lt=end)))


def summary_rebuild() -> int:
    """Recompute every row from the cases; returns the number of rows."""
    with transaction.atomic():
        MonthlySummary.objects.all().delete()
        rows = _aggregate(Case.objects.filter(decided_at__isnull=False))
        _store(rows)
    return len(rows)


def summary_totals(*, since: datetime.date, by: str) -> list[dict[str, Any]]:
    """The measures summed over the months from ``since``, grouped by ``pathway_code`` or ``follows``."""
    totals: dict[Any, dict[str, int]] = {}
    for row in MonthlySummary.objects.filter(month__gte=since).values(by, *MEASURES):
        bucket = totals.setdefault(row[by], dict.fromkeys(MEASURES, 0))
        for name in MEASURES:
            bucket[name] += row[name]
    return [{"key": key, **values} for key, values in sorted(totals.items(), key=lambda kv: str(kv[0]))]
