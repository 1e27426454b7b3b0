"""Who is told what, on which event.

Services call the event functions below through `after_commit`, so that a write rolled back
tells nobody; other features call `notify` the same way. A notification's text is built from
names and dates only (never an evidence body, a note or a comment), and its link goes to the
target page, whose own access check answers 404 once the recipient may no longer see it.
Emails leave through the task queue (transitions/tasks.py), enqueued after the notification
is committed.

A new event, from inside the service's transaction:

    notifications.after_commit(
        notifications.notify,
        kind=notifications.Kind.ONE_ON_ONE_ITEM_ADDED,
        recipient=other_person,
        actor=author,
        target=item,
        text=f"{author.display_name} added an item to your 1:1.",  # nothing private
        url=reverse("one_on_one", args=[author.username]),
    )
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core import signing
from django.db import models, transaction
from django.urls import reverse

from leadership.models import User
from transitions.models import (
    AgendaItem,
    CheckIn,
    EmailChoice,
    Evidence,
    FeedbackRequest,
    Notification,
    NotificationKind,
    NotificationPreference,
    Review,
)

Kind = NotificationKind


@dataclass(frozen=True)
class KindInfo:
    """What a kind is, who receives it (for the preferences page), and its defaults."""

    audience: str
    subject: str
    email: str = EmailChoice.IMMEDIATELY
    enabled: bool = True


KINDS: dict[str, KindInfo] = {
    Kind.CHECKIN_SUBMITTED: KindInfo("As a manager", "A report submitted a check-in"),
    Kind.EVIDENCE_SHARED: KindInfo(
        "As a manager", "A report shared evidence", email=EmailChoice.DIGEST
    ),
    Kind.REVIEW_ACKNOWLEDGED: KindInfo("As a manager", "A report acknowledged your review"),
    Kind.ONE_ON_ONE_ITEM_ADDED: KindInfo(
        "In your 1:1s", "A 1:1 agenda item was added", email=EmailChoice.DIGEST
    ),
    Kind.REVIEW_COMPLETED: KindInfo("About you", "Your manager completed a review"),
    Kind.ACTION_ITEM_DUE: KindInfo("About you", "An action item is due"),
    Kind.CHECKIN_DUE: KindInfo("About you", "Time for your leadership check-in"),
    Kind.FEEDBACK_RECEIVED: KindInfo("About you", "Feedback you asked for arrived"),
    Kind.FEEDBACK_REQUESTED: KindInfo("From colleagues", "A colleague asked for your feedback"),
}


@dataclass(frozen=True)
class Preference:
    kind: str
    label: str
    audience: str
    enabled: bool
    email: str


def preferences_of(person: User) -> list[Preference]:
    """Every kind with the person's choice, or its default (one query)."""
    saved = {
        row.kind: row for row in NotificationPreference.objects.filter(person=person).order_by()
    }
    result = []
    for kind, info in KINDS.items():
        row = saved.get(kind)
        result.append(
            Preference(
                kind=kind,
                label=Kind(kind).label,
                audience=info.audience,
                enabled=row.enabled if row else info.enabled,
                email=row.email if row else info.email,
            )
        )
    return result


def preference_set(*, person: User, kind: str, enabled: bool, email: str) -> None:
    NotificationPreference.objects.update_or_create(
        person=person, kind=kind, defaults={"enabled": enabled, "email": email}
    )


def preferences_save(*, person: User, choices: dict[str, tuple[bool, str]]) -> None:
    """Save the preferences page in one transaction; an email stopped also stops what is
    waiting for the next digest or send."""
    with transaction.atomic():
        for kind, (enabled, email) in choices.items():
            preference_set(person=person, kind=kind, enabled=enabled, email=email)
            if not enabled or email != EmailChoice.DIGEST:
                _stop_waiting(person, [kind], keep=email if enabled else None)


