"""Count the SQL queries (and their time) that each request runs, for the benchmark only."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse


class QueryCountMiddleware:
    """Adds `X-Bench-Queries` (how many queries) and `X-Bench-SQL-ms` (their time) to every
    response. It is the outermost middleware, so the session and user look-ups count too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = _Counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(counter.queries)
        response["X-Bench-SQL-ms"] = f"{counter.seconds * 1000:.2f}"
        return response


class _Counter:
    def __init__(self) -> None:
        self.queries = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1
