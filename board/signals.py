"""What the board's write paths announce to the layers above them: a decision signed on a case.

The referrals app, which sits above the board (``.importlinter``), answers by telling the referrer the
outcome (``referrals/receivers.py``). Sent inside the decision's transaction, so what a receiver writes is
saved with the decision or not at all.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``case``, ``decision`` (the BoardDecision just signed; a correction is a new decision) and
# ``signed_by``.
decision_signed = Signal()
