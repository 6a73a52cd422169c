"""Memory of the gunicorn workers, from /proc."""

from __future__ import annotations

import contextlib
from pathlib import Path

from .figures import Result, measured
from .processes import pss_mib
from .serving import Gunicorn

MIB = 1024 * 1024


def _status_bytes(pid: int, key: str) -> int:
    """A memory figure of /proc/PID/status in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/{pid}/status has no {key}")


def rss(pid: int) -> int:
    """The process's resident memory in bytes."""
    return _status_bytes(pid, "VmRSS")


def reset_peak(pid: int) -> int:
    """Set the process's peak RSS back to its current RSS (Linux 4.0+); that RSS in bytes."""
    with contextlib.suppress(OSError):  # else VmHWM stays the lifetime peak: a stricter figure
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    return rss(pid)


def peak_rss(pid: int) -> int:
    """The process's peak RSS since the last reset, in bytes."""
    return _status_bytes(pid, "VmHWM")


def worker_memory(server: Gunicorn) -> Result:
    """The proportional memory (PSS) of the largest worker, not counting the PDF renderers.

    The workers share the application the master loaded before forking them; resident memory
    (RSS) would count those shared pages in full in each of them.
    """
    workers = server.worker_pids()
    return measured("memory (PSS) per worker after the suite", [pss_mib(pid) for pid in workers])
