"""Whom each escalation of the rules (10.7) reaches on the on-call list, and who is on call at a moment.

The rules name the escalation as a code; which rota roles answer it is the network's organisation,
kept here in one table. ``emergency_spinal_team_now`` goes to the on-call spinal team, and to the
on-call spinal surgeon when no spinal team is listed (the surgeon leads the team out of hours;
docs/decisions/0030-escalation-and-timer-watch.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from assessments.labels import label
from assessments.rules import referral as triage_rules
from referrals.models import OnCall, OnCallRole

_E = triage_rules.Escalation
# Each escalation that needs people on call: the roles it reaches, each a tuple of roles tried in
# order (the first one with somebody on call answers).
ESCALATION_ROLES: dict[triage_rules.Escalation, tuple[tuple[OnCallRole, ...], ...]] = {
    _E.SPINAL_SURGEON_AND_CLINICAL_ONCOLOGIST_NOW: (
        (OnCallRole.SPINAL_SURGEON,),
        (OnCallRole.CLINICAL_ONCOLOGIST,),
    ),
    _E.EMERGENCY_SPINAL_TEAM_NOW: ((OnCallRole.SPINAL_TEAM, OnCallRole.SPINAL_SURGEON),),
    _E.SENIOR_CLINICAL_ADVISERS_ON_REPORT: (
        (OnCallRole.SPINAL_SURGEON,),
        (OnCallRole.CLINICAL_ONCOLOGIST,),
    ),
}


def on_call_at(roles: Iterable[OnCallRole], at: datetime.datetime) -> QuerySet[OnCall]:
    """The on-call entries of ``roles`` covering ``at`` (from included, until excluded), with their people."""
    return (
        OnCall.objects.filter(role__in=list(roles), starts_at__lte=at, ends_at__gt=at, person__is_active=True)
        .select_related("person")
        .order_by("role", "starts_at", "pk")
    )


@dataclass(frozen=True)
class Reach:
    """Whom an escalation reaches at a moment: the entries on call, and the roles nobody answers."""

    escalation: triage_rules.Escalation
    entries: tuple[OnCall, ...]
    unanswered: tuple[OnCallRole, ...]

    @property
    def needs_on_call(self) -> bool:
        return self.escalation in ESCALATION_ROLES

    @property
    def wanted(self) -> tuple[OnCallRole, ...]:
        """The first role of each group: the one the escalation asks for."""
        return tuple(group[0] for group in ESCALATION_ROLES.get(self.escalation, ()))


def escalation_reach(escalation: triage_rules.Escalation, at: datetime.datetime) -> Reach:
    """Who answers ``escalation`` at ``at``: for each group of roles, everyone on call in its first listed role."""
    groups = ESCALATION_ROLES.get(escalation, ())
    found = list(on_call_at({role for group in groups for role in group}, at))
    entries: list[OnCall] = []
    unanswered: list[OnCallRole] = []
    for group in groups:
        answering = next((role for role in group if any(e.role == role for e in found)), None)
        if answering is None:
            unanswered.append(group[0])
        else:
            entries += [e for e in found if e.role == answering]
    return Reach(escalation=escalation, entries=tuple(entries), unanswered=tuple(unanswered))


@dataclass(frozen=True)
class OnCallPerson:
    name: str
    role: str
    phone: str


@dataclass(frozen=True)
class EscalationOffer:
    """What the coordinator is offered on a referral's page: whom the rules' escalation reaches now, and how."""

    escalation: str
    label: str
    people: tuple[OnCallPerson, ...]
    # Roles the escalation asks for that nobody answers now, in words.
    unanswered: str

    @property
    def button(self) -> str:
        unique = list(dict.fromkeys(person.name for person in self.people))
        return "Escalate to " + (" and ".join(unique) if len(unique) < 3 else ", ".join(unique)) + " now"


def role_words(roles: Iterable[OnCallRole]) -> str:
    """Roles in words: "spinal surgeon and clinical oncologist"."""
    words = [OnCallRole(role).label.lower() for role in roles]
    return " and ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + " and " + words[-1]


def escalation_offer(escalation: triage_rules.Escalation, at: datetime.datetime) -> EscalationOffer | None:
    """The offer for ``escalation`` at ``at``, or None when it needs nobody on call (nothing to offer)."""
    reach = escalation_reach(escalation, at)
    if not reach.needs_on_call:
        return None
    people = tuple(
        OnCallPerson(name=e.person.get_full_name() or e.person.username, role=e.get_role_display(), phone=e.phone)
        for e in reach.entries
    )
    return EscalationOffer(
        escalation=escalation.value,
        label=label(escalation),
        people=people,
        unanswered=role_words(reach.wanted if not people else reach.unanswered),
    )
