"""Pre-aggregated monthly rows: every figure of the quality dashboard and the audit export.

One ``MonthlySummary`` row per calendar month of the first signed decision
(local time, like the dashboard) x recommended pathway x chosen pathway x
followed or not, with counts; and ``IntervalHistogram`` rows (month x interval x
whole minutes -> cases) from which the medians are read. ``summary_refresh``
recomputes the one month a write touched (a decision, a correction, a
follow-up, a clock or treatment time), so the dashboard reads a few hundred
small rows whatever the number of cases; ``summary_rebuild``
(``manage.py rebuild_monthly_summary``) recomputes all.

Definitions (docs/audit-measures.md): *walking before* = the motor status of the
assessment the board decided on is ambulatory or ambulatory with an aid; *walking
at 30 days* = the 30-day follow-up records the patient alive and walking
(independently or with an aid). Only cases with a 30-day follow-up enter those
figures; a death before 30 days counts as not walking.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from assessments import rules
from assessments.models import Case
from board.models import CLOCK_TARGET, Ambulatory, FollowUp, IntervalHistogram, MonthlySummary

WALKING_BEFORE = tuple(status.value for status in rules.MotorStatus if status not in rules.NOT_AMBULATORY)
WALKING_AFTER = (Ambulatory.INDEPENDENT.value, Ambulatory.WITH_AID.value)
MEASURES = (
    "decided", "referral_mri_n", "referral_mri_within", "mri_decision_n", "mri_decision_within",
    "decision_treatment_n", "decision_treatment_within", "mri_missing", "mri_out_of_order",
    "treatment_missing", "treatment_out_of_order", "follow_up_30", "walking_before",
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
        cases.values("month", "pathway_code", "board_pathway_code", "board_follows")
        .annotate(
            decided=Count("pk"),
            mri_missing=Count("pk", filter=Q(mri_at__isnull=True)),
            mri_out_of_order=Count("pk", filter=Q(mri_at__gt=F("decided_at"))),
            treatment_missing=Count("pk", filter=Q(treatment_start_at__isnull=True)),
            treatment_out_of_order=Count("pk", filter=Q(treatment_start_at__lt=F("decided_at"))),
            referral_mri_n=Count("pk", filter=ref_ok),
            referral_mri_within=Count("pk", filter=ref_ok & Q(mri_at__lte=referral + CLOCK_TARGET)),
            mri_decision_n=Count("pk", filter=mri_ok),
            mri_decision_within=Count("pk", filter=mri_ok & Q(decided_at__lte=F("mri_at") + CLOCK_TARGET)),
            decision_treatment_n=Count("pk", filter=tx_ok),
            decision_treatment_within=Count(
                "pk", filter=tx_ok & Q(treatment_start_at__lte=F("decided_at") + CLOCK_TARGET)
            ),
            follow_up_30=Count("pk", filter=Q(fu30=True)),
            walking_before=Count("pk", filter=Q(fu30=True) & before),
            walking_before_walking_30=Count("pk", filter=Q(walk30=True) & before),
            not_walking_before=Count("pk", filter=Q(fu30=True) & ~before),
            not_walking_before_walking_30=Count("pk", filter=Q(walk30=True) & ~before),
        )
        .order_by()
    )


class IntervalMinutes(Func):
    """Whole minutes from ``start`` to ``end`` (both datetimes), computed by the database."""

    output_field = IntegerField()
    arity = 2

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 60)::integer"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Whole seconds first (julianday is a float), then integer division.
        template = "CAST(ROUND((julianday(%(expressions)s)) * 86400) AS INTEGER) / 60"
        return self.as_sql(compiler, connection, template=template, arg_joiner=") - julianday(", **extra)


HISTOGRAMS = {
    "mri_decision": ("mri_at", "decided_at", Q(mri_at__isnull=False, mri_at__lte=F("decided_at"))),
    "decision_treatment": (
        "decided_at",
        "treatment_start_at",
        Q(treatment_start_at__isnull=False, treatment_start_at__gte=F("decided_at")),
    ),
}


def _histograms(cases: QuerySet[Case]) -> list[IntervalHistogram]:
    out = []
    for measure, (start, end, condition) in HISTOGRAMS.items():
        rows = (
            cases.filter(condition)
            .annotate(month=TruncMonth("decided_at"), minutes=IntervalMinutes(F(end), F(start)))
            .values("month", "minutes")
            .annotate(n=Count("pk"))
            .order_by()
        )
        out += [
            IntervalHistogram(month=_as_date(r["month"]), measure=measure, minutes=r["minutes"], n=r["n"]) for r in rows
        ]
    return out


def _as_date(month: datetime.date | datetime.datetime) -> datetime.date:
    return month.date() if isinstance(month, datetime.datetime) else month


def _store(rows: list[dict[str, Any]], histograms: list[IntervalHistogram]) -> None:
    MonthlySummary.objects.bulk_create(
        MonthlySummary(
            month=_as_date(row["month"]),
            recommended_code=row["pathway_code"],
            pathway_code=row["board_pathway_code"],
            follows=row["board_follows"],
            **{name: row[name] for name in MEASURES},
        )
        for row in rows
    )
    IntervalHistogram.objects.bulk_create(histograms, batch_size=2000)


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
    cases = Case.objects.filter(decided_at__gte=start, decided_at__lt=end)
    with transaction.atomic():
        _lock_month(month)
        MonthlySummary.objects.filter(month=month).delete()
        IntervalHistogram.objects.filter(month=month).delete()
        _store(_aggregate(cases), _histograms(cases))


# Advisory-lock namespace of the monthly rows (any constant; "14" for the issue that added them).
LOCK_NAMESPACE = 14


def _lock_month(month: datetime.date) -> None:
    """Serialise refreshes of one month until the transaction ends.

    Two saves in the same month would otherwise both delete the month's rows and
    insert their own, and the second would fail on the unique constraint (under
    READ COMMITTED its DELETE does not see the first one's new rows). SQLite needs
    nothing: its write transactions already run one at a time (BEGIN IMMEDIATE).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, month.year * 100 + month.month])


