from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from leadership.models import User
from transitions import progress
from transitions.models import CheckIn


class Command(BaseCommand):
    help = (
        "Email everyone whose check-in is due (their interval has passed since their last "
        "submitted check-in, or since they joined). Each person gets at most one reminder per "
        "due period. Prints how many emails were sent. Meant to run daily from cron."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SITE_URL", ""),
            help="The app's address for the link in the email, e.g. https://leadership.example.com",
        )

    def handle(self, *args: Any, base_url: str = "", **options: Any) -> None:
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
        link = base_url.rstrip("/") + reverse("checkin_new")
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
            send_mail(
                subject="Time for your leadership check-in",
                message=(
                    f"Hello {person.first_name or person.username},\n\n{last} A check-in takes "
                    "about ten minutes: rate yourself on each shift, and see how you moved.\n\n"
                    f"Start it here: {link}\n"
                ),
                from_email=None,
                recipient_list=[person.email],
            )
            User.objects.filter(pk=person.pk).update(checkin_reminded_at=now)
            sent += 1
        self.stdout.write(f"Sent {sent} check-in reminder{'s' if sent != 1 else ''}.")
