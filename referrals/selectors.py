"""Reads of referrals, each scoped to what the requesting user may see; a read for a page records what it shows.

Who sees a referral: the MSCC coordinator every one; a referrer their own; anyone who may see the
assessment case it became (its clinician, the board); anyone the app told of it (an escalation to
them, a timer warning to the network's MSCC lead). Anything else answers 404, so an id reveals
nothing. ``referral_get_for_view`` and the lists record ``referral.view`` for each referral they
show; ``referral_get_visible`` reads one to act on it and records nothing (the service records the act).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from accounts import roles
from assessments.access import cases_visible_to
from audit.services import audit_record_many
from board.models import Notification
from referrals.models import Referral, ReferralEntry, ReferralStatus, ReferralVersion


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    """Every referral ``user`` may see (none for an anonymous or inactive user)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Referral.objects.none()
    if roles.is_coordinator(user):
        return Referral.objects.all()
    reached = Q(pk__in=_referrals_reached(user))
    return Referral.objects.filter(Q(referrer=user) | Q(case__in=cases_visible_to(user).values("pk")) | reached)


def _referrals_reached(user: Any) -> list[int]:
    """The referrals ``user`` was told of (an escalation to them, a timer warning as the network's lead).

    They open the referral from the notification, so they may see it: the notification links its page.
    """
    prefix = reverse("referrals:referral_detail", args=[0]).removesuffix("0/")
    links = Notification.objects.filter(recipient=user, case__isnull=True, link__startswith=prefix)
    found = []
    for link in links.values_list("link", flat=True):
        number = link.removeprefix(prefix).removesuffix("/")
        if number.isdigit():
            found.append(int(number))
    return found


def referral_reads_record(*, user: Any, referrals: Iterable[Referral]) -> None:
    """Record that ``user`` is shown ``referrals`` (``referral.view``), each once, in one INSERT."""
    shown = list({referral.pk: referral for referral in referrals}.values())
    if shown:
        audit_record_many(action="referral.view", actor=user, targets=shown)  # type: ignore[arg-type]


def referral_get_visible(*, user: Any, pk: int) -> Referral:
    """The referral if ``user`` may see it, else 404; nothing recorded (for an action on it)."""
    try:
        return referrals_visible_to(user).select_related("referrer", "case").get(pk=pk)
    except Referral.DoesNotExist:
        raise Http404("No such referral") from None


def referral_get_for_view(*, user: Any, pk: int) -> Referral:
    """The referral if ``user`` may see it (else 404), its ``referral.view`` recorded: for a page that shows it."""
    referral = referral_get_visible(user=user, pk=pk)
    referral_reads_record(user=user, referrals=[referral])
    return referral


def referrals_of_referrer(*, user: Any) -> list[Referral]:
    """The referrer's own referrals, newest first, each read recorded (their list page)."""
    found = list(Referral.objects.filter(referrer=user).order_by("-received_at", "-pk"))
    referral_reads_record(user=user, referrals=found)
    return found


# The closed and withdrawn referrals the worklist shows at most: the most recently ended.
WORKLIST_ENDED_SHOWN = 50


def worklist_referrals(*, user: Any, show: str = "open") -> list[Referral]:
    """The coordinator's referrals (most urgent triage first, then the oldest), each read recorded.

    ``show``: ``open`` (the default), ``closed`` (closed or withdrawn, the most recently ended
    ``WORKLIST_ENDED_SHOWN``) or ``all`` (both). 404 for anyone but a coordinator. The worklist orders
    them further by the nearest deadline.
    """
    if not roles.is_coordinator(user):
        raise Http404("No such page")
    base = Referral.objects.select_related("referrer", "case", "acknowledged_by")
    found: list[Referral] = []
    if show in ("open", "all"):
        found += base.filter(status=ReferralStatus.OPEN).order_by("triage_rank", "received_at", "pk")
    if show in ("closed", "all"):
        ended = base.exclude(status=ReferralStatus.OPEN).order_by("-closed_at", "-pk")
        found += ended[:WORKLIST_ENDED_SHOWN]
    referral_reads_record(user=user, referrals=found)
    return found


def referral_versions(*, referral: Referral) -> list[ReferralVersion]:
    """The versions of a referral the caller has read through this module, oldest first."""
    return list(referral.versions.select_related("recorded_by").order_by("number"))


def referral_entries(*, referral: Referral) -> list[ReferralEntry]:
    """The log of a referral the caller has read through this module, in the order things were done."""
    return list(referral.entries.select_related("by").order_by("at", "pk"))


def referral_version_repeats(*, referral: Referral, user: Any, data: dict[str, Any]) -> bool:
    """Whether the newest version is ``user``'s with exactly ``data``: a save sent again (Back, resubmit)."""
    newest = referral.versions.get(number=referral.version)
    return newest.recorded_by_id == user.pk and {**data, "received_at": newest.data["received_at"]} == newest.data


def referral_get_for_coordinator(*, user: Any, pk: int) -> Referral:
    """The referral for the coordinator to act on; 404 for anyone else, so an id reveals nothing."""
    if not roles.is_coordinator(user):
        raise Http404("No such referral")
    return referral_get_visible(user=user, pk=pk)


def referral_newest_versions(*, referrals: Iterable[Referral]) -> dict[int, ReferralVersion]:
    """Each referral's newest version by the referral's id, in one query (the worklist evaluates them all)."""
    numbers = {referral.pk: referral.version for referral in referrals}
    if not numbers:
        return {}
    found = ReferralVersion.objects.filter(referral_id__in=numbers, number=F("referral__version"))
    return {version.referral_id: version for version in found}
