"""The server's processes as the kernel counts them: CPU time and proportional memory (PSS).

The server is gunicorn's master and everything below it: the workers, and the PDF renderers
with the process that supervises them. CPU time comes from /proc/<pid>/stat (user and system
time, in clock ticks), memory from /proc/<pid>/smaps_rollup (Pss: each page shared by n
processes counts 1/n in each).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

MIB = 1024 * 1024
#: Clock ticks per second of /proc/<pid>/stat's times.
TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command's name, or None if it ended."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def _parents() -> dict[int, int]:
    """Every running process's parent."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None and fields[0] != "Z":
                found[int(entry.name)] = int(fields[1])
    return found


def tree(root: int) -> list[int]:
    """The process and every process below it (children, their children, ...)."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    found, waiting = [], [root]
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting.extend(children.get(pid, ()))
    return found


def cpu_ms(pids: Iterable[int]) -> dict[int, float]:
    """Each process's CPU time so far (user and system), in ms; ended processes are left out."""
    found = {}
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:  # utime and stime are fields 14 and 15 of the whole line
            found[pid] = (int(fields[11]) + int(fields[12])) * 1000 / TICKS
    return found


class CpuMeter:
    """The CPU time a server's processes spend between two readings (a process started in
    between counts from zero)."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.before = cpu_ms(tree(root))

    def spent(self) -> float:
        """Milliseconds of CPU the server's processes have spent since the meter was made."""
        now = cpu_ms(tree(self.root))
        return sum(used - self.before.get(pid, 0.0) for pid, used in now.items())


def pss_mib(pid: int) -> float:
    """A process's proportional set size in MiB (0 if it ended)."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0.0
    return next(int(line.split()[1]) for line in lines if line.startswith("Pss:")) / 1024


def total_pss(root: int) -> float:
    """The PSS of a server's processes together, in MiB."""
    return sum(pss_mib(pid) for pid in tree(root))
