"""Inclusion tags that put the meetings app's parts on pages of the assessments app.

Each is one ``{% load meetings_tags %}`` line in the host template; the data come
from ``board.selectors`` and the page's view has already checked access to the
case (the tags add nothing the user may not see).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone

from accounts import roles
from assessments.models import DECISION_PATHWAY_CHOICES, Case
from board import selectors
from board.models import FOLLOW_UP_DAYS, TARGET_HOURS, Action, DecisionRecord, FollowUp
from board.presenters import present_attendance
from board.summary import summary_totals

register = template.Library()
PATHWAY_TEXT = dict(DECISION_PATHWAY_CHOICES)


@register.simple_tag
def target_hours() -> int:
    """The hours of the clock's target (``board.models.TARGET_HOURS``), for a page that states it."""
    return TARGET_HOURS


@register.inclusion_tag("meetings/_decision_extras.html", takes_context=True)
def decision_extras(context: Any, decision_pk: int, case: Case) -> dict[str, Any]:
    """Where a decision was taken (quorate / non-quorate meeting / outside a meeting), its plan and actions.

    The records and actions of all the case's decisions are read once per page
    (two queries, however many corrections the case has).
    """
    user = context["request"].user
    cache = context.render_context.setdefault("meetings_decision_extras", {})
    if case.pk not in cache:
        records = {
            r.decision_id: r for r in DecisionRecord.objects.filter(decision__case=case).select_related("meeting")
        }
        actions: dict[int, list[Any]] = {}
        for action in Action.objects.filter(case=case).select_related("owner", "done"):
            actions.setdefault(action.decision_id, []).append(action)
        attendance = selectors.decision_attendance(list(records))
        cache[case.pk] = (records, actions, attendance)
    records, actions, attendance = cache[case.pk]
    now = timezone.now()
    rows = [
        {"action": a, "overdue": a.is_overdue(now), "can_tick": a.owner_id == user.pk or roles.is_board_member(user)}
        for a in actions.get(decision_pk, [])
    ]
    return {
        "record": records.get(decision_pk),
        "attendance": present_attendance(attendance.get(decision_pk, [])),
        "actions": rows,
        "decision_pk": decision_pk,
        "next": context["request"].path,
    }


@register.inclusion_tag("meetings/_case_outcomes.html", takes_context=True)
def case_outcomes(context: Any, case: Case) -> dict[str, Any]:
    """The case's 24-hour clock against its targets and its 30/90-day follow-ups."""
    user = context["request"].user
    is_owner = roles.is_clinician(user) and case.owner_id == user.pk
    recorded = {f.days: f for f in FollowUp.objects.filter(case=case)}
    start = selectors.follow_up_start(case)
    now = timezone.now()
    follow_ups = []
    for days in FOLLOW_UP_DAYS:
        due = start + datetime.timedelta(days=days) if start else None
        follow_ups.append({"days": days, "record": recorded.get(days), "due": due, "is_due": bool(due and due <= now)})
    return {
        "case": case,
        "clock": selectors.case_clock(case),
        "is_owner": is_owner,
        "decided": case.decided_at is not None,
        "follow_ups": follow_ups,
        "target_hours": TARGET_HOURS,
    }


@register.inclusion_tag("meetings/_queue_clock.html")
def queue_clock(case: Case) -> dict[str, Any]:
    """The queue's clock cell: referral → MRI and MRI → report against 24 h (the queue selects the clock)."""
    steps = selectors.case_clock(case, before_decision=True)
    return {
        "steps": [{**step, "short": step["label"].split(" → ")[-1]} for step in steps],
        "target_hours": TARGET_HOURS,
    }


@register.inclusion_tag("meetings/_actions_panel.html", takes_context=True)
def actions_panel(context: Any, *, overdue_only: bool = False, mine: bool = False) -> dict[str, Any]:
    """Open actions: on the queue every overdue one, on the home page the user's own."""
    user = context["request"].user
    now = timezone.now()
    actions = selectors.open_actions(user=user, overdue_only=overdue_only, mine=mine)
    rows = [{"action": a, "overdue": a.is_overdue(now)} for a in actions]
    return {"rows": rows, "overdue_only": overdue_only, "next": context["request"].path}


@register.inclusion_tag("meetings/_notification_badge.html", takes_context=True)
def notification_badge(context: Any) -> dict[str, Any]:
    """The badge with the unread count read now (one COUNT), then refreshed by HTMX every 30 s.

    Counted in the page rather than loaded by HTMX as soon as the page is shown: that second
    request went through the whole middleware stack (session, user, roles) for one number.
    """
    return {"unread": selectors.unread_count(user=context["request"].user)}


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({round(100 * part / whole)}%)" if whole else "—"


@register.inclusion_tag("meetings/_dashboard_outcomes.html")
def dashboard_outcomes(since: datetime.date) -> dict[str, Any]:
    """Walking at 30 days by pathway chosen and by whether the board followed the rules (monthly rows)."""

    def present(rows: list[dict[str, Any]], name: Any) -> list[dict[str, Any]]:
        return [
            {
                "title": name(row["key"]),
                "decided": row["decided"],
                "follow_up_30": row["follow_up_30"],
                "walking": _share(row["walking_before_walking_30"], row["walking_before"]),
                "not_walking": _share(row["not_walking_before_walking_30"], row["not_walking_before"]),
                "referral_mri": _share(row["referral_mri_within"], row["referral_mri_n"]),
            }
            for row in rows
        ]

    follows_text = {True: "Followed the recommendation", False: "Departed from the recommendation"}
    return {
        "by_pathway": present(summary_totals(since=since, by="pathway_code"), lambda c: PATHWAY_TEXT.get(c, c)),
        "by_follows": present(summary_totals(since=since, by="follows"), lambda f: follows_text.get(f, "Not known")),
        "target_hours": TARGET_HOURS,
    }
