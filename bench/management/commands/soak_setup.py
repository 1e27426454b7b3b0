from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from leadership.models import User

PASSWORD = "soak-password-1"  # noqa: S105 — a throwaway database's accounts


class Command(BaseCommand):
    help = "Create the soak test's people: managers with PMs reporting to them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--managers", type=int, default=3)
        parser.add_argument("--reports", type=int, default=4)

    def handle(self, *args: Any, managers: int, reports: int, **options: Any) -> None:
        template = User(username="template")
        template.set_password(PASSWORD)
        for m in range(managers):
            manager = User.objects.create(
                username=f"soak-manager-{m}", password=template.password, email=""
            )
            for r in range(reports):
                User.objects.create(
                    username=f"soak-pm-{m}-{r}", password=template.password, manager=manager
                )
        self.stdout.write(f"Created {managers} managers and {managers * reports} PMs.")
