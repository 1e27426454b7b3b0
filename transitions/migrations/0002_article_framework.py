"""Load the article's framework from transitions/data/ic-to-product-leader.json.

The loader is frozen here on purpose (historical models, fields as of this migration);
later changes to the content go through `import_framework` or the admin.
"""

import json
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "ic-to-product-leader.json"


def load_framework(apps, schema_editor):
    Framework = apps.get_model("transitions", "Framework")
    Area = apps.get_model("transitions", "Area")
    Shift = apps.get_model("transitions", "Shift")
    ShiftRevision = apps.get_model("transitions", "ShiftRevision")
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    if Framework.objects.filter(slug=data["slug"]).exists():
        return
    framework = Framework.objects.create(
        slug=data["slug"],
        title=data["title"],
        description=data.get("description", ""),
        source_title=data["source"]["title"],
        source_url=data["source"]["url"],
        is_default=not Framework.objects.filter(is_default=True).exists(),
    )
    for area_order, area_data in enumerate(data["areas"], start=1):
        area = Area.objects.create(
            framework=framework,
            slug=area_data["slug"],
            title=area_data["title"],
            summary=area_data.get("summary", ""),
            order=area_order,
        )
        for shift_order, shift_data in enumerate(area_data["shifts"], start=1):
            shift = Shift.objects.create(
                area=area,
                slug=shift_data["slug"],
                order=shift_order,
                from_text=shift_data["from"],
                to_text=shift_data["to"],
                guidance=shift_data.get("guidance", ""),
            )
            ShiftRevision.objects.create(
                shift=shift,
                number=1,
                from_text=shift.from_text,
                to_text=shift.to_text,
                kind="initial",
            )


def unload_framework(apps, schema_editor):
    Framework = apps.get_model("transitions", "Framework")
    slug = json.loads(DATA_FILE.read_text(encoding="utf-8"))["slug"]
    Framework.objects.filter(slug=slug).delete()


class Migration(migrations.Migration):
    dependencies = [("transitions", "0001_initial")]

    operations = [migrations.RunPython(load_framework, unload_framework)]