def _stop_waiting(person: User, kinds: list[str], keep: str | None = None) -> None:
    waiting = Notification.objects.filter(
        recipient=person, kind__in=kinds, emailed_at__isnull=True
    ).exclude(email=EmailChoice.NEVER)
    if keep is not None:
        waiting = waiting.exclude(email=keep)
    waiting.update(email=EmailChoice.NEVER)


def unsubscribe(*, person: User, kinds: list[str]) -> None:
    """No more email of these kinds (the in-app list keeps them)."""
    with transaction.atomic():
        for kind in kinds:
            current = next(p for p in preferences_of(person) if p.kind == kind)
            preference_set(person=person, kind=kind, enabled=current.enabled, email="never")
        _stop_waiting(person, kinds)


# The signed one-click unsubscribe link: it names its recipient and kinds and nothing else.
_UNSUBSCRIBE_SALT = "transitions.notifications.unsubscribe"


def unsubscribe_token(person: User, kinds: list[str]) -> str:
    return signing.dumps({"u": person.pk, "k": sorted(kinds)}, salt=_UNSUBSCRIBE_SALT)


def unsubscribe_target(token: str) -> tuple[User, list[str]] | None:
    """The person and kinds a token was signed for, or None for a token that is not ours."""
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    kinds = data.get("k")
    if not isinstance(kinds, list) or not kinds or not set(kinds) <= set(KINDS):
        return None
    person = User.objects.filter(pk=data.get("u"), is_active=True).first()
    return (person, kinds) if person else None


def erase_about(user: User) -> None:
    """What others were told of a person names her: it goes with her account (registered with
    leadership.erasure). Her own notifications go with her by their foreign key."""
    Notification.objects.filter(actor=user).delete()


def after_commit(event: Callable[..., Any], **kwargs: Any) -> None:
    """Run an event function once the current transaction commits (never if it rolls back).
    A failure to notify is logged, never undoes or fails the write that happened."""
    transaction.on_commit(partial(event, **kwargs), robust=True)


