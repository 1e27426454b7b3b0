"""Locust users for the benchmark: each logs in once through the real login form, then
requests one page as fast as the server answers.

`python -m bench.run` (what `make bench` runs) drives these through locust's library API, one
page at a time. To hammer one page by hand with locust's own CLI, against a server started
with `bench.settings` (see docs/benchmarks.md):

    BENCH_PLAN=bench/results/plan.json BENCH_PAGE=dashboard \\
        .venv/bin/locust -f bench/locustfile.py --headless -u 4 -r 4 -t 20s \\
        --host http://127.0.0.1:8001
"""

from __future__ import annotations

import itertools
import json
import os
import re
from typing import Any
from urllib.parse import urlencode

from locust import FastHttpUser, constant, task
from locust.exception import StopUser

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class PageUser(FastHttpUser):
    """Requests `page["actors"][i]["path"]` as that actor, with no pause between requests.

    Subclasses (made by `page_user`) set `page`, `password` and `hosts`. With two hosts, the
    user logs in on the first and alternates its requests between them (the session lives in
    the database, so either server knows it)."""

    abstract = True
    wait_time = constant(0)
    page: dict[str, Any]
    password: str
    hosts: list[str]
    _numbers: itertools.count
    #: Called as on_login(user) once the user is logged in (the runner counts them).
    on_login: Any = None

    def on_start(self) -> None:
        number = next(self._numbers)
        actor = self.page["actors"][number % len(self.page["actors"])]
        self.username = actor["username"]
        # One host: the one locust was given (--host); two: alternate between them.
        hosts = self.hosts if len(self.hosts) > 1 else [self.host.rstrip("/")]
        self._turn = itertools.cycle([host + actor["path"] for host in hosts])
        login(self.client, hosts[0], self.username, self.password)
        if self.on_login:
            self.on_login(self)

    @task
    def page_view(self) -> None:
        url = next(self._turn)
        with self.client.get(
            url, name=self.page["name"], allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} for {url}")
            elif b"csrfmiddlewaretoken" not in (response.content or b""):
                # Every app page has the logout form; a page without it is not the app's.
                response.failure(f"unexpected page for {url}")
            else:
                response.success()


def login(client: Any, host: str, username: str, password: str) -> None:
    """Log in through the login form, as a browser does (GET for the CSRF cookie, POST)."""
    form = client.get(host + "/accounts/login/", name="login form")
    found = CSRF_INPUT.search(form.text or "")
    if form.status_code != 200 or not found:
        raise StopUser(f"no login form (HTTP {form.status_code})")
    done = client.post(
        host + "/accounts/login/",
        data=urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": found.group(1)}
        ),
        headers=FORM,
        name="login",
        allow_redirects=False,
    )
    if done.status_code != 302:
        raise StopUser(f"login of {username} failed (HTTP {done.status_code})")


def page_user(page: dict[str, Any], *, password: str, hosts: list[str]) -> type[PageUser]:
    """A PageUser class for one page of the plan."""
    return type(
        f"Page_{page['name']}",
        (PageUser,),
        {
            "abstract": False,
            "page": page,
            "password": password,
            "hosts": [h.rstrip("/") for h in hosts],
            "_numbers": itertools.count(),
            "host": hosts[0],
        },
    )


def _from_environment() -> type[PageUser] | None:
    """For locust's CLI: the page named by BENCH_PAGE in the plan at BENCH_PLAN."""
    plan_path, name = os.environ.get("BENCH_PLAN"), os.environ.get("BENCH_PAGE")
    if not (plan_path and name):
        return None
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    pages = {p["name"]: p for p in plan["pages"]}
    if name not in pages:
        raise SystemExit(f"BENCH_PAGE must be one of {', '.join(pages)}")
    hosts = os.environ.get("BENCH_HOSTS", "http://127.0.0.1:8001").split(",")
    return page_user(pages[name], password=plan["password"], hosts=hosts)


# Locust's CLI runs every User class it finds in this module: exactly one, when asked for.
if os.environ.get("BENCH_PAGE"):
    BenchPage = _from_environment()
