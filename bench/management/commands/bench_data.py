"""Create the benchmark database and fill it, unless it already holds the data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leadership_bench \\
        python manage.py bench_data --settings=bench.settings [--rebuild | --drop]

The database must be PostgreSQL and its name must contain "bench": this command drops and
creates it. It always runs `migrate` (which loads the framework); the data itself is built
once and then reused while the `bench_build` marker table says it is complete and of the
current data version. `--rebuild` (or BENCH_REBUILD=1) drops the database and builds anew.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from psycopg import sql

from bench import data

#: Bump when bench/data.py changes what it builds, so old databases are rebuilt.
DATA_VERSION = 1


class Command(BaseCommand):
    help = "Create and fill the benchmark database (reused when already built)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Drop and build anew.")
        parser.add_argument("--drop", action="store_true", help="Drop the database and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
        name = db["NAME"]
        if "bench" not in name:
            raise CommandError(
                f"Refusing to use database {name!r}: the benchmark drops and creates its "
                "database, so its name must contain 'bench' (e.g. leadership_bench)."
            )
        rebuild = options["rebuild"] or os.environ.get("BENCH_REBUILD", "") in {"1", "true"}
        if options["drop"]:
            self._drop(db)
            self.stdout.write(f"Dropped database {name}.")
            return
        if rebuild:
            self._drop(db)
        created = self._create(db)

        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        migrate_seconds = time.perf_counter() - started

        marker = None if created else self._marker()
        if marker is not None and marker.get("version") == DATA_VERSION:
            self.stdout.write(
                f"Reusing {name}: built {marker['built_at']} in {marker['seconds']:.0f} s "
                f"({marker['counts']['ratings']:,} ratings). BENCH_REBUILD=1 to build anew."
            )
            self._write_summary(reused=True, marker=marker, migrate_seconds=migrate_seconds)
            return
        if not created:
            # Left over from an older data version or an interrupted build: start clean.
            self.stdout.write(f"{name} holds no complete build of version {DATA_VERSION}.")
            self._drop(db)
            self._create(db)
            started = time.perf_counter()
            call_command("migrate", interactive=False, verbosity=0)
            migrate_seconds = time.perf_counter() - started

        self.stdout.write(
            f"Building the benchmark data in {name} (migrate: {migrate_seconds:.1f} s)"
        )
        started = time.perf_counter()
        report = data.build(log=self.stdout.write)
        load_seconds = time.perf_counter() - started
        analyze_seconds = data.analyze(log=self.stdout.write)
        total = load_seconds + analyze_seconds
        marker = {
            "version": DATA_VERSION,
            "built_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "seconds": round(total, 1),
            "load_seconds": round(load_seconds, 1),
            "analyze_seconds": round(analyze_seconds, 1),
            "migrate_seconds": round(migrate_seconds, 1),
            "counts": report.counts,
            "step_seconds": report.seconds,
        }
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_build (info jsonb NOT NULL)")
            cursor.execute("INSERT INTO bench_build (info) VALUES (%s)", [json.dumps(marker)])
        self.stdout.write(
            f"Built in {total:.1f} s ({load_seconds:.1f} s COPY, {analyze_seconds:.1f} s "
            f"VACUUM ANALYZE), plus {migrate_seconds:.1f} s migrate."
        )
        self._write_summary(reused=False, marker=marker, migrate_seconds=migrate_seconds)

    def _write_summary(self, *, reused: bool, marker: dict, migrate_seconds: float) -> None:
        path = os.environ.get("BENCH_DATA_SUMMARY")
        if path:
            with open(path, "w", encoding="utf-8") as out:
                json.dump(
                    {"reused": reused, "migrate_seconds": round(migrate_seconds, 1), **marker},
                    out,
                    indent=2,
                )

    def _marker(self) -> dict | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_build') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return None
            cursor.execute("SELECT info FROM bench_build LIMIT 1")
            row = cursor.fetchone()
        if row is None:
            return None
        return row[0] if isinstance(row[0], dict) else json.loads(row[0])

    def _admin(self, db: dict) -> psycopg.Connection:
        """A connection to the server's `postgres` database, to create or drop ours."""
        return psycopg.connect(
            dbname="postgres",
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            autocommit=True,
        )

    def _create(self, db: dict) -> bool:
        with self._admin(db) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
            ).fetchone()
            if exists:
                return False
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        self.stdout.write(f"Created database {db['NAME']}.")
        return True

    def _drop(self, db: dict) -> None:
        connections.close_all()
        with self._admin(db) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(db["NAME"])
                )
            )
