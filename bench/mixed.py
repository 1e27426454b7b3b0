"""The mixed scenario: PMs and managers read and write at the same time, and every write is
checked on the next read of each page that must show it (or must not).

    python -m bench.mixed --plan bench/results/plan.json --out bench/results/mixed.json \\
        --host http://127.0.0.1:8001 [--seconds 60] [--users 4]

- PMs (`pm0001`…, one account per locust user) add evidence through the evidence form
  (shared or private, linked to one or two shifts) or autosave a rating and note on their
  draft check-in (the request the draft page's htmx makes). Each PM holds a second session
  as her manager, who reads her packet, her shift pages and the entry itself.
- Managers (the review page's, `mgr050`…) autosave a rating and comment on their open review
  of a report (the review page's htmx request). Each holds a second session as that report.
- Every write carries a marker (`mix-<uuid>`). The write records which viewer's next read of
  which page must show it and which must not; that read checks it, and the reads the write
  calls for come first after it. About ten reads follow each write.

Timings and throughput cover the measured window (after the logins and a warm-up); writes
and freshness checks are counted over the whole scenario.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, constant, task
from locust.contrib.fasthttp import FastHttpSession
from locust.env import Environment
from locust.exception import StopUser

from bench.cpu import busy_pct, cpu_times, other_pct, own_jiffies
from bench.load import percentile
from bench.locustfile import CSRF_INPUT, FORM, login

SEED = 20261130
READS_PER_WRITE = 10
MARKER = "mix-"
SERVER_PIDS = {int(p) for p in os.environ.get("BENCH_SERVER_PIDS", "").split(",") if p}
DATABASE = os.environ.get("BENCH_DATABASE_NAME", "")

WRITE_EVIDENCE = "write: evidence (form)"
WRITE_CHECKIN = "write: check-in rating (autosave)"
WRITE_REVIEW = "write: review rating (autosave)"
WRITES = (WRITE_EVIDENCE, WRITE_CHECKIN, WRITE_REVIEW)

CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
SUBMISSION_KEY = re.compile(r'name="submission_key" value="([^"]*)"')
HAPPENED_ON = re.compile(r'name="happened_on" value="([^"]+)"')
SHIFT_OPTION = re.compile(r'name="shifts" value="(\d+)"')
CHECKIN_URL = re.compile(r"/check-ins/(\d+)/$")
FLASH = re.compile(r'<p class="flash__item[^"]*">.*?</p>', re.S)


def _hidden(slug: str, name: str) -> re.Pattern[str]:
    return re.compile(rf'name="{re.escape(slug)}-{name}" value="(\d*)"')


# Freshness


@dataclass
class Expectation:
    marker: str
    present: bool
    write: str
    status: int = 200


@dataclass
class Ledger:
    """What each viewer's next read of a page must show (or must not), and what reads found."""

    pending: dict[tuple[str, str], list[Expectation]] = field(
        default_factory=lambda: defaultdict(list)
    )
    writes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    reads_checked: int = 0
    checks: int = 0
    stale: list[dict[str, Any]] = field(default_factory=list)

    closed: bool = False

    def expect(self, viewer: str, path: str, expectation: Expectation) -> None:
        self.pending[(viewer, path)].append(expectation)

    def check(self, viewer: str, path: str, status: int, body: str) -> None:
        expected = self.pending.pop((viewer, path), [])
        if not expected or self.closed:
            return
        self.reads_checked += 1
        self.checks += len(expected)
        shown = FLASH.sub("", body)
        wrong = [e for e in expected if not _holds(e, status, shown)]
        if wrong:
            self.stale.append(
                {
                    "viewer": viewer,
                    "path": path,
                    "status": status,
                    "wrong": [
                        {"marker": e.marker, "write": e.write, "must_show": e.present}
                        for e in wrong
                    ],
                }
            )

    def unchecked(self) -> int:
        return sum(len(e) for e in self.pending.values())


def _holds(expectation: Expectation, status: int, body: str) -> bool:
    if status != expectation.status:
        return False
    return (expectation.marker in body) == expectation.present


# Timings


