"""The referrals app's answers to what the cases and the board announce: a case started from a referral, a decision.

Connected in ``ReferralsConfig.ready``; each runs inside the announcing write's transaction.
"""

from __future__ import annotations

from typing import Any

from assessments.cases.signals import case_started
from assessments.models import BoardDecision, Case
from board.signals import decision_signed
from referrals import services
from referrals.starts import ORIGIN_KIND


def case_started_link(sender: Any, case: Case, origin: dict[str, Any], user: Any, by_hand: bool, **kwargs: Any) -> None:
    """A case started from a referral keeps it: the referral is linked to the case, and the link logged."""
    if origin.get("kind") == ORIGIN_KIND:
        services.referral_case_link(referral_id=int(origin["id"]), case=case, user=user, by_hand=by_hand)


def decision_signed_tell(sender: Any, case: Case, decision: BoardDecision, signed_by: Any, **kwargs: Any) -> None:
    """The board's decision on a referral's case is told to the referrer."""
    services.referral_outcome_tell(case=case, decision=decision, signed_by=signed_by)


def connect() -> None:
    case_started.connect(case_started_link, sender=Case, dispatch_uid="referrals_case_started_link")
    decision_signed.connect(decision_signed_tell, sender=BoardDecision, dispatch_uid="referrals_decision_told")
