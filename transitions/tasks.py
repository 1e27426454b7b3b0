"""The task-queue functions: send one notification's email, send a digest, queue the digests.

Each task is idempotent: what was sent is recorded on the notification (`emailed_at`) in the
same transaction that holds its row locked while sending, so a task run twice (a retry, two
workers) sends once. A failed send (SMTP down) raises, so the task is recorded as failed, and
a retry is enqueued first, later when the backend can defer tasks.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from leadership.models import User
from transitions import feedback, notifications
from transitions.models import EmailChoice, FeedbackRequest, Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# What a failed send raises: the SMTP server refused, or could not be reached.
SEND_ERRORS = (smtplib.SMTPException, OSError)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path if path else ""


def _retry(failed: Task[Any, Any], attempt: int, *args: Any) -> None:
    """Enqueue the next attempt, after a growing pause when the backend can defer tasks."""
    if attempt >= MAX_ATTEMPTS:
        logger.error("Giving up on %s%r after %d attempts.", failed.name, args, attempt)
        return
    again = failed
    if failed.get_backend().supports_defer:
        again = failed.using(run_after=timezone.now() + timedelta(minutes=2**attempt))
    again.enqueue(*args, attempt=attempt + 1)


def _email(person: User, kinds: list[str], subject: str, template: str, **context: Any) -> None:
    """Send a plain-text and HTML email with its one-click unsubscribe link and headers."""
    unsubscribe = _absolute(
        reverse("notification_unsubscribe", args=[notifications.unsubscribe_token(person, kinds)])
    )
    context = {
        "person": person,
        "unsubscribe_url": unsubscribe,
        "preferences_url": _absolute(reverse("notification_preferences")),
        **context,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"email/{template}.txt", context),
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string(f"email/{template}.html", context), "text/html")
    message.send()


@task()
def send_notification_email(notification_id: int, attempt: int = 1) -> str:
    """Email one notification, once."""
    try:
        return _send_notification(notification_id)
    except SEND_ERRORS:
        _retry(send_notification_email, attempt, notification_id)
        raise


def _send_notification(notification_id: int) -> str:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, email=EmailChoice.IMMEDIATELY, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return "nothing to send"  # sent already, or no longer wanted by email
        person = notification.recipient
        if not person.is_active or not person.email:
            return "no address"
        _email(
            person,
            [notification.kind],
            subject=notifications.KINDS[notification.kind].subject,
            template="notification",
            notification=notification,
            url=_absolute(notification.url),
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return "sent"


@task()
def send_digest(person_id: int, attempt: int = 1) -> str:
    """Email one person what happened since her last digest, grouped by kind, once."""
    try:
        return _send_digest(person_id)
    except SEND_ERRORS:
        _retry(send_digest, attempt, person_id)
        raise


def _send_digest(person_id: int) -> str:
    with transaction.atomic():
        person = User.objects.filter(pk=person_id, is_active=True).exclude(email="").first()
        if person is None:
            return "no address"
        pending = list(
            Notification.objects.select_for_update()
            .digest_pending()
            .unread()
            .filter(recipient=person)
            .order_by("kind", "created_at", "pk")
        )
        if not pending:
            return "nothing new"
        groups: dict[str, list[dict[str, str]]] = {}
        for each in pending:
            groups.setdefault(each.kind, []).append(
                {"text": each.text, "url": _absolute(each.url), "when": f"{each.created_at:%-d %b}"}
            )
        kinds = list(groups)
        _email(
            person,
            kinds,
            subject=f"Your digest: {len(pending)} update{'s' if len(pending) != 1 else ''}",
            template="digest",
            groups=[
                {"label": notifications.Kind(kind).label, "items": items}
                for kind, items in groups.items()
            ],
            list_url=_absolute(reverse("notification_list")),
        )
        Notification.objects.filter(pk__in=[each.pk for each in pending]).update(
            emailed_at=timezone.now()
        )
    return "sent"


def queue_digests() -> int:
    """Enqueue one digest per person with something waiting for it (daily, from cron through
    `manage.py send_notification_digests`). Returns how many were enqueued."""
    people = list(
        Notification.objects.digest_pending()
        .unread()
        .values_list("recipient", flat=True)
        .distinct()
        .order_by("recipient")
    )
    for person_id in people:
        send_digest.enqueue(person_id)
    return len(people)


@task()
def send_feedback_request(request_id: int, attempt: int = 1) -> str:
    """Email an outside person the request's link: first the request, then (once the PM
    asked for it) its one reminder; each once."""
    try:
        return _send_feedback_request(request_id)
    except SEND_ERRORS:
        _retry(send_feedback_request, attempt, request_id)
        raise


def _send_feedback_request(request_id: int) -> str:
    with transaction.atomic():
        request = (
            FeedbackRequest.objects.select_for_update(of=("self",))
            .select_related("requester")
            .filter(pk=request_id, recipient__isnull=True)
            .first()
        )
        if request is None or not request.is_open:
            return "nothing to send"
        due = 2 if request.reminded_at else 1
        if request.emails_sent >= due:
            return "sent already"
        reminder = due == 2 and request.emails_sent == 1
        shifts = list(request.shifts.order_by("area__order", "order"))
        requester = request.requester.display_name
        context = {
            "request": request,
            "requester": requester,
            "shifts": shifts,
            "reminder": reminder,
            "url": _absolute(reverse("feedback_link", args=[feedback.token_for(request)])),
        }
        subject = f"{requester} asks for your feedback"
        message = EmailMultiAlternatives(
            subject=f"Reminder: {subject}" if reminder else subject,
            body=render_to_string("email/feedback_request.txt", context),
            to=[request.recipient_email],
        )
        message.attach_alternative(
            render_to_string("email/feedback_request.html", context), "text/html"
        )
        message.send()
        request.emails_sent = due
        request.save(update_fields=["emails_sent"])
    return "sent"
