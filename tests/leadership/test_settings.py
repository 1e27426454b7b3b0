"""Settings from the environment: bad values stop the app with a clear message."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from leadership.env import env_addresses, env_bool, env_database, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("0", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool_reads_the_usual_spellings(raw: str, expected: bool) -> None:
    assert env_bool("X", environ={"X": raw}) is expected


def test_env_bool_uses_the_default_when_unset() -> None:
    assert env_bool("X", default=True, environ={}) is True


def test_env_bool_rejects_anything_else() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"X must be one of .* not 'maybe'"):
        env_bool("X", environ={"X": "maybe"})


def test_env_int_rejects_words_and_too_small_numbers() -> None:
    assert env_int("N", 5, environ={"N": " 12 "}) == 12
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number, not 'ten'"):
        env_int("N", 5, environ={"N": "ten"})
    with pytest.raises(ImproperlyConfigured, match="N must be at least 0, not -1"):
        env_int("N", 5, minimum=0, environ={"N": "-1"})


def test_env_list_splits_on_commas() -> None:
    assert env_list("H", environ={"H": "a.example, b.example,,"}) == ["a.example", "b.example"]
    assert env_list("H", default=["x"], environ={}) == ["x"]


def test_env_addresses_reads_names_and_bare_addresses() -> None:
    raw = "Ops Team <ops@example.com>, dev@example.com"
    assert env_addresses("A", environ={"A": raw}) == [
        ("Ops Team", "ops@example.com"),
        ("", "dev@example.com"),
    ]
    assert env_addresses("A", environ={}) == []


@pytest.mark.parametrize("raw", ["ops", "Ops ops@example.com", "ops@example.com, nobody"])
def test_env_addresses_rejects_what_is_not_an_address(raw: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="A must be email addresses"):
        env_addresses("A", environ={"A": raw})


def test_database_defaults_to_a_sqlite_file() -> None:
    config = env_database("DATABASE_URL", default_sqlite_path="/srv/db.sqlite3", environ={})
    assert config == {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/db.sqlite3"}


def test_database_url_selects_postgresql() -> None:
    config = env_database(
        "DATABASE_URL",
        default_sqlite_path="unused",
        environ={"DATABASE_URL": "postgres://app:pw@db.internal:5433/leadership"},
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        5433,
        "leadership",
        "app",
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/db", "must start with postgres://"),
        ("db.internal:5432", "must start with postgres://"),
        ("postgres://user@host:5432", "must name a database"),
    ],
)
def test_database_url_rejects_what_it_cannot_use(url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        env_database("DATABASE_URL", default_sqlite_path="unused", environ={"DATABASE_URL": url})


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "leadership.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_app_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    result = _check({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_the_app_names_a_bad_debug_value() -> None:
    result = _check({"DJANGO_DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_the_app_starts_in_debug_without_a_key() -> None:
    result = _check({"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def _secret_key(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", "from leadership import settings; print(settings.SECRET_KEY)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_development_keeps_one_key_so_a_reload_keeps_you_signed_in() -> None:
    first, second = _secret_key({"DJANGO_DEBUG": "1"}), _secret_key({"DJANGO_DEBUG": "1"})
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stdout.startswith("django-insecure-")  # check --deploy would name it


def test_the_development_key_is_refused_when_debug_is_off() -> None:
    development_key = _secret_key({"DJANGO_DEBUG": "1"}).stdout.strip()
    result = _check({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": development_key})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is the development key" in result.stderr


def test_redis_url_moves_cache_and_sessions_to_redis() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings as s;"
            "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.CACHE_FRAMEWORK_CONTENT)",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
            "DJANGO_SETTINGS_MODULE": "leadership.settings",
            "DJANGO_DEBUG": "1",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
        "True",
    ]


def test_a_bad_redis_url_is_named() -> None:
    result = _check({"DJANGO_DEBUG": "1", "REDIS_URL": "localhost:6379"})
    assert result.returncode != 0
    assert "REDIS_URL must start with redis://" in result.stderr


def _variables_settings_read() -> set[str]:
    """The first argument of every call to a leadership.env helper in settings.py."""
    tree = ast.parse((ROOT / "leadership" / "settings.py").read_text(encoding="utf-8"))
    helpers = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "leadership.env"
        for alias in node.names
    }
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in helpers:
            first = node.args[0]
            assert isinstance(first, ast.Constant), f"not a literal: {ast.unparse(node)}"
            names.add(first.value)
    return names


def test_env_example_documents_every_variable_the_settings_read() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    read = _variables_settings_read()
    assert {"DJANGO_DEBUG", "DATABASE_URL", "REDIS_URL"} <= read  # the parser finds them
    assert sorted(read - documented) == [], "settings.py reads these; document them"
    assert sorted(documented - read) == [], ".env.example lists these; settings.py does not"


def test_settings_read_the_environment_only_through_the_typed_helpers() -> None:
    tree = ast.parse((ROOT / "leadership" / "settings.py").read_text(encoding="utf-8"))
    names = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {
        a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for a in node.names
    }
    assert not names & {"environ", "getenv", "os"}, "read variables with leadership.env helpers"


def test_the_app_names_a_bad_task_backend() -> None:
    result = _check({"DJANGO_DEBUG": "1", "DJANGO_TASKS_BACKEND": "celery"})
    assert result.returncode != 0
    assert "DJANGO_TASKS_BACKEND must be one of ['database', 'immediate']" in result.stderr


def _tasks_backend(env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.TASKS)"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "leadership.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_development_runs_tasks_in_the_request_and_production_queues_them() -> None:
    """`make run` shows an email on the console with no worker; production needs db_worker."""
    assert "ImmediateBackend" in _tasks_backend({"DJANGO_DEBUG": "1"})
    production = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "x"}
    assert "django_tasks_db.DatabaseBackend" in _tasks_backend(production)
