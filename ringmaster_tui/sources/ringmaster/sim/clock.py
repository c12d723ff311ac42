"""The simulator's clock: what time it is, and how it waits for the next change.

The real clock reads the time of day and sleeps; a simulated one moves only when told
(or when the simulator waits on it), so a test can run a simulated hour in seconds and
nothing it checks depends on the machine's speed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from ringmaster_tui.domain.timefmt import utc_now


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime:
        """The time stamped on what the simulator writes."""
        ...

    def elapsed(self) -> float:
        """Seconds since an arbitrary start, never going back: what pacing counts."""
        ...

    def wait(self, seconds: float, stop: threading.Event) -> None:
        """Let `seconds` pass, or less if `stop` is set meanwhile."""
        ...


class WallClock:
    """The time of day, paced by the machine's monotonic clock."""

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        # A test may stamp rows with its own times and still pace by the machine.
        self._now = now or utc_now

    def now(self) -> datetime:
        return self._now()

    def elapsed(self) -> float:
        return time.monotonic()

    def wait(self, seconds: float, stop: threading.Event) -> None:
        stop.wait(max(0.0, seconds))


class SimulatedClock:
    """A clock that moves only by `advance` or `wait`: waiting takes no real time."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.seconds = 0.0

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.seconds)

    def elapsed(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.seconds += max(0.0, seconds)

    def wait(self, seconds: float, stop: threading.Event) -> None:
        if not stop.is_set():
            self.advance(seconds)


def as_clock(clock: Clock | Callable[[], datetime] | None) -> Clock:
    """A Clock from a clock, from a function telling the time (paced by the machine),
    or the wall clock for None."""
    if clock is None:
        return WallClock()
    if isinstance(clock, Clock):
        return clock
    return WallClock(clock)
