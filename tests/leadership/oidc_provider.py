"""A real OpenID Connect provider process for the sign-in tests, and the app switched to it.

`oidc_provider` (session): installs the provider's Node.js packages from
tests/leadership/oidc/package-lock.json into .cache/oidc-provider (outside git; `npm ci`, once
per lock file), starts tests/leadership/oidc/provider.js on 127.0.0.1 and yields its address.
Without Node.js or npm the tests that use it are skipped, saying why (.ci/run installs both).

`sso` (per test): the app configured for that provider as the environment would configure it,
with example.com as the one allowed domain, and its URLs routed; switched off again after.
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent / "oidc"
ROOT = HERE.parents[2]
CACHE = ROOT / ".cache" / "oidc-provider"
CLIENT_ID = "leadership-tests"
CLIENT_SECRET = "not-a-secret-tests-only"


def _skip_reason() -> str | None:
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} was not found (apt-get install nodejs npm)"
    return None


def _install() -> Path:
    """npm ci into the cache, unless it already holds this lock file's packages. Test
    workers running in parallel take turns (a file lock), so only one of them installs."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE.parent / "oidc-provider.lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        return _install_locked()


def _install_locked() -> Path:
    lock = (HERE / "package-lock.json").read_bytes()
    stamp = CACHE / ".installed"
    digest = hashlib.sha256(lock + (HERE / "package.json").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return CACHE / "node_modules"
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(HERE / name, CACHE / name)
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],  # noqa: S607
        cwd=CACHE,
        check=True,
        timeout=300,
    )
    stamp.write_text(digest)
    return CACHE / "node_modules"


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[str]:
    reason = _skip_reason()
    if reason:
        pytest.skip(f"the OpenID Connect provider tests need Node.js: {reason}")
    modules = _install()
    process = subprocess.Popen(  # noqa: S603
        ["node", str(HERE / "provider.js")],  # noqa: S607
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "NODE_PATH": str(modules)},
    )
    timer = threading.Timer(30, process.kill)  # it must say where it listens within 30 s
    timer.start()
    line = process.stdout.readline() if process.stdout else b""
    timer.cancel()
    if not line:
        process.kill()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()
        pytest.fail("The OpenID Connect provider did not start (see its output above).")
    try:
        yield json.loads(line)["url"]
    finally:
        if process.stdin:
            process.stdin.close()
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def _route() -> None:
    from django.urls import clear_url_caches

    import leadership.urls

    importlib.reload(leadership.urls)
    clear_url_caches()


@pytest.fixture
def sso(settings: Any, oidc_provider: str) -> Iterator[str]:
    settings.SSO_ENABLED = True
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(oidc_provider)  # as settings.py does
    settings.CONTENT_SECURITY_POLICY = policy
    settings.SSO_NAME = "Example SSO"
    settings.SSO_ALLOWED_DOMAINS = ["example.com"]
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": settings.SSO_PROVIDER_ID,
                    "name": settings.SSO_NAME,
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": oidc_provider},
                }
            ]
        }
    }
    _route()
    try:
        yield oidc_provider
    finally:
        settings.SSO_ENABLED = False
        _route()
