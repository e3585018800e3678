"""The referral watch: each open referral evaluated now, and a notice when a timer is about to breach or breaches.

``manage.py referral_watch`` runs ``timer_notices_send`` every ``REFERRAL_WATCH_INTERVAL`` seconds. A
notice goes to the MSCC coordinators (those on call now, else everyone with the role) and to the
network's MSCC lead on call, in the app and by e-mail, once per referral, timer, kind and deadline
(``TimerNotice``): a re-triage that moves a deadline warns again for the new one.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from accounts import roles
from assessments.labels import label
from assessments.rules import referral as triage_rules
from audit.services import audit_record
from board.models import NotificationKind
from board.services import notification_create
from referrals.escalation import on_call_at
from referrals.evaluation import evaluate_version, iso
from referrals.models import OnCallRole, Referral, ReferralStatus, TimerNotice, TimerNoticeKind

logger = logging.getLogger("referrals.watch")

_S = triage_rules.TimerStatus
NOTICE_KINDS = {
    TimerNoticeKind.DUE_SOON: NotificationKind.TIMER_DUE_SOON,
    TimerNoticeKind.BREACHED: NotificationKind.TIMER_BREACHED,
}


@dataclass(frozen=True)
class Due:
    """A notice that is due: the timer of the referral, which kind, for which deadline."""

    referral: Referral
    timer: triage_rules.Timer
    kind: TimerNoticeKind


def warning_window(timer: triage_rules.Timer) -> datetime.timedelta:
    """How long before its deadline a timer is about to breach: the settings' minutes, or their share if shorter."""
    window = datetime.timedelta(minutes=settings.REFERRAL_WARN_BEFORE_MINUTES)
    if timer.start is not None and timer.deadline is not None and timer.deadline > timer.start:
        window = min(window, (timer.deadline - timer.start) * settings.REFERRAL_WARN_PERCENT / 100)
    return window


def notice_kind(timer: triage_rules.Timer, now: datetime.datetime) -> TimerNoticeKind | None:
    """The notice a timer calls for now: breached while still open, about to breach in its window, else none.

    A timer whose stop came late is over: the audit export counts that breach; nobody can act on it.
    """
    if timer.deadline is None or timer.stop is not None:
        return None
    if timer.status == _S.BREACHED:
        return TimerNoticeKind.BREACHED
    if timer.status in (_S.RUNNING, _S.NOT_STARTED) and now >= timer.deadline - warning_window(timer):
        return TimerNoticeKind.DUE_SOON
    return None


def notices_due(now: datetime.datetime) -> list[Due]:
    """Every open referral's timers evaluated at ``now`` that call for a notice (sent or not yet)."""
    due: list[Due] = []
    referrals = Referral.objects.filter(status=ReferralStatus.OPEN).select_related("case").order_by("pk")
    for referral in referrals:
        try:
            result = evaluate_version(referral, referral.versions.get(number=referral.version), now=now)
        except ValueError:  # a stored version that no longer reads: a fault in the record, named in the log
            logger.exception("Referral %s could not be evaluated", referral.pk)
            continue
        for timer in result.timers:
            kind = notice_kind(timer, now)
            if kind is not None:
                due.append(Due(referral=referral, timer=timer, kind=kind))
    return due


def notice_recipients(now: datetime.datetime) -> list[User]:
    """The coordinators on call now (else every active coordinator) and the MSCC lead on call now, once each."""
    coordinators = [e.person for e in on_call_at([OnCallRole.MSCC_COORDINATOR], now)]
    if not coordinators:
        coordinators = list(
            User.objects.filter(is_active=True, groups__name=roles.COORDINATOR).distinct().order_by("pk")
        )
    leads = [e.person for e in on_call_at([OnCallRole.MSCC_LEAD], now)]
    return list({user.pk: user for user in [*coordinators, *leads]}.values())


def notice_subject(due: Due) -> str:
    """Which referral, which timer and its deadline in the site's time: no patient (it goes out by e-mail)."""
    referral, timer = due.referral, due.timer
    deadline = timezone.localtime(timer.deadline).strftime("%d %b %Y %H:%M")  # type: ignore[arg-type]
    when = "due by" if due.kind == TimerNoticeKind.DUE_SOON else "breached at"
    triage = label(triage_rules.Triage(referral.triage))
    return f"Referral {referral.pk} ({triage}): {label(timer.name)} {when} {deadline}"[:200]


def timer_notices_send(*, now: datetime.datetime | None = None) -> list[TimerNotice]:
    """Send each notice that is due and not yet sent; return those sent now.

    Each goes in its own transaction with its ``TimerNotice`` row (the unique row keeps a second watch
    from sending it again) and its audit record (``referral.timer_notice``, by nobody: the watch).
    """
    now = now or timezone.now()
    sent: list[TimerNotice] = []
    due = notices_due(now)
    if not due:
        return sent
    recipients = notice_recipients(now)
    for item in due:
        with transaction.atomic():
            notice, created = TimerNotice.objects.get_or_create(
                referral=item.referral, timer=item.timer.name.value, kind=item.kind, deadline=item.timer.deadline
            )
            if not created:
                continue
            subject, link = notice_subject(item), item.referral.get_absolute_url()
            for person in recipients:
                notification_create(recipient=person, kind=NOTICE_KINDS[item.kind], subject=subject, link=link)
            audit_record(
                action="referral.timer_notice",
                target=item.referral,
                details={
                    "timer": item.timer.name.value,
                    "kind": str(item.kind),
                    "deadline": iso(item.timer.deadline),
                    "notified": [person.pk for person in recipients],
                },
            )
        sent.append(notice)
    return sent
