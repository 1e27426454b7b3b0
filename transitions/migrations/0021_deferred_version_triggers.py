"""On PostgreSQL the version triggers become constraint triggers (deferrable, run at each
write), recreated from transitions/versions.py."""

from django.db import migrations

from transitions import versions


def recreate(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor != "postgresql":
        return
    for table, sources in versions.SOURCES.items():
        for statement in versions.drop_sql(vendor, table):
            schema_editor.execute(statement)
        for statement in versions.create_sql(vendor, table, sources):
            schema_editor.execute(statement)
    for statement in versions.lines_drop_sql(vendor):
        schema_editor.execute(statement)
    for statement in versions.lines_create_sql(vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("transitions", "0020_reporting_lines_version")]

    operations = [migrations.RunPython(recreate, migrations.RunPython.noop, elidable=False)]
