from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from transitions import services


class Command(BaseCommand):
    help = (
        "Restore an account from the JSON a person downloaded from her account page (into an "
        "installation with the same framework). The person then sets a password through "
        "'Forgot your password?'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The downloaded JSON file.")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            user = services.account_import(data)
        except services.AccountImportError as exc:
            raise CommandError(f"Not imported: {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {user.username}: {user.checkins.count()} check-ins, "
                f"{user.evidence.count()} evidence entries, {user.focus.count()} focus."
            )
        )
