"""Notifications move their recipient's version token too: the list is a cached page."""

from django.db import migrations

from transitions import versions

TABLE = "transitions_notification"


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in versions.create_sql(vendor, TABLE, versions.SOURCES[TABLE]):
        schema_editor.execute(statement)


def drop_trigger(apps, schema_editor):
    for statement in versions.drop_sql(schema_editor.connection.vendor, TABLE):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("transitions", "0017_person_versions")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
