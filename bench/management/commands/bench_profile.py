"""Where each benchmarked page spends its time: SQL or Python, and which SQL.

    python manage.py bench_profile --settings=bench.settings --plan PLAN --out OUT.json

For each page of the plan (as its first account, in this process, through the whole
middleware stack with Django's test client and a session made server-side) it times a number
of requests, capturing every query with its time — as the load sees them (from the page cache
once built) and as built (the page cache emptied before each request); then, for the page as
built, it runs EXPLAIN (ANALYZE, BUFFERS) on the slowest queries, and profiles a few requests
with cProfile to name the Python functions that cost most. Run it while no load is running:
the numbers are for one request at a time.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import re
import statistics
import time
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import caches
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client

from leadership.models import User

EXPLAIN_AT_LEAST_MS = 0.5
#: cProfile lines to keep: the app's own code and the template rendering entry points.
PROFILED_CODE = (
    r"/(transitions|leadership|bench)/|shortcuts.py.*\(render\)|template/base.py.*\(render\)"
)
EXPLAIN_TOP = 2


def logged_in_client(user: User) -> Client:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return client


def shorten(sql: str, limit: int = 600) -> str:
    sql = re.sub(r"\s+", " ", sql)
    return sql if len(sql) <= limit else sql[: limit - 1] + "…"


def outer_table(sql: str) -> str:
    """The table a query reads first (its outermost FROM)."""
    depth = 0
    for i, char in enumerate(sql):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and sql.startswith(" FROM ", i):
            return sql[i + 6 :].split()[0].strip('"')
    return "?"


class Command(BaseCommand):
    help = "Profile each benchmarked page: SQL vs Python time, slowest queries and their plans."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--plan", required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--requests", type=int, default=15)
        parser.add_argument("--only", help="Comma-separated page names.")

    def handle(self, *args: Any, **options: Any) -> None:
        with open(options["plan"], encoding="utf-8") as f:
            plan = json.load(f)
        pages = []
        only = set(options["only"].split(",")) if options["only"] else None
        for page in plan["pages"]:
            if only and page["name"] not in only:
                continue
            pages.append(self._profile(page, options["requests"]))
        with open(options["out"], "w", encoding="utf-8") as out:
            json.dump({"pages": pages}, out, indent=2)
        self.stdout.write(f"Profile written to {options['out']}.")

    def _profile(self, page: dict[str, Any], n: int) -> dict[str, Any]:
        actor = page["actors"][0]
        client = logged_in_client(User.objects.get(username=actor["username"]))
        path = actor["path"]
        started = time.perf_counter()
        for _ in range(3):
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} as {actor['username']}: HTTP {response.status_code}")
        # About five seconds per page at most: fewer requests for the slow ones.
        each = (time.perf_counter() - started) / 3
        n = max(5, min(n, int(5 / max(each, 0.001))))
        walls, sql_totals, _, texts = _measure(client, path, n, built=False)
        built = _measure(client, path, n, built=True)
        # The slowest queries, their plans and the Python profile: of the page as built.
        means = [statistics.fmean(times) if times else 0.0 for times in built[2]]
        ranked = sorted(range(len(means)), key=lambda i: -means[i])
        wall = statistics.median(walls)
        sql = statistics.median(sql_totals)
        top = []
        for rank, i in enumerate(ranked[:3]):
            entry = {
                "position": i + 1,
                "mean_ms": round(means[i], 2),
                "share_of_sql": round(means[i] / sum(means), 2) if sum(means) else None,
                "from": outer_table(built[3][i]),
                "sql": shorten(built[3][i]),
            }
            if rank < EXPLAIN_TOP and means[i] >= EXPLAIN_AT_LEAST_MS:
                entry["explain"] = self._explain(built[3][i])
            top.append(entry)
        profile = cProfile.Profile()
        for _ in range(5):
            caches["pages"].clear()
            profile.enable()
            client.get(path)
            profile.disable()
        built_wall = statistics.median(built[0])
        built_sql = statistics.median(built[1])
        report = io.StringIO()
        stats = pstats.Stats(profile, stream=report).sort_stats("cumulative")
        stats.print_stats(PROFILED_CODE, 20)
        result = {
            "name": page["name"],
            "path": path,
            "account": actor["username"],
            "requests": n,
            "queries": len(texts),
            "wall_ms_median": round(wall, 2),
            "sql_ms_median": round(sql, 2),
            "python_ms_median": round(wall - sql, 2),
            "built": {
                "queries": len(built[3]),
                "wall_ms_median": round(built_wall, 2),
                "sql_ms_median": round(built_sql, 2),
                "python_ms_median": round(built_wall - built_sql, 2),
            },
            "slowest_queries": top,
            "cprofile_cumulative": _trim_pstats(report.getvalue()),
        }
        self.stdout.write(
            f"  {page['name']:<16} {wall:7.1f} ms/request, SQL {sql:6.1f} ms in "
            f"{len(texts)} queries, Python {wall - sql:6.1f} ms; as built (cache emptied) "
            f"{built_wall:7.1f} ms, SQL {built_sql:6.1f} ms in {len(built[3])} queries"
        )
        return result

    def _explain(self, sql: str) -> list[str]:
        if not sql.lstrip().upper().startswith("SELECT"):
            return []
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return [row[0] for row in cursor.fetchall()]


def _measure(
    client: Client, path: str, n: int, *, built: bool
) -> tuple[list[float], list[float], list[list[float]], list[str]]:
    """Time `n` requests: served as the load sees them, or (`built`) each with the page
    cache emptied first, so the page is built. Walls, SQL totals, per-query times, SQL texts."""
    walls: list[float] = []
    sql_totals: list[float] = []
    per_position: list[list[float]] = []
    texts: list[str] = []
    for _ in range(n):
        if built:
            caches["pages"].clear()
        queries: list[tuple[str, float]] = []
        with connection.execute_wrapper(_Timer(queries)):
            started = time.perf_counter()
            client.get(path)
            walls.append((time.perf_counter() - started) * 1000)
        sql_totals.append(sum(ms for _, ms in queries))
        if not texts:
            texts = [sql for sql, _ in queries]
            per_position = [[] for _ in queries]
        for i, (_, ms) in enumerate(queries[: len(per_position)]):
            per_position[i].append(ms)
    return walls, sql_totals, per_position, texts


class _Timer:
    """An execute wrapper that records each query's SQL (with its parameters) and time."""

    def __init__(self, into: list[tuple[str, float]]) -> None:
        self.into = into

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - started) * 1000
            text = connection.ops.last_executed_query(context["cursor"], sql, params)
            self.into.append((text or sql, ms))


def _trim_pstats(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return [line for line in lines[start:] if line.strip()]
