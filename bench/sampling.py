"""Bounded loads: timings one after the other, and clients in parallel threads."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    """How much each figure measures: full counts times ``scale``, and the parallel loads."""

    scale: float
    #: Seconds of each parallel load, after ``warm_up`` seconds.
    load_seconds: float
    warm_up: float

    @property
    def cap(self) -> int:
        """The most requests a parallel load sends in its measured time."""
        return int(5000 * self.load_seconds)

    def count(self, full: int) -> int:
        """A count of samples: the full one scaled, at least 3."""
        return max(3, int(full * self.scale))


FULL = Sizes(scale=1.0, load_seconds=5.0, warm_up=1.0)
QUICK = Sizes(scale=0.1, load_seconds=1.0, warm_up=0.2)


#: Samples every measured figure has, however long they take (a median needs a few).
MIN_SAMPLES = 3


def measure(count: int, seconds: float, action: Callable[[], float]) -> list[float]:
    """Run ``action`` up to ``count`` times or for ``seconds``; its timings in ms.

    The first MIN_SAMPLES (or ``count``, if fewer) are always taken, so that a slow or busy
    machine gives fewer samples, never too few.
    """
    samples: list[float] = []
    deadline = time.monotonic() + seconds
    while len(samples) < count and (len(samples) < MIN_SAMPLES or time.monotonic() < deadline):
        samples.append(action())
    return samples


@dataclass(frozen=True)
class Throughput:
    """What parallel clients got done in the measured time."""

    succeeded: int
    attempted: int
    seconds: float

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return self.succeeded / self.seconds


class _Window:
    """The measured time of a parallel load, with a request budget shared by the threads."""

    def __init__(self, seconds: float, cap: int) -> None:
        self.seconds = seconds
        self.cap = cap
        self.deadline = 0.0
        self.start = 0.0
        self.attempted = 0
        self.succeeded = 0
        self.stopped = False
        self.lock = threading.Lock()

    def open(self) -> None:
        """Start the measured time (once every thread has warmed up)."""
        self.start = time.perf_counter()
        self.deadline = time.monotonic() + self.seconds

    def allow(self) -> bool:
        """Count one more request, if the time and the budget allow it."""
        with self.lock:
            if self.stopped or self.attempted >= self.cap or time.monotonic() >= self.deadline:
                return False
            self.attempted += 1
            return True

    def stop(self) -> None:
        """End the measured time early."""
        with self.lock:
            self.stopped = True

    def done(self, succeeded: bool) -> None:
        """Note how a counted request ended."""
        if succeeded:
            with self.lock:
                self.succeeded += 1


def in_parallel(
    actions: Sequence[Callable[[], bool]], warm_up: float, seconds: float, cap: int
) -> Throughput:
    """Each action in a thread of its own, again and again: ``warm_up`` seconds, then measured.

    An action sends one request and says whether it succeeded. The measured time ends after
    ``seconds`` or ``cap`` requests in all; an exception in any thread ends the load and is raised.
    """
    window = _Window(seconds, cap)
    ready = threading.Barrier(len(actions) + 1, action=window.open)
    warm_until = time.monotonic() + warm_up
    failures: list[BaseException] = []

    def client(action: Callable[[], bool]) -> None:
        try:
            while time.monotonic() < warm_until:
                action()
            ready.wait()
            while window.allow():
                window.done(action())
        except threading.BrokenBarrierError:
            return  # another thread failed
        except BaseException as error:  # handed to the main thread
            failures.append(error)
            window.stop()
            ready.abort()

    threads = [threading.Thread(target=client, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):  # a thread failed
        ready.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - window.start
    if failures:
        raise failures[0]
    return Throughput(window.succeeded, window.attempted, elapsed)
