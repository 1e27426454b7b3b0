"""Per-person version tokens, moved by database triggers (see transitions/versions.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from transitions import versions

# The tables this migration puts triggers on (a later table gets its own migration).
TABLES = (
    "leadership_user",
    "transitions_framework",
    "transitions_area",
    "transitions_arearevision",
    "transitions_shift",
    "transitions_shiftrevision",
    "transitions_checkin",
    "transitions_rating",
    "transitions_evidence",
    "transitions_evidenceshift",
    "transitions_focus",
    "transitions_review",
    "transitions_reviewrating",
    "transitions_oneonone",
    "transitions_agendaitem",
    "transitions_dismissedsuggestion",
    "transitions_actionitem",
    "transitions_privatenote",
    "transitions_feedbackrequest",
    "transitions_feedbackrequestshift",
)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        for statement in versions.create_sql(vendor, table, versions.SOURCES[table]):
            schema_editor.execute(statement)
    schema_editor.execute(versions.fill_sql(vendor))


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        for statement in versions.drop_sql(vendor, table):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("leadership", "0005_invitation"),
        ("transitions", "0016_feedback_requests"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonVersion",
            fields=[
                (
                    "person",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("token", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
