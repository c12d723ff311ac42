"""The PostgreSQL change feed: no file to watch, so it polls the server's snapshot.

`pg_current_snapshot()` (xmin:xmax:in-progress ids) changes whenever a transaction that
writes starts or ends, in any database of the server, and never for read-only ones (they
get no transaction id), so the dashboard's own reads do not wake it. When it changes, a
commit may have become visible; a read started after the look sees it: no commit is
missed, and nothing is written to the orchestrator's database. One statement on one idle
connection, a few times a second: a fraction of a millisecond of the server's time.
Where the user installed the notify triggers (push_triggers.py), the feed LISTENs and wakes at
each commit instead of at the next poll; it still polls, as a safety net.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.engine import Connection

from ringmaster_tui.engines.listeners import FeedListeners
from ringmaster_tui.engines.postgres import push_triggers

log = logging.getLogger(__name__)

# How often the snapshot is looked at (also while commits stream: more often would cost
# a busy server's writers more than it gains the screen).
POLL_SECONDS = 0.05
STREAM_POLL_SECONDS = 0.05
STREAM_QUIET_SECONDS = 0.5
# After the server could not be reached, try again this often.
RECONNECT_SECONDS = 1.0

MARKER_SQL = "SELECT pg_current_snapshot()::text"


class Pollable(Protocol):
    """What the feed needs of the engine (a protocol: the engine imports this module)."""

    @property
    def label(self) -> str: ...

    def connect(self) -> Connection: ...


class PostgresChangeFeed:
    """Calls `on_change()` once it watches, after every commit of any writer (bursts fold
    into fewer calls) and after `poke()`; `on_status` says when the server cannot be
    reached, and None once it can again."""

    def __init__(
        self,
        database: Pollable,
        on_change: Callable[[], None],
        on_status: Callable[[str | None], None] | None = None,
        *,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._database = database
        self._listeners = FeedListeners(on_change, on_status)
        self._poll_seconds = poll_seconds
        self._stopping = threading.Event()
        self._wake = threading.Condition()
        self._poked = False
        self._thread: threading.Thread | None = None
        self._last_commit = 0.0

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("a ChangeFeed starts once")
        self._thread = threading.Thread(target=self._loop, name="ringmaster-pg-feed", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        self._stopping.set()
        with self._wake:
            self._wake.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def poke(self) -> None:
        with self._wake:
            self._poked = True
            self._wake.notify()

    @property
    def following_a_stream(self) -> bool:
        return time.monotonic() - self._last_commit < STREAM_QUIET_SECONDS

    def _wait(self, timeout: float) -> bool:
        with self._wake:
            if not self._poked and not self._stopping.is_set():
                self._wake.wait(timeout)
            poked, self._poked = self._poked, False
        return poked

    def _wait_for_notice(self, conn: Connection, timeout: float) -> bool:
        """Until a NOTIFY arrives (a commit), `timeout` passes, or a poke was asked."""
        raw = conn.connection.dbapi_connection
        with self._wake:
            poked, self._poked = self._poked, False
        if poked or raw is None:
            return True
        for _ in raw.notifies(timeout=timeout, stop_after=1):
            pass
        with self._wake:
            poked, self._poked = self._poked, False
        return poked

    def _loop(self) -> None:
        marker: str | None = None
        conn: Connection | None = None
        listening = False
        poked = False
        while not self._stopping.is_set():
            try:
                if conn is None:
                    conn = self._database.connect().execution_options(isolation_level="AUTOCOMMIT")
                    listening = push_triggers.installed(conn)
                    if listening:  # triggers the user installed: commits wake the feed
                        conn.exec_driver_sql(f"LISTEN {push_triggers.CHANNEL}")
                current = str(conn.exec_driver_sql(MARKER_SQL).scalar_one())
            except Exception as exc:
                log.info("change feed cannot reach the server: %s", exc)
                if conn is not None:
                    _close_quietly(conn)
                    conn = None
                self._listeners.status(
                    f"cannot reach the server for {self._database.label}; retrying"
                )
                marker = None  # once back, a load follows
                self._stopping.wait(RECONNECT_SECONDS)
                continue
            self._listeners.status(None)
            changed = current != marker
            if changed and marker is not None:
                self._last_commit = time.monotonic()
            marker = current
            if changed or poked:
                self._listeners.changed()
            period = STREAM_POLL_SECONDS if self.following_a_stream else self._poll_seconds
            poked = self._wait_for_notice(conn, period) if listening else self._wait(period)
        if conn is not None:
            _close_quietly(conn)


def _close_quietly(conn: Connection) -> None:
    try:
        conn.close()
    except Exception:
        log.debug("closing the feed's connection failed", exc_info=True)
