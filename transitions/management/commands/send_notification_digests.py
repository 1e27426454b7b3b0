from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from transitions import tasks


class Command(BaseCommand):
    help = (
        "Enqueue one digest email per person with notifications waiting for their digest "
        "(what happened since their last one); the task queue sends them. Prints how many "
        "were enqueued. Meant to run daily from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = tasks.queue_digests()
        self.stdout.write(f"Enqueued {count} digest{'s' if count != 1 else ''}.")
