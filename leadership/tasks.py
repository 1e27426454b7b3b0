"""The people side's task-queue function: send an invitation's email.

The link's token is made here, in the worker, and kept only as its hash: it never passes
through the task queue's storage. A failed send (SMTP down) rolls the new hash back, raises
(so the task is recorded as failed) and is retried a few times, later each time when the
backend can defer tasks.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from leadership import invitations
from leadership.models import Invitation

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SEND_ERRORS = (smtplib.SMTPException, OSError)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@task()
def send_invitation(invitation_id: int, attempt: int = 1) -> str:
    """Email an open invitation with a new single-use link, valid 7 days from now."""
    try:
        return _send(invitation_id)
    except SEND_ERRORS:
        if attempt >= MAX_ATTEMPTS:
            logger.error("Giving up on invitation %s after %d attempts.", invitation_id, attempt)
            raise
        again = send_invitation
        if again.get_backend().supports_defer:
            again = again.using(run_after=timezone.now() + timedelta(minutes=2**attempt))
        again.enqueue(invitation_id, attempt=attempt + 1)
        raise


def _send(invitation_id: int) -> str:
    with transaction.atomic():
        invitation = (
            Invitation.objects.open()
            .select_for_update(of=("self",))
            .select_related("manager", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None:
            return "nothing to send"  # accepted or revoked meanwhile
        token, token_hash = invitations.new_token()
        now = timezone.now()
        invitation.token_hash = token_hash
        invitation.sent_at = now
        invitation.expires_at = now + invitations.VALID_FOR
        invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
        context = {
            "invitation": invitation,
            "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
            "manager": invitation.manager.display_name if invitation.manager else "",
            "own_team": invitation.manager_id is not None
            and invitation.manager_id == invitation.invited_by_id,
            "has_account": invitations.has_account(invitation),
            "url": _absolute(reverse("invitation_accept", args=[token])),
            "login_url": _absolute(reverse("login")),
            "expires_on": f"{invitation.expires_at:%-d %B %Y}",
        }
        message = EmailMultiAlternatives(
            subject="You are invited to Leadership Transitions",
            body=render_to_string("email/invitation.txt", context),
            to=[invitation.email],
        )
        message.attach_alternative(render_to_string("email/invitation.html", context), "text/html")
        message.send()
    return "sent"
