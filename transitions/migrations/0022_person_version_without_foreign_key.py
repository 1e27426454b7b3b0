"""The token table loses its database foreign key on PostgreSQL (see PersonVersion). SQLite
keeps it: it has no row locks to deadlock on, and rebuilding the table there would break the
triggers that name it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop_foreign_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint "
            "WHERE conrelid = 'transitions_personversion'::regclass AND contype = 'f'"
        )
        names = [row[0] for row in cursor.fetchall()]
    for name in names:
        schema_editor.execute(
            f"ALTER TABLE transitions_personversion DROP CONSTRAINT {schema_editor.quote_name(name)}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("transitions", "0021_deferred_version_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="personversion",
                    name="person",
                    field=models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_foreign_key, migrations.RunPython.noop, elidable=False)
            ],
        ),
    ]
