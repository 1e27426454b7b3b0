"""`make soak`: a bounded load test that restarts PostgreSQL in the middle.

    .venv/bin/python -m bench.soak [--seconds 45] [--restart-at 15]

Simulated PMs log in, autosave check-in ratings, add evidence and submit check-ins;
simulated managers rate, summarise and complete reviews — against gunicorn (2 workers,
production settings over plain HTTP, see bench/settings.py) and PostgreSQL. Partway through,
PostgreSQL is stopped and started again. Then the run checks:

- no 5xx outside the restart window;
- the app recovered by itself (the same gunicorn processes answer again: CONN_HEALTH_CHECKS);
- /healthz answered 503 while the database was down;
- every write that got a success response is in the database, and nothing is duplicated.

It prints one summary line and exits 1 if any check fails. It uses its own database
(SOAK_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/leadership_soak), dropped and
created each run; the PostgreSQL server must be local, as the run restarts it.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_CTLCLUSTER = shutil.which("pg_ctlcluster") or "/usr/bin/pg_ctlcluster"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/leadership_soak"
SHIFTS = [
    "lead-a-team-of-pms",
    "coach-and-mentor-pms",
    "hire-and-onboard",
    "align-discovery-across-teams",
    "provide-strategy",
    "align-product-analytics",
    "drive-pm-excellence",
    "drive-complex-initiatives",
    "business-wide-priorities",
    "align-with-leadership-team",
    "business-cases",
    "expand-into-new-markets",
]
PASSWORD = "soak-password-1"  # noqa: S105 — the throwaway accounts of soak_setup


@dataclass
class Log:
    """Everything the simulated people did, for the checks at the end."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[tuple[float, str, int]] = field(default_factory=list)
    # (checkin id, shift) -> [(level, succeeded)] in the order one person sent them
    ratings: dict[tuple[int, str], list[tuple[int, bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    evidence: dict[str, bool] = field(default_factory=dict)  # title -> succeeded
    submitted: set[int] = field(default_factory=set)
    completed: set[int] = field(default_factory=set)
    health: list[tuple[float, int]] = field(default_factory=list)

    def request(self, what: str, status: int) -> None:
        with self.lock:
            self.requests.append((time.monotonic(), what, status))


class Person:
    def __init__(self, base: str, username: str, log: Log) -> None:
        self.base, self.username, self.log = base, username, log
        self.http = requests.Session()

    def _call(self, method: str, path: str, what: str, **kwargs: Any) -> requests.Response | None:
        headers = kwargs.pop("headers", {})
        token = self.http.cookies.get("csrftoken")
        if method == "POST" and token:
            headers["X-CSRFToken"] = token
        try:
            response = self.http.request(
                method,
                self.base + path,
                headers=headers,
                timeout=15,
                allow_redirects=False,
                **kwargs,
            )
        except requests.RequestException:
            self.log.request(what, 0)
            return None
        self.log.request(what, response.status_code)
        return response

    def login(self) -> bool:
        self._call("GET", "/accounts/login/", "login page")
        response = self._call(
            "POST",
            "/accounts/login/",
            "login",
            data={"username": self.username, "password": PASSWORD},
        )
        return response is not None and response.status_code == 302


class PM(Person):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.checkin: int | None = None
        self.rated: dict[str, int] = {}

    def step(self, rng: random.Random) -> None:
        action = rng.random()
        if action < 0.6:
            self.autosave(rng)
        elif action < 0.85:
            self.add_evidence(rng)
        else:
            self.submit()

    def _draft(self) -> int | None:
        if self.checkin is None:
            response = self._call("POST", "/check-ins/new/", "start check-in")
            if response is None or response.status_code != 302:
                return None
            self.checkin = int(response.headers["Location"].strip("/").split("/")[-1])
            self.rated = {}
        return self.checkin

    def autosave(self, rng: random.Random) -> None:
        checkin = self._draft()
        if checkin is None:
            return
        shift, level = rng.choice(SHIFTS), rng.randint(1, 5)
        response = self._call(
            "POST",
            f"/check-ins/{checkin}/shifts/{shift}/",
            "autosave",
            data={f"{shift}-level": level, f"{shift}-note": f"note {level}"},
            headers={"HX-Request": "true"},
        )
        ok = response is not None and response.status_code == 200 and "Saved" in response.text
        with self.log.lock:
            self.log.ratings[(checkin, shift)].append((level, ok))
        if ok:
            self.rated[shift] = level

    def add_evidence(self, rng: random.Random) -> None:
        form = self._call("GET", "/evidence/new/", "evidence form")
        if form is None or form.status_code != 200:
            return
        key = re.search(r'name="submission_key" value="([0-9a-f-]+)"', form.text)
        shift = re.search(r'name="shifts" value="(\d+)"', form.text)
        if not key or not shift:
            return
        title = f"{self.username} {uuid.uuid4().hex[:12]}"
        response = self._call(
            "POST",
            "/evidence/new/",
            "add evidence",
            data={
                "happened_on": date.today().isoformat(),
                "title": title,
                "body": "Soak test entry",
                "shifts": [shift.group(1)],
                "visibility": rng.choice(["private", "shared"]),
                "submission_key": key.group(1),
                "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", ""),
            },
        )
        with self.log.lock:
            self.log.evidence[title] = response is not None and response.status_code == 302

    def submit(self) -> None:
        if self.checkin is None or len(self.rated) < len(SHIFTS):
            return
        data = {f"{s}-level": level for s, level in self.rated.items()}
        response = self._call(
            "POST",
            f"/check-ins/{self.checkin}/",
            "submit",
            data={
                **data,
                "action": "submit",
                "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", ""),
            },
        )
        if response is not None and response.status_code == 302:
            with self.log.lock:
                self.log.submitted.add(self.checkin)
                for shift, level in self.rated.items():
                    self.log.ratings[(self.checkin, shift)].append((level, True))
            self.checkin = None


class Manager(Person):
    def __init__(self, base: str, username: str, log: Log, report: str) -> None:
        super().__init__(base, username, log)
        self.report = report
        self.levels: dict[str, int] = {}

    def step(self, rng: random.Random) -> None:
        if not self.levels:
            self._call("POST", f"/team/{self.report}/reviews/new/", "start review")
        missing = [s for s in SHIFTS if s not in self.levels]
        if missing:
            shift, level = missing[0], rng.randint(1, 5)
            response = self._call(
                "POST",
                f"/team/{self.report}/rate/{shift}/",
                "review rating",
                data={f"{shift}-level": level},
                headers={"HX-Request": "true"},
            )
            if response is not None and response.status_code == 200:
                self.levels[shift] = level
            return
        response = self._call(
            "POST",
            f"/team/{self.report}/",
            "complete review",
            data={
                **{f"{s}-level": level for s, level in self.levels.items()},
                "summary": "Soak summary",
                "agreed_focus": "",
                "action": "complete",
                "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", ""),
            },
        )
        if response is not None and response.status_code == 302:
            completed = int(response.headers["Location"].strip("/").split("/")[-1])
            with self.log.lock:
                self.log.completed.add(completed)
            self.levels = {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=45)
    parser.add_argument("--restart-at", type=float, default=15)
    parser.add_argument("--down-for", type=float, default=3)
    parser.add_argument("--port", type=int, default=8011)
    args = parser.parse_args(argv)

    url = os.environ.get("SOAK_DATABASE_URL", DEFAULT_URL)
    if "soak" not in (urlsplit(url).path or ""):
        raise SystemExit("SOAK_DATABASE_URL must name a database with 'soak' in its name.")
    _recreate_database(url)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": url,
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    for command in (
        ["migrate", "--no-input", "-v0"],
        ["soak_setup"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603

    log_path = ROOT / "bench" / "results" / "gunicorn-soak.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(  # noqa: S603 — this venv's gunicorn, fixed arguments
        [
            str(Path(PY).parent / "gunicorn"),
            "leadership.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        _wait(base + "/healthz")
        workers_before = _worker_pids(server.pid)
        log = Log()
        outcome = _load(base, log, args)
        workers_after = _worker_pids(server.pid)
        recovered_ok = _get_status(base + "/healthz") == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
    verdict = _verify(url, log, outcome, workers_before == workers_after and recovered_ok)
    print(verdict["line"], flush=True)
    return 0 if verdict["passed"] else 1


def _recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _wait(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _get_status(url) == 200:
            return
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer 200 within {timeout:g} s")


def _get_status(url: str) -> int:
    try:
        return requests.get(url, timeout=5).status_code
    except requests.RequestException:
        return 0


def _worker_pids(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return set(map(int, children.read_text().split())) if children.exists() else set()


def _cluster() -> tuple[str, str]:
    versions = sorted(os.listdir("/etc/postgresql"))
    return versions[-1], "main"


def _load(base: str, log: Log, args: argparse.Namespace) -> dict[str, float]:
    people: list[Person] = []
    for m in range(3):
        for r in range(4):
            people.append(PM(base, f"soak-pm-{m}-{r}", log))
        people.append(Manager(base, f"soak-manager-{m}", log, f"soak-pm-{m}-0"))
    for person in people:
        if not person.login():
            raise SystemExit(f"{person.username} could not log in before the restart")
    stop = threading.Event()

    def run(person: Person, seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            person.step(rng)  # type: ignore[attr-defined]

    def health() -> None:
        while not stop.is_set():
            log.health.append((time.monotonic(), _get_status(base + "/healthz")))
            time.sleep(0.2)

    threads = [threading.Thread(target=run, args=(p, n)) for n, p in enumerate(people)]
    threads.append(threading.Thread(target=health))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(args.restart_at)
    version, cluster = _cluster()
    down_at = time.monotonic()
    subprocess.run(  # noqa: S603 — the local PostgreSQL's own tool
        [PG_CTLCLUSTER, "--skip-systemctl-redirect", version, cluster, "stop", "-m", "fast"],
        check=True,
    )
    time.sleep(args.down_for)
    subprocess.run(  # noqa: S603
        [PG_CTLCLUSTER, "--skip-systemctl-redirect", version, cluster, "start"], check=True
    )
    up_at = time.monotonic()
    time.sleep(max(0.0, args.seconds - (time.monotonic() - started)))
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    return {"down_at": down_at, "up_at": up_at, "started": started}


def _verify(url: str, log: Log, outcome: dict[str, float], same_workers: bool) -> dict[str, Any]:
    # A request in flight when the database went away may fail a little before the stop
    # finishes; the app needs a moment after the start to reconnect.
    window = (outcome["down_at"] - 1.0, outcome["up_at"] + 5.0)
    in_window = [r for r in log.requests if window[0] <= r[0] <= window[1]]
    outside_5xx = [r for r in log.requests if r[2] >= 500 and not window[0] <= r[0] <= window[1]]
    errors_in_window = sum(1 for r in in_window if r[2] >= 500 or r[2] == 0)
    after = [r for r in log.requests if r[0] > window[1]]
    recovered = same_workers and any(200 <= r[2] < 400 for r in after)
    health_503 = sum(1 for when, status in log.health if status == 503)

    lost: list[str] = []
    duplicated: list[str] = []
    with psycopg.connect(url) as connection:
        titles = Counter(
            row[0] for row in connection.execute("SELECT title FROM transitions_evidence")
        )
        for title, ok in log.evidence.items():
            if ok and titles[title] != 1:
                lost.append(f"evidence {title!r}")
            if titles[title] > 1:
                duplicated.append(f"evidence {title!r}")
        saved = {
            (checkin, slug): level
            for checkin, slug, level in connection.execute(
                "SELECT r.checkin_id, s.slug, r.level FROM transitions_rating r "
                "JOIN transitions_shift s ON s.id = r.shift_id"
            )
        }
        for key, attempts in log.ratings.items():
            succeeded = [level for level, ok in attempts if ok]
            if not succeeded:
                continue
            last_ok = max(i for i, (_, ok) in enumerate(attempts) if ok)
            # A later attempt that failed may still have committed before its answer was lost.
            allowed = {attempts[last_ok][0]} | {level for level, _ in attempts[last_ok + 1 :]}
            if saved.get(key) not in allowed:
                lost.append(
                    f"rating {key}: saved {saved.get(key)}, expected one of {sorted(allowed)}"
                )
        statuses = dict(connection.execute("SELECT id, status FROM transitions_checkin"))
        lost += [
            f"check-in {pk} not submitted"
            for pk in log.submitted
            if statuses.get(pk) != "submitted"
        ]
        reviews = dict(connection.execute("SELECT id, status FROM transitions_review"))
        lost += [
            f"review {pk} not completed" for pk in log.completed if reviews.get(pk) != "completed"
        ]
        drafts = connection.execute(
            "SELECT count(*) FROM (SELECT person_id FROM transitions_checkin "
            "WHERE status = 'draft' GROUP BY person_id, framework_id HAVING count(*) > 1) AS twice"
        ).fetchone()[0]
        if drafts:
            duplicated.append(f"{drafts} people with two drafts")

    writes = (
        sum(1 for ok in log.evidence.values() if ok)
        + sum(1 for attempts in log.ratings.values() for _, ok in attempts if ok)
        + len(log.submitted)
        + len(log.completed)
    )
    checks = {
        "no 5xx outside the restart": not outside_5xx,
        "recovered without a restart": recovered,
        "healthz said 503 while down": health_503 > 0,
        "no lost writes": not lost,
        "nothing duplicated": not duplicated,
    }
    passed = all(checks.values())
    line = (
        f"soak {'PASS' if passed else 'FAIL'}: {len(log.requests)} requests, "
        f"{len(outside_5xx)} 5xx outside the restart, {errors_in_window} failed during the "
        f"{outcome['up_at'] - outcome['down_at']:.1f} s database restart, "
        f"healthz 503 x{health_503}, "
        f"recovered={'yes' if recovered else 'no'}, {writes} acknowledged writes checked, "
        f"{len(lost)} lost, {len(duplicated)} duplicated "
        f"({sum(1 for ok in log.evidence.values() if ok)} evidence, {len(log.submitted)} check-ins "
        f"submitted, {len(log.completed)} reviews completed)"
    )
    if not passed:
        failed = [name for name, ok in checks.items() if not ok]
        line += "; failed: " + ", ".join(failed)
        for item in (outside_5xx[:5], lost[:5], duplicated[:5]):
            if item:
                line += f"\n  {item}"
    return {"passed": passed, "line": line}


if __name__ == "__main__":
    raise SystemExit(main())
