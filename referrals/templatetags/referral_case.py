"""The referral page's case part, read for the user viewing the page (``case_part.referral_case_part``)."""

from __future__ import annotations

from typing import Any

from django import template

from referrals.case_part import referral_case_part as part_of
from referrals.models import Referral

register = template.Library()


@register.simple_tag(takes_context=True)
def referral_case_part(context: Any, referral: Referral) -> dict[str, Any]:
    """What the part shows the request's user (the page including it already read the referral for them)."""
    return part_of(user=context["request"].user, referral=referral)
