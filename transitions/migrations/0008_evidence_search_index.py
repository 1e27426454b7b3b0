"""A trigram index for the evidence text search on PostgreSQL.

The search is `title ILIKE %q% OR body ILIKE %q%` (Django's icontains, which PostgreSQL
runs as UPPER(column) LIKE UPPER(pattern)); a GIN trigram index on those expressions
serves it. SQLite has no such index and searches by scanning the author's entries.
"""

from django.db import migrations

INDEX = "evidence_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON transitions_evidence USING gin "
        "((UPPER(title::text)) gin_trgm_ops, (UPPER(body::text)) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("transitions", "0007_cache_table")]

    operations = [migrations.RunPython(create_index, drop_index)]
