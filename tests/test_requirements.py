"""The lock files pin every dependency pyproject.toml declares, within its range, with hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$", flags=re.MULTILINE)


def _pins(lock: str) -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in PIN.findall(_text(lock))}


def _text(lock: str) -> str:
    return (ROOT / lock).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lock", "extra"), [("requirements.txt", "dev"), ("requirements-bench.txt", "bench")]
)
def test_the_lock_pins_every_dependency_within_its_range(lock: str, extra: str) -> None:
    project = tomllib.loads(_text("pyproject.toml"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"][extra]]
    pins = _pins(lock)
    for requirement in map(Requirement, wanted):
        version = pins.get(canonicalize_name(requirement.name))
        assert version, f"{requirement.name} is not in {lock}: run make lock"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {requirement.name}=={version}, outside {requirement.specifier}: "
            "run make lock"
        )
    # Every pinned line is followed by its hashes (pip install --require-hashes needs them).
    assert (
        len(pins) == _text(lock).count("==") == len(re.findall(r"==\S+ \\\n +--hash=", _text(lock)))
    )


def test_the_bench_lock_agrees_with_the_main_one() -> None:
    main, bench = _pins("requirements.txt"), _pins("requirements-bench.txt")
    assert {name: bench[name] for name in bench.keys() & main.keys()} == {
        name: main[name] for name in bench.keys() & main.keys()
    }
