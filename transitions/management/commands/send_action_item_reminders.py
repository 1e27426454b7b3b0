from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from transitions import notifications
from transitions.models import ActionItem


class Command(BaseCommand):
    help = (
        "Tell the owner of every open 1:1 action item that is due (today or earlier) that it "
        "is due: a notification, emailed through the task queue as she chose. Each item is "
        "told of once. Prints how many were told. Meant to run daily from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        due = ActionItem.objects.filter(
            done_at__isnull=True,
            reminded_at__isnull=True,
            due_on__lte=today,
            owner__is_active=True,
        ).select_related("owner", "meeting__manager", "meeting__person")
        told = 0
        for item in due:
            meeting = item.meeting
            if meeting.person.manager_id != meeting.manager_id:
                continue  # no longer a pair: the 1:1s are not theirs to open
            other = meeting.person if item.owner_id == meeting.manager_id else meeting.manager
            when = "today" if item.due_on == today else f"on {item.due_on:%-d %B %Y}"
            # One transaction per item: claimed once (a second run finds it claimed), and
            # its email enqueued after the commit.
            with transaction.atomic():
                claimed = ActionItem.objects.filter(pk=item.pk, reminded_at__isnull=True).update(
                    reminded_at=timezone.now()
                )
                if not claimed:
                    continue
                notifications.notify(
                    notifications.Kind.ACTION_ITEM_DUE,
                    recipient=item.owner,
                    actor=other,
                    target=meeting,
                    text=f"An action item from your 1:1 with {other.display_name} is due {when}.",
                    url=reverse("one_on_one_agenda", args=[other.username]),
                )
            told += 1
        self.stdout.write(f"Told {told} action item owner{'s' if told != 1 else ''}.")
