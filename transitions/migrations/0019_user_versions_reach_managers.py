"""A change to a person's account moves her manager's and his manager's tokens too: whether
they have reports (reports of reports) is in their navigation, which cached pages include."""

from django.db import migrations

from transitions import versions

TABLE = "leadership_user"


def recreate_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in versions.drop_sql(vendor, TABLE):
        schema_editor.execute(statement)
    for statement in versions.create_sql(vendor, TABLE, versions.SOURCES[TABLE]):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("transitions", "0018_notification_versions")]

    operations = [migrations.RunPython(recreate_trigger, migrations.RunPython.noop, elidable=False)]
