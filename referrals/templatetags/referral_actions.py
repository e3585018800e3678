"""The coordinator's actions as a part of the referral page: ``{% load referral_actions %}{% coordinator_actions %}``.

The page's view has already read the referral for the user (and recorded the read); the part shows
its forms to the coordinator only, and each action's view checks the role again.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from accounts import roles
from assessments.rules import referral as triage_rules
from referrals.coordinator_views import ACTIONS, URL_NAMES
from referrals.models import Referral

register = template.Library()
_Imaging = triage_rules.ImagingStatus

# Which imaging step may come next from where the imaging stands (a booking may be moved, a report corrected).
_IMAGING_STEPS = {
    _Imaging.NOT_DONE: ("booked", "done"),
    _Imaging.BOOKED: ("booked", "done"),
    _Imaging.DONE_NOT_REPORTED: ("done", "reported"),
    _Imaging.REPORTED: ("reported",),
}


def shown_actions(referral: Referral, imaging_status: str) -> list[str]:
    """The actions the coordinator can take on ``referral`` now, in the order the part shows them."""
    if not referral.is_open:
        return []
    first = [] if referral.acknowledged_at is not None else ["acknowledge"]
    return [*first, *_IMAGING_STEPS[_Imaging(imaging_status)], "advice", "note", "close", "withdraw"]


@register.inclusion_tag("referrals/_coordinator_action_forms.html", takes_context=True)
def coordinator_actions(context: template.Context) -> dict[str, Any]:
    """The coordinator's forms for the page's ``referral``; nothing for anyone else."""
    referral = context.get("referral")
    request = context.get("request")
    if referral is None or request is None or not roles.is_coordinator(request.user):
        return {"shown": False}
    newest = referral.versions.get(number=referral.version)
    actions = [
        {
            "name": action,
            "title": ACTIONS[action][2],
            "url": reverse(URL_NAMES[action], args=[referral.pk]),
            "form": ACTIONS[action][0](referral=referral),
        }
        for action in shown_actions(referral, newest.data["imaging_status"])
    ]
    return {
        "shown": True,
        "referral": referral,
        "actions": actions,
        "retriage_url": reverse("referrals:referral_update", args=[referral.pk]) if referral.is_open else "",
        "csrf_token": context.get("csrf_token"),
    }
