from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from transitions import framework_file, services
from transitions.models import ShiftRevision


class Command(BaseCommand):
    help = (
        "Create or update a framework from a JSON file written by export_framework. Areas and "
        "shifts are matched on their slugs, so importing the same file twice changes nothing. "
        "A changed from/to wording is recorded as a new revision, never overwritten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The framework file to read.")
        parser.add_argument(
            "--wording-fix",
            action="store_true",
            help="Record changed wording as wording fixes (default: changes of meaning).",
        )
        parser.add_argument(
            "--make-default", action="store_true", help="Make this the default framework."
        )

    def handle(
        self, *args: Any, path: str, wording_fix: bool, make_default: bool, **options: Any
    ) -> None:
        try:
            data = framework_file.read(path)
            report = services.framework_import(
                data,
                change_kind=ShiftRevision.Kind.WORDING_FIX
                if wording_fix
                else ShiftRevision.Kind.MEANING_CHANGE,
                make_default=make_default,
            )
        except ValidationError as exc:
            raise CommandError(
                "The file was not imported:\n- " + "\n- ".join(exc.messages)
            ) from None
        for label, items in [
            ("Created", report.created),
            ("Updated", report.updated),
            ("New wording revision for", report.reworded),
            ("Kept (not in the file)", report.not_in_file),
        ]:
            if items:
                self.stdout.write(f"{label}: {', '.join(items)}")
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"Imported {report.framework.slug}."))
        else:
            self.stdout.write(f"{report.framework.slug} is already up to date; nothing changed.")
