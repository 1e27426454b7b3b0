"""A full-text index for the evidence search on PostgreSQL, replacing the trigram index.

The search (EvidenceQuerySet.search) matches every word against
`setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')`
(models.EVIDENCE_SEARCH_VECTOR); a GIN index on that same expression serves it. The
trigram index served the old substring search and is dropped. SQLite has no such index
and searches by scanning the author's entries.
"""

from django.db import migrations

INDEX = "evidence_search_fts"
OLD_INDEX = "evidence_search_trgm"
VECTOR = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'B'))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON transitions_evidence USING gin ({VECTOR})"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON transitions_evidence USING gin "
        "((UPPER(title::text)) gin_trgm_ops, (UPPER(body::text)) gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("transitions", "0010_review_manager_name")]

    operations = [migrations.RunPython(create_index, drop_index)]