def summary_rebuild() -> int:
    """Recompute every row from the cases; returns the number of rows."""
    cases = Case.objects.filter(decided_at__isnull=False)
    with transaction.atomic():
        if connection.vendor == "postgresql":  # no refresh may interleave with the rebuild
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE meetings_monthlysummary, meetings_intervalhistogram IN EXCLUSIVE MODE")
        MonthlySummary.objects.all().delete()
        IntervalHistogram.objects.all().delete()
        rows = _aggregate(cases)
        _store(rows, _histograms(cases))
    return len(rows)


def summary_totals(*, since: datetime.date, by: str) -> list[dict[str, Any]]:
    """The measures summed over the months from ``since``, grouped by ``pathway_code`` or ``follows``."""
    totals: dict[Any, dict[str, int]] = {}
    for row in MonthlySummary.objects.filter(month__gte=since).values(by, *MEASURES):
        bucket = totals.setdefault(row[by], dict.fromkeys(MEASURES, 0))
        for name in MEASURES:
            bucket[name] += row[name]
    return [{"key": key, **values} for key, values in sorted(totals.items(), key=lambda kv: str(kv[0]))]


def _median(since: datetime.date, measure: str, n: int) -> datetime.timedelta | None:
    """The median interval (to the minute) from the histogram rows: the middle one or two of ``n`` values."""
    if n == 0:
        return None
    wanted = [(n - 1) // 2] if n % 2 else [n // 2 - 1, n // 2]
    found: list[int] = []
    seen = 0
    buckets = (
        IntervalHistogram.objects.filter(month__gte=since, measure=measure)
        .values("minutes")
        .annotate(total=Sum("n"))
        .order_by("minutes")
    )
    for bucket in buckets.iterator():
        seen += bucket["total"]
        while wanted and wanted[0] < seen:
            found.append(bucket["minutes"])
            wanted.pop(0)
        if not wanted:
            break
    return datetime.timedelta(minutes=sum(found) / len(found))


def board_figures(*, since: datetime.date) -> dict[str, Any]:
    """The dashboard's figures for the months from ``since``, from the monthly rows only.

    Same shape as ``board.selectors.board_quality`` returns (without the recent
    departures, which it reads itself): per month, pathways chosen, departures by
    recommended -> chosen, and the two intervals with count, within 24 h, missing,
    out of order and median.
    """
    rows = list(
        MonthlySummary.objects.filter(month__gte=since).values(
            "month", "recommended_code", "pathway_code", "follows", *MEASURES
        )
    )
    months: dict[datetime.date, dict[str, Any]] = {}
    pathways: dict[str, int] = {}
    departures: dict[tuple[str, str], int] = {}
    totals = dict.fromkeys(MEASURES, 0)
    for row in rows:
        month = months.setdefault(row["month"], {"month": row["month"], "total": 0, "concordant": 0})
        month["total"] += row["decided"]
        month["concordant"] += row["decided"] if row["follows"] else 0
        pathways[row["pathway_code"]] = pathways.get(row["pathway_code"], 0) + row["decided"]
        if row["follows"] is False:
            pair = (row["recommended_code"], row["pathway_code"])
            departures[pair] = departures.get(pair, 0) + row["decided"]
        for name in MEASURES:
            totals[name] += row[name]

    def interval(prefix: str, measure: str, missing: str, out_of_order: str) -> dict[str, Any]:
        n = totals[f"{prefix}_n"]
        return {
            "n": n,
            "within": totals[f"{prefix}_within"],
            "missing": totals[missing],
            "out_of_order": totals[out_of_order],
            "median": _median(since, measure, n),
        }

    return {
        "per_month": [months[key] for key in sorted(months)],
        "pathways": [
            {"pathway_code": code, "n": n} for code, n in sorted(pathways.items(), key=lambda item: (-item[1], item[0]))
        ],
        "departures": [
            {"recommended_pathway_code": recommended, "pathway_code": chosen, "n": n}
            for (recommended, chosen), n in sorted(departures.items(), key=lambda item: (-item[1], item[0]))
        ],
        "decided_cases": totals["decided"],
        "mri_to_decision": interval("mri_decision", "mri_decision", "mri_missing", "mri_out_of_order"),
        "decision_to_treatment": interval(
            "decision_treatment", "decision_treatment", "treatment_missing", "treatment_out_of_order"
        ),
    }