def notify(
    kind: str,
    *,
    recipient: User,
    text: str,
    url: str = "",
    actor: User | None = None,
    target: models.Model | None = None,
) -> Notification | None:
    """Tell one person about one event, as she chose: in the app (unless she turned the kind
    off), and by email now or in the next digest. `text` must say nothing private (names,
    dates and kinds of things only); `url` is the target page, which checks access itself.
    Call it from `after_commit`. Returns the notification, or None when nobody was told."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}: add it to NotificationKind.")
    if not recipient.is_active:
        return None
    preference = next(p for p in preferences_of(recipient) if p.kind == kind)
    if not preference.enabled:
        return None
    with transaction.atomic():
        notification = Notification.objects.create(
            recipient=recipient,
            kind=kind,
            actor=actor,
            target=target,
            text=text[:300],
            url=url,
            email=preference.email if recipient.email else EmailChoice.NEVER,
        )
        if notification.email == EmailChoice.IMMEDIATELY:
            transaction.on_commit(partial(_enqueue_email, notification.pk))
    return notification


def _enqueue_email(notification_id: int) -> None:
    from transitions import tasks  # the tasks render emails with this module's tokens

    tasks.send_notification_email.enqueue(notification_id)


def _current_manager(person: User) -> User | None:
    manager = User.objects.filter(pk=person.manager_id, is_active=True).first()
    return manager


# The events that exist today. Each loads what it needs fresh: it runs after the commit.


def checkin_submitted(*, checkin_id: int) -> None:
    checkin = CheckIn.objects.select_related("person").get(pk=checkin_id)
    person = checkin.person
    manager = _current_manager(person)
    if manager is None:
        return
    notify(
        Kind.CHECKIN_SUBMITTED,
        recipient=manager,
        actor=person,
        target=checkin,
        text=f"{person.display_name} submitted a check-in.",
        url=reverse("team_review", args=[person.username]),
    )


def evidence_shared(*, evidence_id: int) -> None:
    evidence = Evidence.objects.select_related("author").filter(pk=evidence_id).first()
    if evidence is None or evidence.visibility != Evidence.Visibility.SHARED:
        return
    author = evidence.author
    manager = _current_manager(author)
    if manager is None:
        return
    notify(
        Kind.EVIDENCE_SHARED,
        recipient=manager,
        actor=author,
        target=evidence,
        text=f"{author.display_name} shared evidence from {evidence.happened_on:%-d %B %Y}.",
        url=reverse("evidence_detail", args=[evidence.pk]),
    )


def review_completed(*, review_id: int) -> None:
    review = Review.objects.select_related("person", "manager").get(pk=review_id)
    notify(
        Kind.REVIEW_COMPLETED,
        recipient=review.person,
        actor=review.manager,
        target=review,
        text=f"{review.manager_display_name} completed a review of your progress.",
        url=reverse("my_review", args=[review.pk]),
    )


def review_acknowledged(*, review_id: int) -> None:
    """Her manager learns that she read her review (and whether she answered), not what."""
    review = Review.objects.select_related("person").get(pk=review_id)
    person = review.person
    manager = _current_manager(person)
    if manager is None:
        return
    answered = " and responded" if review.response or review.ratings.exclude(response="") else ""
    notify(
        Kind.REVIEW_ACKNOWLEDGED,
        recipient=manager,
        actor=person,
        target=review,
        text=f"{person.display_name} acknowledged the review of "
        f"{review.completed_at:%-d %B %Y}{answered}.",
        url=reverse("team_review_detail", args=[person.username, review.pk]),
    )


def agenda_item_added(*, item_id: int) -> None:
    """The other person of the pair learns that the agenda grew (not what it says, which the
    agenda shows to both of them)."""
    item = AgendaItem.objects.select_related("meeting__manager", "meeting__person", "author").get(
        pk=item_id
    )
    meeting, author = item.meeting, item.author
    other = meeting.person if author.pk == meeting.manager_id else meeting.manager
    if author.pk == meeting.manager_id:
        # Her manager still leads her 1:1s only while he is her manager.
        if meeting.person.manager_id != author.pk:
            return
    elif _current_manager(meeting.person) != meeting.manager:
        return
    notify(
        Kind.ONE_ON_ONE_ITEM_ADDED,
        recipient=other,
        actor=author,
        target=meeting,
        text=f"{author.display_name} added an item to your 1:1 agenda.",
        url=reverse("one_on_one_agenda", args=[author.username]),
    )


def feedback_requested(*, request_id: int) -> None:
    """A colleague with an account is asked (or reminded) for feedback: who asks, and on how
    many shifts; the question itself waits on the answer page, which checks access."""
    request = (
        FeedbackRequest.objects.select_related("requester", "recipient")
        .filter(pk=request_id, recipient__isnull=False)
        .first()
    )
    if request is None or not request.is_open:
        return
    count = request.shift_links.count()
    again = "A reminder: " if request.reminded_at else ""
    notify(
        Kind.FEEDBACK_REQUESTED,
        recipient=request.recipient,
        actor=request.requester,
        target=request,
        text=f"{again}{request.requester.display_name} asked for your feedback on "
        f"{count} shift{'s' if count != 1 else ''}.",
        url=reverse("feedback_answer", args=[request.pk]),
    )


def feedback_received(*, request_id: int) -> None:
    """The PM learns that an answer arrived, and from whom (not what it says)."""
    request = FeedbackRequest.objects.select_related("requester", "recipient").get(pk=request_id)
    notify(
        Kind.FEEDBACK_RECEIVED,
        recipient=request.requester,
        actor=request.recipient,
        target=request,
        text=f"{request.giver_name or request.recipient_display} answered your feedback request.",
        url=reverse("feedback_detail", args=[request.pk]),
    )
