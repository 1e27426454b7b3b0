"""`make bench`: build the data, serve the app with gunicorn, load it with locust, report.

    .venv/bin/python -m bench.run [--rebuild] [--users 4] [--seconds 20] [--only dashboard,…]
                                  [--mixed-seconds 60] [--only mixed]
    .venv/bin/python -m bench.run --drop        # drop the benchmark database and stop

Steps:
1. `bench_data`: create the PostgreSQL database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/leadership_bench), migrate, and build the data set
   unless it is already there (BENCH_REBUILD=1 or --rebuild builds anew).
2. `collectstatic`, then `bench_prepare`: reset the mutable state, write the plan.
3. Two gunicorn servers (A and B, 2 sync workers each) with `bench.settings`: DEBUG off, a
   random secret key, database sessions, the production middleware.
4. `bench.load` (locust, as a library): each page for N seconds against A alone, the
   baseline page first and last; then one page alternating between A and B.
5. `bench.scaleout`: writes through one server, reads through both.
6. `bench.mixed` (locust): PMs and managers read and write at once against A, each write's
   marker checked on the next read of every page that must (or must not) show it.
7. The servers stop; `bench_prepare` again, undoing the mixed scenario's writes; then
   `bench_profile` measures SQL against Python time per page and runs EXPLAIN ANALYZE on the
   slowest queries.
8. The table is printed, the results written to bench/results/results.json (git-ignored), and
   docs/benchmarks.md's results section rewritten (unless --no-docs).

DATABASE_URL from the environment is ignored on purpose: the benchmark drops and creates its
database, so it only ever uses BENCH_DATABASE_URL (whose database name must contain "bench").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
PY = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/leadership_bench"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"

#: Targets from the issue.
MIN_RATIO = 0.5
MAX_P95_MS = 50.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmark (see docs/benchmarks.md).")
    parser.add_argument("--rebuild", action="store_true", help="Drop and rebuild the data.")
    parser.add_argument("--drop", action="store_true", help="Drop the bench database and stop.")
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_USERS", 4)))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 20)))
    parser.add_argument("--warmup", type=float, default=float(os.environ.get("BENCH_WARMUP", 3)))
    parser.add_argument(
        "--only", default=os.environ.get("BENCH_ONLY"), help="Pages to run (or `mixed`)."
    )
    parser.add_argument(
        "--mixed-seconds",
        type=float,
        default=float(os.environ.get("BENCH_MIXED_SECONDS", 60)),
        help="Measured seconds of the mixed read/write scenario (0 skips it).",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port-a", type=int, default=8001)
    parser.add_argument("--port-b", type=int, default=8002)
    parser.add_argument("--no-docs", action="store_true", help="Leave docs/benchmarks.md alone.")
    parser.add_argument("--no-profile", action="store_true", help="Skip bench_profile.")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    pages_only = sorted(only - {"mixed"}) if only else None
    run_pages = only is None or bool(pages_only)
    run_mixed = args.mixed_seconds > 0 and (only is None or "mixed" in only)

    started = time.perf_counter()
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = _environment()
    if args.drop:
        _manage(env, "bench_data", "--drop")
        return 0

    timings: dict[str, float] = {}
    background = _background_cpu()
    if background > 25:
        print(
            f"Warning: the machine is already {background:.0f}% busy before the benchmark "
            "starts; other work competes for the CPU and the numbers will be lower and noisier.",
            flush=True,
        )
    print(f"== data ({_redacted(env['DATABASE_URL'])})", flush=True)
    summary_path = RESULTS / "data.json"
    t = time.perf_counter()
    _manage(
        {**env, "BENCH_DATA_SUMMARY": str(summary_path)},
        "bench_data",
        *(["--rebuild"] if args.rebuild else []),
    )
    timings["data"] = time.perf_counter() - t
    data_summary = json.loads(summary_path.read_text(encoding="utf-8"))

    print("== static files and plan", flush=True)
    t = time.perf_counter()
    _manage(env, "collectstatic", "--no-input", "-v", "0")
    plan_path = RESULTS / "plan.json"
    _manage(env, "bench_prepare", "--out", str(plan_path), "--actors", str(args.users))
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    timings["prepare"] = time.perf_counter() - t

    a, b = f"http://127.0.0.1:{args.port_a}", f"http://127.0.0.1:{args.port_b}"
    servers: list[subprocess.Popen] = []
    load_path = RESULTS / "load.json"
    mixed_path = RESULTS / "mixed.json"
    load: dict[str, Any] = {"runs": [], "alternating": None}
    scale: dict[str, Any] = {"ok": True, "steps": [], "skipped": True}
    mixed = None
    try:
        print(f"== gunicorn A {a} and B {b}, {args.workers} workers each", flush=True)
        for name, port in (("a", args.port_a), ("b", args.port_b)):
            servers.append(_gunicorn(env, port, args.workers, RESULTS / f"gunicorn-{name}.log"))
        for url in (a, b):
            _wait_healthy(url, servers)

        load_env = {
            **env,
            "BENCH_SERVER_PIDS": ",".join(str(s.pid) for s in servers),
            "BENCH_DATABASE_NAME": env["DATABASE_URL"].rsplit("/", 1)[-1].split("?")[0],
        }
        if run_pages:
            print("== load (locust)", flush=True)
            t = time.perf_counter()
            load_args = ["--plan", str(plan_path), "--out", str(load_path), "--host", a]
            load_args += ["--alt-host", b, "--users", str(args.users)]
            load_args += ["--seconds", str(args.seconds), "--warmup", str(args.warmup)]
            if pages_only:
                load_args += ["--only", ",".join(pages_only)]
            _python(load_env, "bench.load", *load_args)
            load = json.loads(load_path.read_text(encoding="utf-8"))
            timings["load"] = time.perf_counter() - t

            print("== scale-out: writes through one server, reads through both", flush=True)
            from bench import scaleout

            t = time.perf_counter()
            scale = scaleout.run(a, b, plan["scaleout"], plan["password"])
            timings["scaleout"] = time.perf_counter() - t

        if run_mixed:
            print("== mixed: PMs and managers reading and writing at once", flush=True)
            t = time.perf_counter()
            mixed_args = ["--plan", str(plan_path), "--out", str(mixed_path), "--host", a]
            mixed_args += ["--users", str(args.users), "--warmup", str(args.warmup)]
            mixed_args += ["--seconds", str(args.mixed_seconds)]
            _python(load_env, "bench.mixed", *mixed_args)
            mixed = json.loads(mixed_path.read_text(encoding="utf-8"))
            timings["mixed"] = time.perf_counter() - t
    finally:
        for server in servers:
            _stop(server)

    profile = None
    if run_mixed:
        print("== undo the mixed scenario's writes", flush=True)
        _manage(env, "bench_prepare", "--out", str(plan_path), "--actors", str(args.users))
    if run_pages and not args.no_profile:
        print("== profile (one request at a time, in-process)", flush=True)
        t = time.perf_counter()
        profile_path = RESULTS / "profile.json"
        _manage(env, "bench_profile", "--plan", str(plan_path), "--out", str(profile_path))
        profile = json.loads(profile_path.read_text(encoding="utf-8"))
        timings["profile"] = time.perf_counter() - t

    timings["total"] = time.perf_counter() - started
    results = _results(args, env, data_summary, plan, load, scale, profile, timings)
    results["mixed"] = mixed
    results["machine"]["cpu_busy_pct_before_start"] = background
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    shutil.copy(RESULTS / "results.json", RESULTS / f"results-{stamp}.json")
    table = _table(results)
    print()
    print(table)
    print()
    print(_verdict(results))
    if mixed:
        print()
        print(_mixed_table(mixed))
    if results.get("profile"):
        print()
        print(_profile_table(results))
    if not args.no_docs:
        _write_docs(results, table)
        print(f"Results section of {DOCS.relative_to(ROOT)} rewritten.")
    print(f"Results: {(RESULTS / 'results.json').relative_to(ROOT)}")
    return 0 if scale["ok"] and (mixed is None or mixed["ok"]) else 1


# Processes


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _background_cpu(seconds: float = 3.0) -> float:
    """How busy (%) the machine is before the benchmark starts anything."""
    from bench.cpu import busy_pct, cpu_times

    before = cpu_times()
    time.sleep(seconds)
    return busy_pct(before, cpu_times())


def _manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603


def _python(env: dict[str, str], module: str, *args: str) -> None:
    subprocess.run([PY, "-m", module, *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def _gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"Port {port} is in use: stop what runs there or pick --port-a/-b.")
    gunicorn = str(Path(PY).parent / "gunicorn")
    out = log.open("w", encoding="utf-8")
    command = [gunicorn, "leadership.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--worker-class", "sync"]
    return subprocess.Popen(  # noqa: S603 - a fixed command: this venv's gunicorn
        command,
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_healthy(url: str, servers: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(s.poll() is not None for s in servers):
            raise SystemExit("gunicorn stopped: see bench/results/gunicorn-*.log")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url}/healthz did not answer 200 within 30 s")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# Results


def _machine(env: dict[str, str]) -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    models = [
        line.split(":", 1)[1].strip()
        for line in cpuinfo.splitlines()
        if line.startswith("model name")
    ]
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8")
    mem_kb = next(
        int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")
    )
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        pg_version = conn.execute("SELECT version()").fetchone()[0]
    versions = {}
    for package in ("django", "gunicorn", "locust", "psycopg"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:
            versions[package] = "?"
    return {
        "cpus": os.cpu_count(),
        "cpu_model": models[0] if models else platform.processor(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "postgresql": pg_version.split(" on ")[0],
        "python": platform.python_version(),
        "kernel": platform.release(),
        "versions": versions,
    }


def _git() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)  # noqa: S603, S607
        return done.stdout.strip()

    changed = [line for line in git("status", "--porcelain").splitlines() if line]
    app_changes = [
        line
        for line in changed
        if not line[3:].startswith(("bench/", "docs/benchmarks.md", ".venv"))
    ]
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted_app_changes": app_changes}


def _results(
    args: argparse.Namespace,
    env: dict[str, str],
    data_summary: dict[str, Any],
    plan: dict[str, Any],
    load: dict[str, Any],
    scale: dict[str, Any],
    profile: dict[str, Any] | None,
    timings: dict[str, float],
) -> dict[str, Any]:
    runs = load["runs"]
    baselines = [r for r in runs if r["name"] == "baseline"]
    baseline_rps = sum(r["rps"] for r in baselines) / len(baselines) if baselines else 0
    by_name = {p["name"]: p for p in (profile or {}).get("pages", [])}
    pages = []
    for i, run in enumerate(runs):
        if run["name"] == "baseline":
            continue
        # The page's own baseline: the mean of the baseline runs just before and after it.
        near = [
            r["rps"]
            for r in (runs[i - 1] if i else None, runs[i + 1] if i + 1 < len(runs) else None)
            if r is not None and r["name"] == "baseline"
        ] or [baseline_rps]
        near_rps = sum(near) / len(near)
        ratio = run["rps"] / near_rps if near_rps else None
        queries = run["queries"]
        page = {
            **run,
            "baseline_rps": round(near_rps, 1),
            "ratio": round(ratio, 2) if ratio is not None else None,
            "meets_ratio": ratio is not None and ratio >= MIN_RATIO,
            "meets_p95": run["p95_ms"] < MAX_P95_MS,
            "constant_queries": len(queries) == 1,
            "profile": by_name.get(run["name"]),
        }
        pages.append(page)
    teams = {p["name"]: p["queries"] for p in pages if p["name"] in {"team_10", "team_50"}}
    if len(teams) == 2:
        same = teams["team_10"] == teams["team_50"]
        for p in pages:
            if p["name"] in teams:
                p["constant_queries"] = p["constant_queries"] and same
    alternating = load.get("alternating")
    if alternating:
        if alternating["name"] == "baseline":
            single_rps = baselines[-1]["rps"]  # the run just before it
        else:
            single = next((p for p in pages if p["name"] == alternating["name"]), None)
            single_rps = single["rps"] if single else 0
        alternating["ratio_to_single_server"] = (
            round(alternating["rps"] / single_rps, 2) if single_rps else None
        )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": _machine(env),
        "git": _git(),
        "settings": {
            "users": args.users,
            "warmup_seconds": args.warmup,
            "measured_seconds": args.seconds,
            "gunicorn_workers_per_server": args.workers,
            "worker_class": "sync",
            "database": _redacted(env["DATABASE_URL"]),
            "targets": {"min_ratio": MIN_RATIO, "max_p95_ms": MAX_P95_MS},
            "mixed_seconds": args.mixed_seconds,
        },
        "data": data_summary,
        "dataset": plan["dataset"],
        "baseline": {"rps": round(baseline_rps, 1), "runs": baselines},
        "pages": pages,
        "alternating": alternating,
        "scaleout": scale,
        "timings_seconds": {k: round(v, 1) for k, v in timings.items()},
        "profile": profile,
    }


def _queries(values: list[int]) -> str:
    if not values:
        return "?"
    return str(values[0]) if len(values) == 1 else f"{min(values)}-{max(values)}"


def _table(results: dict[str, Any]) -> str:
    base = results["baseline"]
    if not base["runs"]:
        return ""

    rows = [
        "| page | rps | p50 ms | p95 ms | queries | SQL ms (p50) | baseline rps | ratio | targets "
        "| others' CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    runs = base["runs"]
    rps = [r["rps"] for r in runs]
    rows.append(
        f"| baseline `/bench/baseline/`, {len(runs)} runs | {base['rps']:.0f} "
        f"({min(rps):.0f}-{max(rps):.0f}) | {statistics.median(r['p50_ms'] for r in runs):.1f} | "
        f"{statistics.median(r['p95_ms'] for r in runs):.1f} | "
        f"{_queries(sorted({q for r in runs for q in r['queries']}))} | "
        f"{statistics.median(r['sql_ms_median'] for r in runs):.1f} | — | 1 | — | "
        f"{statistics.median(r['other_processes_cpu_pct'] for r in runs):.0f}% |"
    )
    for p in results["pages"]:
        misses = []
        if not p["meets_ratio"]:
            misses.append("ratio")
        if not p["meets_p95"]:
            misses.append("p95")
        if not p["constant_queries"]:
            misses.append("queries vary")
        if p["failures"]:
            misses.append(f"{p['failures']} failures")
        verdict = "ok" if not misses else "**misses " + ", ".join(misses) + "**"
        path = p["paths"][0] if len(p["paths"]) == 1 else p["paths"][0] + " …"
        rows.append(
            f"| {p['label']} `{path}` | {p['rps']:.0f} | {p['p50_ms']:.1f} | {p['p95_ms']:.1f} | "
            f"{_queries(p['queries'])} | {p['sql_ms_median']:.1f} | {p['baseline_rps']:.0f} | "
            f"{p['ratio']:.2f} | {verdict} | "
            f"{_other(p)} |"
        )
    alt = results.get("alternating")
    if alt:
        rows.append(
            f"| {alt['label']} | {alt['rps']:.0f} | {alt['p50_ms']:.1f} | {alt['p95_ms']:.1f} | "
            f"{_queries(alt['queries'])} | {alt['sql_ms_median']:.1f} | {runs[-1]['rps']:.0f} | "
            f"{alt['ratio_to_single_server']} | A and B alternating | {_other(alt)} |"
        )
    return "\n".join(rows)


def _mixed_table(mixed: dict[str, Any]) -> str:
    rows = [
        "| request | kind | requests | rps | p50 ms | p95 ms | failures |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for t in mixed["types"]:
        rows.append(
            f"| {t['name']} | {t['kind']} | {t['requests']} | {t['rps']:.1f} | "
            f"{t['p50_ms']:.1f} | {t['p95_ms']:.1f} | {t['failures']} |"
        )
    rows.append(
        f"| **all** | {mixed['reads']} reads, {mixed['writes']} writes | {mixed['requests']} | "
        f"{mixed['rps']:.1f} | — | — | {mixed['failures']} |"
    )
    return "\n".join(rows)


def _mixed_verdict(mixed: dict[str, Any]) -> str:
    users = mixed["users"]
    state = "passed" if mixed["ok"] else "FAILED"
    return (
        f"Mixed run: {state}. {users['MixedPm']} PMs and {users['MixedManager']} managers for "
        f"{mixed['seconds']:.0f} s: {mixed['rps']:.1f} requests/s, "
        f"{sum(mixed['writes_total'].values())} writes, {mixed['reads_checked']} reads checked "
        f"for freshness ({mixed['checks']} markers), {mixed['stale_reads']} stale reads, "
        f"{mixed['failures']} failures."
    )


def _profile_table(results: dict[str, Any]) -> str:
    profile = results.get("profile")
    if not profile:
        return ""
    rows = [
        "| page | served: ms/request | SQL ms | Python ms | queries "
        "| as built: ms/request | SQL ms | Python ms | queries "
        "| slowest query as built: ms, share of SQL |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for p in profile["pages"]:
        top = p["slowest_queries"][0] if p["slowest_queries"] else None
        slowest = (
            f"#{top['position']}: {top['mean_ms']:.1f} ms, {top['share_of_sql']:.0%} "
            f"(from {top.get('from', '?')})"
            if top and top["share_of_sql"] is not None
            else ""
        )
        built = p.get("built") or {}
        rows.append(
            f"| {p['name']} | {p['wall_ms_median']:.1f} | {p['sql_ms_median']:.1f} | "
            f"{p['python_ms_median']:.1f} | {p['queries']} | "
            f"{built.get('wall_ms_median', 0):.1f} | {built.get('sql_ms_median', 0):.1f} | "
            f"{built.get('python_ms_median', 0):.1f} | {built.get('queries', '')} | {slowest} |"
        )
    return "\n".join(rows)


def _other(run: dict[str, Any]) -> str:
    other = run.get("other_processes_cpu_pct")
    return "?" if other is None else f"{other:.0f}%"


def _verdict(results: dict[str, Any]) -> str:
    pages = results["pages"]
    missing = [
        p for p in pages if not (p["meets_ratio"] and p["meets_p95"] and p["constant_queries"])
    ]
    scale = results["scaleout"]
    mixed = results.get("mixed")
    if not results["baseline"]["runs"]:
        return _mixed_verdict(mixed) if mixed else "Nothing was measured."
    lines = [
        f"Baseline: {results['baseline']['rps']:.0f} requests/s (mean of "
        f"{len(results['baseline']['runs'])} runs, one before and after each page; each "
        "page's ratio uses the two next to it).",
        f"{len(pages) - len(missing)} of {len(pages)} pages meet every target "
        f"(ratio ≥ {MIN_RATIO}, p95 < {MAX_P95_MS:g} ms, one query count).",
        f"Scale-out check: {'passed' if scale['ok'] else 'FAILED'} "
        f"({sum(s['ok'] for s in scale['steps'])}/{len(scale['steps'])} steps).",
    ]
    if mixed:
        lines.append(_mixed_verdict(mixed))
    return "\n".join(lines)


def _write_docs(results: dict[str, Any], table: str) -> None:
    m = results["machine"]
    data = results["data"]
    settings = results["settings"]
    built = (
        f"reused (built {data['built_at']} in {data['seconds']:.0f} s)"
        if data.get("reused")
        else f"built in {data['seconds']:.0f} s"
    )
    git = results["git"]
    dirty = (
        f", with {len(git['uncommitted_app_changes'])} uncommitted app file(s)"
        if git["uncommitted_app_changes"]
        else ""
    )
    section = "\n".join(
        [
            START,
            f"Run on {results['date']}: {m['cpus']} x {m['cpu_model']}, {m['memory_gib']} GiB RAM, "
            f"{m['postgresql']}, Python {m['python']}, Django {m['versions']['django']}, "
            f"gunicorn {m['versions']['gunicorn']}, locust {m['versions']['locust']}; "
            f"commit {git['commit']}{dirty}.",
            "",
            f"Load: {settings['users']} locust users, {settings['warmup_seconds']:g} s warm-up, "
            f"{settings['measured_seconds']:g} s measured per page; one gunicorn server with "
            f"{settings['gunicorn_workers_per_server']} sync workers (a second one idle, used by "
            f"the alternating run). Data {built}; whole run "
            f"{results['timings_seconds']['total'] / 60:.1f} minutes.",
            "",
            table,
            "",
            _verdict(results).replace("\n", "  \n"),
            "",
            *_mixed_docs(results.get("mixed")),
            "One request at a time, in-process (`bench_profile`, after the load): where the "
            "time goes, as served (from the page cache, once built: what the load above "
            "measured) and as built (the page cache emptied before each request: what the "
            "first request after a write costs). Python is everything that is not waiting for "
            "SQL: the view, the ORM building objects, template rendering.",
            "",
            _profile_table(results),
            END,
        ]
    )
    text = (
        DOCS.read_text(encoding="utf-8") if DOCS.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    )
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + section + tail
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOCS.write_text(text, encoding="utf-8")


def _mixed_docs(mixed: dict[str, Any] | None) -> list[str]:
    if not mixed:
        return []
    users = mixed["users"]
    return [
        f"Mixed run, per request type: {users['MixedPm']} PMs and {users['MixedManager']} "
        f"managers reading and writing at once for {mixed['seconds']:.0f} s on server A "
        f"(about one write per ten reads; seed {mixed['seed']}; "
        f"others' CPU {mixed['other_processes_cpu_pct']:.0f}%).",
        "",
        _mixed_table(mixed),
        "",
    ]


def _redacted(url: str) -> str:
    if "@" in url and ":" in url.split("://", 1)[1].split("@", 1)[0]:
        scheme, rest = url.split("://", 1)
        user = rest.split("@", 1)[0].split(":", 1)[0]
        return f"{scheme}://{user}:***@{rest.split('@', 1)[1]}"
    return url


if __name__ == "__main__":
    sys.exit(main())
