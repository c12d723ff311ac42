"""What is new in each read of the decisions and alerts, handed to the notify command
(through the Deliverer) and to whoever shows it (the watcher's lines, the dashboard's
terminal notifications)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from ringmaster_tui.domain.timefmt import utc_now
from ringmaster_tui.notify.choices import DEFAULT_SEVERITY
from ringmaster_tui.notify.command import NotifyCommand
from ringmaster_tui.notify.delivery import Deliverer, Report
from ringmaster_tui.notify.events import Event, events_in, watch_query
from ringmaster_tui.notify.state import NotifiedState, database_key
from ringmaster_tui.sources.base import Source

log = logging.getLogger(__name__)

OnNew = Callable[[list[Event], bool], None]
"""Told the new events of a read, and whether it was the first read (all is "new")."""


class NoNotifiedViews(Exception):
    """The source offers neither decisions nor alerts: nothing to notify."""


class Notifier:
    """Reads the pending decisions and the alerts at or above `severity`; each read
    finds what the previous one did not have."""

    def __init__(
        self,
        source: Source,
        *,
        severity: str = DEFAULT_SEVERITY,
        command: NotifyCommand | None = None,
        state: NotifiedState | None = None,
        report: Report = lambda problem: None,
        on_new: OnNew | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        query = watch_query(source.capabilities)
        if query is None:
            raise NoNotifiedViews(
                f"{source.label}: this kind of database has no decisions or alerts"
            )
        self.source = source
        self.query = query
        self.severity = severity
        self.clock = clock
        self._report = report
        self._on_new = on_new
        self._previous: set[str] | None = None
        self._deliverer = (
            Deliverer(command, state or NotifiedState(), database_key(source.label), report)
            if command is not None
            else None
        )
        self._wanted = threading.Event()
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None
        self._read_problem: str | None = None

    @property
    def deliverer(self) -> Deliverer | None:
        return self._deliverer

    @property
    def has_read(self) -> bool:
        """Whether a read has succeeded, so that what later reads find is new."""
        return self._previous is not None

    def check(self) -> list[Event]:
        """One read (one short transaction): the events it has that the last one had
        not, queued for the notify command. Raises what the read raises."""
        now = self.clock()
        snapshot = self.source.snapshot(self.query, now)
        events = events_in(
            snapshot,
            now,
            severity=self.severity,
            source_kind=self.source.kind,
            database=self.source.label,
        )
        first = self._previous is None
        new = [e for e in events if self._previous is None or e.key not in self._previous]
        self._previous = {e.key for e in events}
        if self._deliverer is not None:
            self._deliverer.start()
            for event in new:
                self._deliverer.submit(event)
        if self._on_new is not None and new:
            self._on_new(new, first)
        return new

    # --- reading on a thread of its own, when asked (the dashboard, after each snapshot) ---

    def request(self) -> None:
        """Read again soon, off the caller's thread; requests made meanwhile fold in one."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._follow, name="notifier", daemon=True)
            self._thread.start()
        self._wanted.set()

    def _follow(self) -> None:
        while True:
            self._wanted.wait()
            if self._closing.is_set():
                return
            self._wanted.clear()
            try:
                self.check()
            except Exception as exc:  # a locked or replaced file: the next request retries
                log.exception("reading for notifications failed")
                problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                if problem != self._read_problem:
                    self._read_problem = problem
                    self._report(f"notifications could not read the database: {problem}")
            else:
                self._read_problem = None

    def close(self, timeout: float = 5.0) -> None:
        """Stop reading and delivering; a command under way is killed."""
        self._closing.set()
        self._wanted.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._deliverer is not None:
            self._deliverer.close(timeout)
