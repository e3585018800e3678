"""Background work (django-tasks, database backend): notification e-mails with retries.

The worker is ``manage.py task_worker`` (docs/deployment.md). A failed send is
retried after ``RETRY_DELAYS``; after the last one the delivery is marked failed,
which admins see on the failed-deliveries page.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from board.models import DeliveryStatus, EmailDelivery, NotificationKind
from board.presenters import case_words

log = logging.getLogger(__name__)

# Seconds to wait before the 2nd, 3rd and 4th try.
RETRY_DELAYS = (60, 300, 1800)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def email_text(delivery: EmailDelivery) -> tuple[str, str]:
    """Subject and body. No patient identifiers: e-mail leaves the hospital's systems; the link needs a login.

    The case is named as its clinicians know it (``presenters.case_words``: whose, level, date); a
    notification that is not about a case by its own subject. The referrer told of the board's outcome
    is sent to their notifications: they see the decision on their referral's page, never the case.
    """
    notification = delivery.notification
    if notification.case is None:
        # Another app's notification: its subject was written to name no patient (``Notification``).
        words = notification.subject
        url = settings.SITE_URL.rstrip("/") + notification.link
        where = f"Open it in the app (log-in needed): {url}"
    else:
        words = case_words(notification.case)
        if notification.kind == NotificationKind.REFERRAL_OUTCOME:
            url = settings.SITE_URL.rstrip("/") + reverse("meetings:notification_list")
            where = f"The decision is on your referral's page in the app; your notifications (log-in needed): {url}"
        else:
            url = settings.SITE_URL.rstrip("/") + reverse("assessments:case_detail", args=[notification.case_id])
            where = f"Open the case (log-in needed): {url}"
    subject = f"ESCC: {notification.get_kind_display()}: {words}"
    body = (
        f"{notification.get_kind_display()}: {words}.\n\n"
        f"{where}\n\n"
        "This message names no patient on purpose; the details are in the app.\n"
    )
    return subject, body


@task()
def send_notification_email(delivery_id: int) -> str:
    """Send one notification e-mail; on failure record the error and queue the next try."""
    delivery = EmailDelivery.objects.select_related("notification__case__owner").get(pk=delivery_id)
    if delivery.status == DeliveryStatus.SENT:
        return "already sent"
    subject, body = email_text(delivery)
    delivery.attempts += 1
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [delivery.to])
    except Exception as error:  # any SMTP or network failure: record it, retry, never lose it silently
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        # The development backend runs tasks at once and cannot wait to retry: the failure stands.
        if delivery.attempts < MAX_ATTEMPTS and send_notification_email.get_backend().supports_defer:
            delivery.status = DeliveryStatus.RETRYING
            delivery.save()
            delay = datetime.timedelta(seconds=RETRY_DELAYS[delivery.attempts - 1])
            send_notification_email.using(run_after=timezone.now() + delay).enqueue(delivery_id)
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.save()
        log.warning("E-mail %s failed (attempt %s): %s", delivery_id, delivery.attempts, delivery.last_error)
        return delivery.status
    delivery.status = DeliveryStatus.SENT
    delivery.last_error = ""
    delivery.save()
    return delivery.status
