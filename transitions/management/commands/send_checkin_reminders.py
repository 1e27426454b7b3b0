from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from leadership.models import User
from transitions import notifications, progress
from transitions.models import CheckIn


class Command(BaseCommand):
    help = (
        "Remind everyone whose check-in is due (their interval has passed since their last "
        "submitted check-in, or since they joined): a notification, emailed through the task "
        "queue as each person chose. Each person gets at most one reminder per due period. "
        "Prints how many reminders were sent. Meant to run daily from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        people = (
            User.objects.filter(is_active=True)
            .exclude(email="")
            .annotate(
                last_checkin=Max(
                    "checkins__submitted_at",
                    filter=Q(checkins__status=CheckIn.Status.SUBMITTED),
                )
            )
        )
        sent = 0
        link = reverse("checkin_new")
        for person in people:
            due_at = progress.checkin_due_at(person, person.last_checkin)
            already_reminded = person.checkin_reminded_at and person.checkin_reminded_at >= due_at
            if due_at > now or already_reminded:
                continue
            last = (
                f"Your last check-in was on {person.last_checkin:%-d %B %Y}."
                if person.last_checkin
                else "You have not done a check-in yet."
            )
            # One transaction per person: the reminder and its record of being sent go
            # together, and its email is enqueued once they are committed.
            with transaction.atomic():
                notifications.notify(
                    notifications.Kind.CHECKIN_DUE,
                    recipient=person,
                    text=(
                        f"Time for your check-in. {last} It takes about ten minutes: rate "
                        "yourself on each shift, and see how you moved."
                    ),
                    url=link,
                )
                User.objects.filter(pk=person.pk).update(checkin_reminded_at=now)
            sent += 1
        self.stdout.write(f"Sent {sent} check-in reminder{'s' if sent != 1 else ''}.")
