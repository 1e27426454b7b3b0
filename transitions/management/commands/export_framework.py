from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from transitions import framework_file, services
from transitions.models import Framework


class Command(BaseCommand):
    help = (
        "Write a framework (areas, shifts, guidance, current wording) to a JSON file that "
        "import_framework reads. Without --output it prints to standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "slug", nargs="?", help="The framework's slug (default: the default framework)."
        )
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")

    def handle(
        self, *args: Any, slug: str | None = None, output: str | None = None, **options: Any
    ) -> None:
        framework = (
            Framework.objects.filter(slug=slug).first() if slug else Framework.objects.default()
        )
        if framework is None:
            known = ", ".join(Framework.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No framework {slug or '(default)'!r}. Known slugs: {known}.")
        data = services.framework_export(framework)
        if output:
            framework_file.write(data, output)
            shifts = sum(len(area["shifts"]) for area in data["areas"])
            self.stderr.write(
                f"Wrote {framework.slug}: {len(data['areas'])} areas, {shifts} shifts to {output}."
            )
        else:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
