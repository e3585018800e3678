"""What a case's write paths announce to the layers above them: a handover offered, accepted or declined, a case
started from another record.

The board app, which sits above the cases (``.importlinter``), answers with its notifications
(``board/receivers.py``). Each signal is sent inside the write's transaction, so what a receiver
writes is saved with it or not at all.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``handover`` (a CaseHandover): its status says what happened (pending: offered).
handover_changed = Signal()

# Sent with ``case`` (just saved), ``origin`` (the ``CaseStart.origin`` it was started from: kind, id,
# label, url), ``user`` (who saved it) and ``by_hand`` (started by hand rather than on the origin's offer).
case_started = Signal()