class Recorder:
    """Every request of the measured window, by request type (each read page, each write)."""

    def __init__(self) -> None:
        self.on = False
        self.closed = False
        self.times: dict[str, list[float]] = defaultdict(list)
        self.failures: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []

    def __call__(
        self,
        request_type: str,
        name: str,
        response_time: float,
        response_length: int,
        exception: Any = None,
        **kwargs: Any,
    ) -> None:
        if self.closed:
            return
        if exception is not None:
            self.failures[name] += 1
            if len(self.samples) < 10:
                self.samples.append(f"{name}: {str(exception)[:200]}")
            return
        if self.on:
            self.times[name].append(response_time)


# Users


@dataclass
class View:
    """One logged-in session and the CSRF token its last page carried (for htmx requests)."""

    username: str
    session: Any
    token: str = ""


@dataclass(frozen=True)
class Read:
    """A read a write calls for: whose, of which page, and whether it must show the marker
    (`status`: what the rules make the page answer, 404 for an entry the viewer may not see)."""

    view: View
    path: str
    present: bool
    status: int = 200


class MixedUser(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    mixed: dict[str, Any]
    password: str
    ledger: Ledger
    on_ready: Callable[[MixedUser], None] | None = None
    _numbers: itertools.count

    def start_as(self, actors: list[dict[str, Any]]) -> dict[str, Any]:
        actor = actors[next(self._numbers) % len(actors)]
        self.rng = random.Random(f"{SEED}-{actor['username']}")
        self.cycle_reads = 0
        self.me = self.session_as(actor["username"], main=True)
        return actor

    def session_as(self, username: str, *, main: bool = False) -> View:
        session = (
            self.client
            if main
            else FastHttpSession(
                base_url=self.host, request_event=self.environment.events.request, user=self
            )
        )
        login(session, self.host, username, self.password)
        return View(username=username, session=session)

    def read(self, view: View, path: str, *, status: int = 200) -> str | None:
        """GET a page as the view and check what the writes before expect of it."""
        self.cycle_reads += 1
        with view.session.get(
            path, name=_name(path), allow_redirects=False, catch_response=True
        ) as response:
            body = response.text or ""
            answered = response.status_code
            if answered != status or (status == 200 and "csrfmiddlewaretoken" not in body):
                response.failure(f"HTTP {answered} for GET {path} as {view.username}")
            else:
                response.success()
        self.ledger.check(view.username, path, answered, body)
        if answered != status:
            return None
        if found := CSRF_HEADER.search(body):
            view.token = found.group(1)
        return body

    def post(
        self, view: View, path: str, fields: dict[str, Any], name: str, *, htmx: bool, status: int
    ) -> Any:
        headers = dict(FORM)
        if htmx:
            headers |= {"HX-Request": "true", "X-CSRFToken": view.token}
        with view.session.post(
            path,
            data=urlencode(fields, doseq=True),
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != status:
                response.failure(f"HTTP {response.status_code} for POST {path} as {view.username}")
                return None
            response.success()
        if name in WRITES:
            self.ledger.writes[name] += 1
        return response

    def expect(self, marker: str, write: str, reads: list[Read]) -> list[Read]:
        for read in reads:
            self.ledger.expect(
                read.view.username,
                read.path,
                Expectation(marker, read.present, write, read.status),
            )
        return reads

    def read_then_fill(self, reads: list[Read]) -> None:
        """The reads a write calls for, then others until the cycle has its ten."""
        for read in reads:
            self.read(read.view, read.path, status=read.status)
        pages = self.pages()
        while self.cycle_reads < READS_PER_WRITE:
            view, path = self.rng.choice(pages)
            self.read(view, path)

    pages: Callable[[], list[tuple[View, str]]]  # what the account reads (each role's own)


class PmUser(MixedUser):
    """A PM: adds evidence or autosaves her draft check-in; in a second session, her manager
    reads her pages."""

    abstract = True

    def on_start(self) -> None:
        actor = self.start_as(self.mixed["pms"])
        self.shifts = {s["id"]: s["slug"] for s in self.mixed["shifts"]}
        self.manager = self.session_as(actor["manager"])
        self.draft = self._draft_path()
        self.versions: dict[str, tuple[str, str]] = {}
        self.read(self.me, self.draft)
        if self.on_ready:
            self.on_ready(self)

    def _draft_path(self) -> str:
        """Resume her draft check-in, or start one through the start form."""
        with self.client.get(
            "/check-ins/new/", name="check-in start", allow_redirects=False, catch_response=True
        ) as page:
            location = page.headers.get("Location", "")
            page.success()
        if not CHECKIN_URL.search(location):
            found = CSRF_INPUT.search(page.text or "")
            done = self.post(
                self.me,
                "/check-ins/new/",
                {"csrfmiddlewaretoken": found.group(1) if found else ""},
                "check-in start",
                htmx=False,
                status=302,
            )
            location = done.headers.get("Location", "") if done is not None else ""
        if not CHECKIN_URL.search(location):
            raise StopUser(f"{self.me.username}: no draft check-in ({location!r})")
        return location

    def read(self, view: View, path: str, *, status: int = 200) -> str | None:
        body = super().read(view, path, status=status)
        if body and path == self.draft:
            for slug in self.shifts.values():
                revision = _hidden(slug, "revision").search(body)
                version = _hidden(slug, "version").search(body)
                if revision and version:
                    self.versions[slug] = (revision.group(1), version.group(1))
        return body

    def pages(self) -> list[tuple[View, str]]:
        pm = self.me.username
        slug = self.rng.choice(list(self.shifts.values()))
        return [
            (self.me, "/"),
            (self.me, "/packet/"),
            (self.me, "/evidence/"),
            (self.me, self.draft),
            (self.me, f"/shifts/{slug}/"),
            (self.manager, f"/team/{pm}/packet/"),
            (self.manager, f"/team/{pm}/shifts/{slug}/"),
        ]

    @task
    def cycle(self) -> None:
        self.cycle_reads = 0
        kind = self.rng.choices(["shared", "private", "checkin"], weights=[35, 15, 50])[0]
        reads = self.autosave() if kind == "checkin" else self.add_evidence(kind)
        self.read_then_fill(reads)

    def add_evidence(self, visibility: str) -> list[Read]:
        """The evidence form, as a browser without JavaScript sends it; then the page it
        redirects to (the list, where the new entry's address is found)."""
        form = self.read(self.me, "/evidence/new/")
        if form is None:
            return []
        offered = [int(x) for x in SHIFT_OPTION.findall(form) if int(x) in self.shifts]
        chosen = self.rng.sample(offered, k=min(len(offered), self.rng.choice([1, 2])))
        marker = f"{MARKER}{uuid.uuid4().hex}"
        done = self.post(
            self.me,
            "/evidence/new/",
            {
                "happened_on": _value(HAPPENED_ON, form),
                "title": marker,
                "body": f"Written by the mixed benchmark ({visibility}).",
                "link": "",
                "shifts": [str(x) for x in chosen],
                "visibility": visibility,
                "submission_key": _value(SUBMISSION_KEY, form),
                "csrfmiddlewaretoken": _value(CSRF_INPUT, form),
                "next": "",
            },
            WRITE_EVIDENCE,
            htmx=False,
            status=302,
        )
        if done is None:
            return []
        shared, pm = visibility == "shared", self.me.username
        slugs = [self.shifts[x] for x in chosen]
        self.expect(marker, WRITE_EVIDENCE, [Read(self.me, "/evidence/", True)])
        listing = self.read(self.me, done.headers.get("Location", "/evidence/")) or ""
        entry = re.search(rf'href="(/evidence/\d+/)">{marker}<', listing)
        return self.expect(
            marker,
            WRITE_EVIDENCE,
            [
                Read(self.me, "/", True),
                *(Read(self.me, f"/shifts/{s}/", True) for s in slugs),
                Read(self.me, "/packet/", shared),
                Read(self.manager, f"/team/{pm}/packet/", shared),
                *(Read(self.manager, f"/team/{pm}/shifts/{s}/", shared) for s in slugs),
                *(
                    [Read(self.manager, entry.group(1), shared, 200 if shared else 404)]
                    if entry
                    else []
                ),
            ],
        )

    def autosave(self) -> list[Read]:
        """One shift's level and note, as the draft page's htmx sends them on a change."""
        slug = self.rng.choice(sorted(self.versions))
        revision, version = self.versions[slug]
        marker = f"{MARKER}{uuid.uuid4().hex}"
        done = self.post(
            self.me,
            f"{self.draft}shifts/{slug}/",
            {
                f"{slug}-level": str(self.rng.randint(1, 5)),
                f"{slug}-note": f"{marker} note",
                f"{slug}-revision": revision,
                f"{slug}-version": version,
            },
            WRITE_CHECKIN,
            htmx=True,
            status=200,
        )
        if done is None:
            return []
        if found := _hidden(slug, "version").search(done.text or ""):
            self.versions[slug] = (revision, found.group(1))
        return self.expect(
            marker,
            WRITE_CHECKIN,
            [
                Read(self.me, self.draft, True),
                Read(self.me, f"/shifts/{slug}/", False),
                Read(self.manager, f"/team/{self.me.username}/shifts/{slug}/", False),
            ],
        )


class ManagerUser(MixedUser):
    """A manager: reads her team and autosaves her open review of a report; in a second
    session, that report reads her own pages."""

    abstract = True

    def on_start(self) -> None:
        actor = self.start_as(self.mixed["managers"])
        self.slugs = [s["slug"] for s in self.mixed["shifts"]]
        self.report = self.session_as(actor["report"])
        self.review = f"/team/{actor['report']}/"
        self.read(self.me, self.review)
        if self.on_ready:
            self.on_ready(self)

    def pages(self) -> list[tuple[View, str]]:
        report = self.report.username
        slug = self.rng.choice(self.slugs)
        return [
            (self.me, "/team/"),
            (self.me, self.review),
            (self.me, f"/team/{report}/packet/"),
            (self.me, f"/team/{report}/shifts/{slug}/"),
            (self.report, "/"),
            (self.report, f"/shifts/{slug}/"),
        ]

    @task
    def cycle(self) -> None:
        self.cycle_reads = 0
        self.read(self.me, "/team/")
        page = self.read(self.me, self.review)
        self.read_then_fill(self.rate(page) if page else [])

    def rate(self, page: str) -> list[Read]:
        """One shift's level and comment, as the review page's htmx sends them."""
        slug = self.rng.choice(self.slugs)
        marker = f"{MARKER}{uuid.uuid4().hex}"
        done = self.post(
            self.me,
            f"{self.review}rate/{slug}/",
            {
                f"{slug}-level": str(self.rng.randint(1, 5)),
                f"{slug}-note": f"{marker} comment",
                f"{slug}-revision": _value(_hidden(slug, "revision"), page),
                f"{slug}-version": _value(_hidden(slug, "version"), page),
            },
            WRITE_REVIEW,
            htmx=True,
            status=200,
        )
        if done is None:
            return []
        return self.expect(
            marker,
            WRITE_REVIEW,
            [
                Read(self.me, self.review, True),
                Read(self.report, f"/shifts/{slug}/", False),
                Read(self.report, "/packet/", False),
            ],
        )


def _value(pattern: re.Pattern[str], page: str) -> str:
    found = pattern.search(page)
    return found.group(1) if found else ""


def _name(path: str) -> str:
    """The request type of a read, by its page."""
    names = [
        (r"/", "dashboard"),
        (r"/packet/", "own packet"),
        (r"/evidence/", "evidence list"),
        (r"/evidence/new/", "evidence form"),
        (r"/evidence/\d+/", "evidence entry (manager)"),
        (r"/check-ins/\d+/", "check-in draft"),
        (r"/shifts/[-\w]+/", "shift"),
        (r"/team/", "team"),
        (r"/team/[-\w]+/", "review"),
        (r"/team/[-\w]+/packet/", "report's packet (manager)"),
        (r"/team/[-\w]+/shifts/[-\w]+/", "report's shift (manager)"),
    ]
    return next((name for pattern, name in names if re.fullmatch(pattern, path)), path)


# The run


def user_classes(
    mixed: dict[str, Any], *, password: str, host: str, users: int, ledger: Ledger
) -> list[type[MixedUser]]:
    common = {
        "abstract": False,
        "mixed": mixed,
        "password": password,
        "ledger": ledger,
        "host": host,
    }
    pms = min(users, len(mixed["pms"]))
    managers = min(users, len(mixed["managers"]))
    return [
        type("MixedPm", (PmUser,), {**common, "fixed_count": pms, "_numbers": itertools.count()}),
        type(
            "MixedManager",
            (ManagerUser,),
            {**common, "fixed_count": managers, "_numbers": itertools.count()},
        ),
    ]


def run(
    mixed: dict[str, Any], *, password: str, host: str, users: int, warmup: float, seconds: float
) -> dict[str, Any]:
    ledger = Ledger()
    classes = user_classes(mixed, password=password, host=host, users=users, ledger=ledger)
    total = sum(c.fixed_count for c in classes)
    ready: list[str] = []
    for cls in classes:
        cls.on_ready = staticmethod(lambda user: ready.append(user.me.username))
    env = Environment(user_classes=classes, host=host)
    recorder = Recorder()
    env.events.request.add_listener(recorder)
    runner = env.create_local_runner()
    runner.start(total, spawn_rate=total)
    deadline = time.monotonic() + 90
    while len(ready) < total and time.monotonic() < deadline:
        gevent.sleep(0.05)
    if len(ready) < total:
        runner.quit()
        raise SystemExit(f"mixed: only {len(ready)} of {total} users started")
    gevent.sleep(warmup)
    recorder.on = True
    started = time.perf_counter()
    cpu_before, own_before = cpu_times(), own_jiffies(SERVER_PIDS, DATABASE)
    gevent.sleep(seconds)
    recorder.on = False
    elapsed = time.perf_counter() - started
    cpu_after, own_after = cpu_times(), own_jiffies(SERVER_PIDS, DATABASE)
    recorder.closed = ledger.closed = True
    runner.quit()
    runner.greenlet.join(timeout=10)
    result = _summary(recorder, ledger, elapsed)
    result |= {
        "users": {c.__name__: c.fixed_count for c in classes},
        "accounts": sorted(ready),
        "seed": SEED,
        "machine_cpu_busy_pct": busy_pct(cpu_before, cpu_after),
        "other_processes_cpu_pct": other_pct((cpu_before, cpu_after), (own_before, own_after)),
    }
    return result


def _summary(recorder: Recorder, ledger: Ledger, elapsed: float) -> dict[str, Any]:
    names = sorted(set(recorder.times) | set(recorder.failures), key=lambda n: (n in WRITES, n))
    types = [_type(name, recorder, elapsed) for name in names]
    requests = sum(t["requests"] for t in types)
    writes = sum(t["requests"] for t in types if t["kind"] == "write")
    failures = sum(recorder.failures.values())
    stale = len(ledger.stale)
    return {
        "seconds": round(elapsed, 2),
        "requests": requests,
        "rps": round(requests / elapsed, 1) if elapsed else 0,
        "reads": requests - writes,
        "writes": writes,
        "types": types,
        "writes_total": dict(ledger.writes),
        "reads_checked": ledger.reads_checked,
        "checks": ledger.checks,
        "unchecked_at_end": ledger.unchecked(),
        "stale_reads": stale,
        "stale_samples": ledger.stale[:10],
        "failures": failures,
        "failure_samples": recorder.samples,
        "ok": stale == 0 and failures == 0 and writes > 0,
    }


def _type(name: str, recorder: Recorder, elapsed: float) -> dict[str, Any]:
    times = recorder.times.get(name, [])
    return {
        "name": name,
        "kind": "write" if name in WRITES else "read",
        "requests": len(times),
        "rps": round(len(times) / elapsed, 1) if elapsed else 0,
        "p50_ms": round(percentile(times, 0.50), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "mean_ms": round(statistics.fmean(times), 1) if times else None,
        "failures": recorder.failures.get(name, 0),
    }


def print_summary(result: dict[str, Any]) -> None:
    for t in result["types"]:
        print(
            f"  {t['name']:<42} {t['requests']:>6} requests  p50 {t['p50_ms']:>6.1f} ms  "
            f"p95 {t['p95_ms']:>6.1f} ms  failures {t['failures']}",
            flush=True,
        )
    print(
        f"  mixed: {result['rps']:.1f} requests/s, {result['writes']} writes in the window "
        f"({sum(result['writes_total'].values())} in all), {result['reads_checked']} reads "
        f"checked for freshness, {result['stale_reads']} stale, {result['failures']} failures",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--host", default="http://127.0.0.1:8001")
    parser.add_argument("--users", type=int, default=4, help="PMs, and as many managers.")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    with open(args.plan, encoding="utf-8") as f:
        plan = json.load(f)
    print(
        f"mixed: {args.users} PMs and {args.users} managers reading and writing, "
        f"{args.warmup:g} s warm-up, {args.seconds:g} s measured, against {args.host}",
        flush=True,
    )
    result = run(
        plan["mixed"],
        password=plan["password"],
        host=args.host.rstrip("/"),
        users=args.users,
        warmup=args.warmup,
        seconds=args.seconds,
    )
    print_summary(result)
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(result, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
