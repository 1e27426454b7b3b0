"""Machine-wide CPU use, from /proc/stat (Linux)."""

from __future__ import annotations

import os


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine since boot."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_pct(before: tuple[int, int], after: tuple[int, int]) -> float:
    return round(100 * (after[0] - before[0]) / max(1, after[1] - before[1]), 1)


def _jiffies(pid: str) -> tuple[int, int] | None:
    """(parent pid, utime + stime) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            text = stat.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def own_jiffies(server_pids: set[int], database: str) -> dict[int, int]:
    """CPU jiffies, per process, of everything the benchmark runs: this process, the gunicorn
    masters in `server_pids` and their workers, and the PostgreSQL backends connected to the
    benchmark's database."""
    found: dict[int, int] = {}
    me = os.getpid()
    marker = f" {database} "
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        info = _jiffies(entry)
        if info is None:
            continue
        pid, (ppid, used) = int(entry), info
        if (
            pid == me
            or pid in server_pids
            or ppid in server_pids
            or (database and _cmdline(entry).startswith("postgres:") and marker in _cmdline(entry))
        ):
            found[pid] = used
    return found


def other_pct(
    machine: tuple[tuple[int, int], tuple[int, int]],
    own: tuple[dict[int, int], dict[int, int]],
) -> float:
    """The share (%) of the whole machine's CPU that processes outside the benchmark used
    between two samples."""
    (busy0, total0), (busy1, total1) = machine
    before, after = own
    ours = sum(used - before.get(pid, 0) for pid, used in after.items())
    return round(max(0.0, 100 * (busy1 - busy0 - ours) / max(1, total1 - total0)), 1)
