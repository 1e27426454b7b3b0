from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from leadership.models import User

PASSWORD = "leadership-demo"  # noqa: S105 — the documented demo password
EDITORS_GROUP = "Content editors"

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
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created {', '.join(created)}."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")

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
