"""The board app's answers to what the case app announces: a notification for each handover offer and answer.

Connected in ``BoardConfig.ready``; they run inside the handover's transaction, and the e-mail is
queued after it commits, as for every notification (``services.notification_create``).
"""

from __future__ import annotations

from typing import Any

from assessments.cases.signals import handover_changed
from assessments.models import CaseHandover, HandoverStatus
from board.models import NotificationKind
from board.services import notification_create


def handover_notify(sender: Any, handover: CaseHandover, **kwargs: Any) -> None:
    """An offer tells the clinician offered the case; an acceptance or a refusal tells the one who offered it."""
    if handover.status == HandoverStatus.PENDING:
        notification_create(recipient=handover.to_user, case=handover.case, kind=NotificationKind.HANDOVER_OFFERED)
    elif handover.status == HandoverStatus.ACCEPTED:
        notification_create(recipient=handover.from_user, case=handover.case, kind=NotificationKind.HANDOVER_ACCEPTED)
    elif handover.status == HandoverStatus.DECLINED:
        notification_create(recipient=handover.from_user, case=handover.case, kind=NotificationKind.HANDOVER_DECLINED)


def connect() -> None:
    handover_changed.connect(handover_notify, sender=CaseHandover, dispatch_uid="board_handover_notify")
