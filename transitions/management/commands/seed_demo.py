from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from leadership.models import User
from transitions import services
from transitions.management.commands._demo_content import PRIYA_EVIDENCE, SAM_EVIDENCE
from transitions.models import Evidence, Framework, Shift

PASSWORD = "leadership-demo"  # noqa: S105 — the documented demo password
EDITORS_GROUP = "Content editors"
DEMO_NAMESPACE = uuid.UUID("5d1c7a52-4f0e-4b8e-9a57-6c1f3f0d2b11")

# username, first name, last name, manager's username
PEOPLE = [
    ("marco", "Marco", "Rossi", None),
    ("priya", "Priya", "Sharma", "marco"),
    ("sam", "Sam", "Okafor", "marco"),
    ("alex", "Alex", "Kim", None),
    ("admin", "Ada", "Admin", None),
]


class Command(BaseCommand):
    help = (
        "Create the demo accounts (priya and sam reporting to marco, alex the content editor, "
        f"admin the superuser; password {PASSWORD!r}). Safe to run twice: existing accounts "
        "are left as they are. Refused when DEBUG is off unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the demo password is public).",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a public password, so it only runs with "
                "DJANGO_DEBUG=1. Use --force to run it anyway."
            )
        with transaction.atomic():
            created = self._people()
            users = {
                user.username: user for user in User.objects.filter(username__in=["priya", "sam"])
            }
            added = self._evidence(users["priya"], PRIYA_EVIDENCE)
            added += self._evidence(users["sam"], SAM_EVIDENCE)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created {', '.join(created)}."))
        if added:
            self.stdout.write(self.style.SUCCESS(f"Added {added} evidence entries."))
        if not created and not added:
            self.stdout.write("Demo data already present; nothing changed.")

    def _evidence(self, author: User, entries: list[tuple[int, list[str], str, str, bool]]) -> int:
        """Add the demo evidence; each entry has a fixed key, so a second run adds nothing."""
        framework = Framework.objects.followed_by(author)
        shifts = {s.slug: s for s in Shift.objects.of_framework(framework)} if framework else {}
        today = timezone.localdate()
        added = 0
        for days_ago, slugs, title, body, shared in entries:
            key = uuid.uuid5(DEMO_NAMESPACE, f"{author.username}:{title}")
            linked = [shifts[slug] for slug in slugs if slug in shifts]
            if not linked or Evidence.objects.filter(author=author, submission_key=key).exists():
                continue
            services.evidence_create(
                author=author,
                submission_key=key,
                data={
                    "happened_on": today - timedelta(days=days_ago),
                    "title": title,
                    "body": body,
                    "link": "",
                    "visibility": Evidence.Visibility.SHARED
                    if shared
                    else Evidence.Visibility.PRIVATE,
                    "shifts": linked,
                },
            )
            added += 1
        return added

    def _people(self) -> list[str]:
        created: list[str] = []
        users: dict[str, User] = {}
        for username, first, last, manager in PEOPLE:
            user, was_created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.com",
                    "manager": users.get(manager) if manager else None,
                },
            )
            users[username] = user
            if was_created:
                user.set_password(PASSWORD)
                if username == "alex":
                    user.is_staff = True
                elif username == "admin":
                    user.is_staff = user.is_superuser = True
                user.save()
                if username == "alex":
                    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
                created.append(username)
        return created
