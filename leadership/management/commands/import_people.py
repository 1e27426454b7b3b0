from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from leadership import org_import


class Command(BaseCommand):
    help = (
        "Import an org chart from a CSV file (columns email, first_name, last_name, "
        "manager_email, and optionally username and framework). Prints what each row would "
        "do (create, change, unchanged, refused) and writes only with --yes or after you "
        "confirm; then everything in one transaction. Importing the same file again changes "
        "nothing. New people get an invitation by email unless --no-invite."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The CSV file to read ('-' for standard input).")
        parser.add_argument(
            "--yes", action="store_true", help="Import without asking for confirmation."
        )
        parser.add_argument(
            "--no-invite",
            dest="invite",
            action="store_false",
            help="Do not email the people created (they can be invited later from /people/).",
        )

    def handle(self, *args: Any, path: str, yes: bool, invite: bool, **options: Any) -> None:
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            plan = org_import.plan(text)
        except org_import.ImportFileError as error:
            raise CommandError(str(error)) from None
        for row in plan.rows:
            self.stdout.write(f"row {row.number}: {row.email}: {_describe(row)}")
        counts = plan.counts
        self.stdout.write(
            f"{counts['create']} to create, {counts['change']} to change, "
            f"{counts['unchanged']} unchanged, {counts['refuse']} refused."
        )
        if not plan.writes:
            self.stdout.write("Nothing to import.")
            return
        if not yes:
            answer = input("Import? Type 'yes' to write these changes: ")
            if answer.strip().lower() != "yes":
                self.stdout.write("Nothing was written.")
                return
        done = org_import.apply(plan, by=None, invite=invite)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {done['created']} created, {done['changed']} changed, "
                f"{done['invited']} invited."
            )
        )


def _describe(row: org_import.Row) -> str:
    if row.action == "create":
        return f"create ({row.username})"
    if row.action == "change":
        return "change: " + "; ".join(row.changes)
    if row.action == "unchanged":
        return "unchanged"
    return "refused: " + " ".join(row.reasons)
