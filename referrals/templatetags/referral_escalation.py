"""The referral page's escalation part: whom the rules' escalation reaches now, offered to the coordinator only."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from accounts import roles
from referrals.escalation import EscalationOffer, escalation_offer
from referrals.evaluation import evaluate_version
from referrals.models import Referral

register = template.Library()


@register.simple_tag(takes_context=True)
def referral_escalation_offer(context: Any, referral: Referral) -> EscalationOffer | None:
    """The offer for the coordinator on an open referral whose escalation needs people on call, else None.

    The referral is evaluated now (the escalation can change with the events); the on-call list is read
    now. Others (the referrer, clinicians) see nothing here: escalating is the coordinator's.
    """
    if not roles.is_coordinator(context["request"].user) or not referral.is_open:
        return None
    now = timezone.now()
    result = evaluate_version(referral, referral.versions.get(number=referral.version), now=now)
    return escalation_offer(result.escalation, now)
