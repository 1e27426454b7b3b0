from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from transitions import account_import


class Command(BaseCommand):
    help = (
        "Restore an account from the JSON a person downloaded from her account page (into an "
        "installation with the same framework). Every record is checked first; a file with any "
        "broken record is refused whole, with a message naming the record and field. The "
        "person starts without a manager, and the reviews she received keep their manager's "
        "name as text. She then sets a password through 'Forgot your password?'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            help=f"The downloaded JSON file (at most {account_import.MAX_FILE_BYTES} bytes).",
        )

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        try:
            imported = account_import.account_import(account_import.read_export(path))
        except account_import.AccountImportError as exc:
            raise CommandError(f"Not imported: {exc}") from None
        user = imported.user
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {user.username}: {user.checkins.count()} check-ins, "
                f"{user.evidence.count()} evidence entries, {user.focus.count()} focus."
            )
        )
        self.stdout.write(
            "Her manager is not set: an administrator assigns one under Users. Reviews she "
            "received show their manager's name as text."
        )
        for what in imported.left_out:
            self.stdout.write(f"Not imported: {what}.")
