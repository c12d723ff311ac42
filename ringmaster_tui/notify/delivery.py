"""Runs the notify command for each event, one at a time, on a thread of its own.

An event is claimed in the memory of what was notified just before its command runs, so
it is delivered at most once, whoever else watches the same database; one still queued
when the process stops is claimed by the next run instead. Failures are logged each time
and reported once per distinct reason (a broken webhook is not news at every event).
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Callable

from ringmaster_tui.notify.command import NotifyCommand
from ringmaster_tui.notify.events import Event
from ringmaster_tui.notify.state import NotifiedState, StateError

log = logging.getLogger(__name__)

Report = Callable[[str], object]
"""Told, from the delivery thread, a problem worth showing the user (once each)."""


def payload_bytes(event: Event) -> bytes:
    """One JSON object and a newline: what the command reads on its standard input."""
    return (json.dumps(event.payload, ensure_ascii=False) + "\n").encode("utf-8")


class Deliverer:
    def __init__(
        self,
        command: NotifyCommand,
        state: NotifiedState,
        database: str,
        report: Report,
    ) -> None:
        self.command = command
        self.state = state
        self.database = database
        self._report = report
        self._reported: set[str] = set()
        self._queue: queue.SimpleQueue[Event | None] = queue.SimpleQueue()
        self._queued: set[str] = set()
        self._queued_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="notify", daemon=True)
        self._started = False
        self._closing = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def submit(self, event: Event) -> None:
        """Queue `event`, unless it waits in the queue already."""
        with self._queued_lock:
            if event.key in self._queued:
                return
            self._queued.add(event.key)
        self._queue.put(event)

    def close(self, timeout: float = 5.0) -> None:
        """Stop: a command under way is killed; queued events wait for the next run."""
        self._closing = True
        self.command.stop()
        self._queue.put(None)
        if self._started:
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            event = self._queue.get()
            if event is None:
                return
            try:
                self._deliver(event)
            except Exception:  # never lose the thread: the next event still goes
                log.exception("notifying %s failed", event.key)
            finally:
                with self._queued_lock:
                    self._queued.discard(event.key)

    def _deliver(self, event: Event) -> None:
        try:
            if not self.state.claim(self.database, event.key):
                log.info("%s of %s was notified before", event.key, self.database)
                return
        except StateError as exc:
            # Without a memory the command would run again at the next start: say so,
            # and run it now all the same (a missed decision costs more than a repeat).
            log.warning("%s", exc)
            self._report_once("state", f"notifications may repeat after a restart: {exc}")
        failure = self.command.run(payload_bytes(event))
        if failure is None:
            log.info("notified %s of %s", event.key, self.database)
        elif self._closing:
            log.info("notifying %s was cut short: %s", event.key, failure)
        else:
            log.warning("notifying %s: %s", event.key, failure)
            self._report_once(failure.reason, f"the notify command failed: {failure}")

    def _report_once(self, reason: str, problem: str) -> None:
        if reason not in self._reported:
            self._reported.add(reason)
            self._report(problem)
