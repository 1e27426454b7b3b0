"""Drive the running servers with locust (as a library), one page after another.

    python -m bench.load --plan bench/results/plan.json --out bench/results/load.json \\
        --host http://127.0.0.1:8001 [--alt-host http://127.0.0.1:8002]

For each page: N locust users (default 4) log in through the login form, then request the
page back to back; once all are logged in and a warm-up has passed, every response in the
measuring window is recorded: its time (as locust measures it), the SQL query count and SQL
time the server put in its `X-Bench-Queries` / `X-Bench-SQL-ms` headers, and failures.
The baseline page runs before and after every page. With --alt-host, one more run requests the
`--alt-page` with every user alternating between the two servers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Any

import gevent
from locust.env import Environment

from bench.cpu import busy_pct, cpu_times, other_pct, own_jiffies
from bench.locustfile import page_user

#: Set by bench.run: the gunicorn masters' pids and the database name, so that the CPU used
#: by other processes on the machine during each measurement can be told apart.
SERVER_PIDS = {int(p) for p in os.environ.get("BENCH_SERVER_PIDS", "").split(",") if p}
DATABASE = os.environ.get("BENCH_DATABASE_NAME", "")


def _median_int(values: list[int]) -> float | int | None:
    if not values:
        return None
    median = statistics.median(values)
    return int(median) if float(median).is_integer() else median


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Recorder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.on = False
        self.times: list[float] = []
        self.queries: list[int] = []
        self.sql_ms: list[float] = []
        self.failures: list[str] = []
        self.bytes = 0

    def __call__(
        self,
        request_type: str,
        name: str,
        response_time: float,
        response_length: int,
        response: Any = None,
        exception: Any = None,
        **kwargs: Any,
    ) -> None:
        if not self.on or name != self.name:
            return
        if exception is not None:
            self.failures.append(str(exception)[:200])
            return
        self.times.append(response_time)
        self.bytes += response_length or 0
        headers = getattr(response, "headers", None) or {}
        count = headers.get("X-Bench-Queries") or headers.get("x-bench-queries")
        if count is not None:
            self.queries.append(int(count))
        sql = headers.get("X-Bench-SQL-ms") or headers.get("x-bench-sql-ms")
        if sql is not None:
            self.sql_ms.append(float(sql))


def run_page(
    page: dict[str, Any],
    *,
    password: str,
    hosts: list[str],
    users: int,
    warmup: float,
    seconds: float,
    label: str | None = None,
) -> dict[str, Any]:
    user_class = page_user(page, password=password, hosts=hosts)
    logged_in: list[str] = []
    user_class.on_login = staticmethod(lambda user: logged_in.append(user.username))
    env = Environment(user_classes=[user_class], host=hosts[0])
    recorder = Recorder(page["name"])
    env.events.request.add_listener(recorder)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    deadline = time.monotonic() + 60
    while len(logged_in) < users and time.monotonic() < deadline:
        gevent.sleep(0.05)
    if len(logged_in) < users:
        runner.quit()
        raise SystemExit(f"{page['name']}: only {len(logged_in)} of {users} users logged in")
    gevent.sleep(warmup)
    env.stats.reset_all()
    recorder.on = True
    started = time.perf_counter()
    cpu_before = cpu_times()
    own_before = own_jiffies(SERVER_PIDS, DATABASE)
    gevent.sleep(seconds)
    recorder.on = False
    elapsed = time.perf_counter() - started
    cpu_after = cpu_times()
    own_after = own_jiffies(SERVER_PIDS, DATABASE)
    locust_stats = env.stats.get(page["name"], "GET")
    locust_view = {
        "requests": locust_stats.num_requests,
        "failures": locust_stats.num_failures,
        "median_ms": locust_stats.median_response_time,
        "p95_ms": locust_stats.get_response_time_percentile(0.95),
        "avg_ms": round(locust_stats.avg_response_time, 2),
    }
    runner.quit()
    runner.greenlet.join(timeout=10)

    times = recorder.times
    result = {
        "name": page["name"],
        "label": label or page["label"],
        "paths": sorted({a["path"] for a in page["actors"]}),
        "accounts": sorted({a["username"] for a in page["actors"]}),
        "hosts": hosts,
        "users": users,
        "seconds": round(elapsed, 2),
        "requests": len(times),
        "failures": len(recorder.failures),
        "failure_samples": recorder.failures[:3],
        "rps": round(len(times) / elapsed, 1),
        "p50_ms": round(percentile(times, 0.50), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "mean_ms": round(statistics.fmean(times), 1) if times else None,
        "queries": sorted(set(recorder.queries)),
        "queries_median": _median_int(recorder.queries),
        "sql_ms_median": round(statistics.median(recorder.sql_ms), 2) if recorder.sql_ms else None,
        "machine_cpu_busy_pct": busy_pct(cpu_before, cpu_after),
        "other_processes_cpu_pct": other_pct((cpu_before, cpu_after), (own_before, own_after)),
        "kb_per_response": round(recorder.bytes / len(times) / 1024, 1) if times else None,
        "locust": locust_view,
    }
    print(
        f"  {result['label']:<42} {result['rps']:>7.1f} rps  p50 {result['p50_ms']:>6.1f} ms  "
        f"p95 {result['p95_ms']:>6.1f} ms  queries {result['queries_median']}  "
        f"failures {result['failures']}  (others' CPU {result['other_processes_cpu_pct']:.0f}%)",
        flush=True,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--host", default="http://127.0.0.1:8001")
    parser.add_argument("--alt-host", help="A second server: adds the alternating run.")
    parser.add_argument("--alt-page", default="baseline")
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--only", help="Comma-separated page names (baseline always runs).")
    args = parser.parse_args(argv)

    with open(args.plan, encoding="utf-8") as f:
        plan = json.load(f)
    pages = {p["name"]: p for p in plan["pages"]}
    names = [n for n in pages if n != "baseline"]
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - set(pages)
        if unknown:
            parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
        names = [n for n in names if n in wanted]
    common = {
        "password": plan["password"],
        "users": args.users,
        "warmup": args.warmup,
        "seconds": args.seconds,
    }
    print(
        f"locust: {args.users} users per page, {args.warmup:g} s warm-up, {args.seconds:g} s "
        f"measured, against {args.host}",
        flush=True,
    )

    def baseline(number: int) -> dict[str, Any]:
        return run_page(
            pages["baseline"],
            hosts=[args.host],
            label=f"baseline #{number}",
            **{**common, "seconds": args.baseline_seconds},
        )

    # The baseline before and after every page: each page's ratio uses its two neighbours, so
    # a change in the machine's load during the run moves both sides of the ratio alike.
    runs = [baseline(1)]
    for number, name in enumerate(names, start=2):
        runs.append(run_page(pages[name], hosts=[args.host], **common))
        runs.append(baseline(number))
    alternating = None
    if args.alt_host:
        alternating = run_page(
            pages[args.alt_page],
            hosts=[args.host, args.alt_host],
            label=f"{args.alt_page}, alternating A/B",
            **common,
        )
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump({"runs": runs, "alternating": alternating}, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
