"""The change feed: tells its owner "the database changed, reload", and never misses one.

A thread watches the database's folder (the file, its -wal, a replaced or deleted file)
and confirms each event with `PRAGMA data_version` on one persistent connection that is
never inside a transaction. Because a -wal event can arrive before its commit is
visible, and the -shm file makes no events at all, the thread also re-checks shortly
after each event and polls data_version on a short period: a microsecond call.
No UI import: callbacks run on the feed's thread; the owner posts a message from them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchfiles import watch

from ringmaster_tui.store.engine import Database

# After a file event with no visible commit yet, look again at these delays (seconds).
RECHECK_DELAYS = (0.01, 0.03, 0.08, 0.2)
# With no event at all, still look this often: the safety net for missed events.
POLL_SECONDS = 0.25


class RefreshGate:
    """At most one load in flight and one pending, whatever the rate of requests.

    Pure state: `request()` says whether the caller should start a load now; a load
    calls `done()` when finished, which says whether to start the pending one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = False
        self._pending = False

    def request(self) -> bool:
        with self._lock:
            if self._running:
                self._pending = True
                return False
            self._running = True
            return True

    def done(self) -> bool:
        with self._lock:
            if self._pending:
                self._pending = False
                return True  # still running: the pending load starts now
            self._running = False
            return False


@dataclass(frozen=True)
class _FileId:
    device: int
    inode: int


def _file_id(path: Path) -> _FileId | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return _FileId(stat.st_dev, stat.st_ino)


class ChangeFeed:
    def __init__(
        self,
        database: Database,
        on_change: Callable[[], None],
        on_status: Callable[[str | None], None] = lambda _: None,
    ) -> None:
        self.database = database
        self.path = database.path
        self.on_change = on_change
        self.on_status = on_status
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._file: _FileId | None = None
        self._status: str | None = None
        self._threads: list[threading.Thread] = []

    # --- lifecycle ---

    def start(self) -> None:
        self._file = _file_id(self.path)
        self._version = self._read_version()
        self._threads = [
            threading.Thread(target=self._watch, name="feed-watch", daemon=True),
            threading.Thread(target=self._check_loop, name="feed-check", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=2)
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def poke(self) -> None:
        """The app wrote itself: data_version does not move for a connection's own kind."""
        self.on_change()

    # --- threads ---

    def _watch(self) -> None:
        names = {self.path.name, *(self.path.name + s for s in ("-wal", "-journal"))}
        try:
            for changes in watch(
                self.path.parent,
                stop_event=self._stop,
                debounce=5,
                step=5,
                rust_timeout=500,
                yield_on_timeout=False,
                raise_interrupt=False,
            ):
                if any(Path(p).name in names for _, p in changes):
                    self._wake.set()
        except (OSError, RuntimeError):
            # No watch possible (folder gone, no inotify): the poll still sees changes.
            pass

    def _check_loop(self) -> None:
        while not self._stop.is_set():
            woken = self._wake.wait(POLL_SECONDS)
            self._wake.clear()
            if self._stop.is_set():
                return
            if self._check() or not woken:
                continue
            # An event but no visible commit yet: the commit may land a moment later.
            for delay in RECHECK_DELAYS:
                if self._stop.wait(delay) or self._check():
                    break

    def _check(self) -> bool:
        """Report a change if something was committed or the file was swapped; say which."""
        current = _file_id(self.path)
        if current is None:
            self._set_status(f"database is missing: {self.path} — waiting for it to come back")
            self._drop_connection()
            return False
        if current != self._file:
            replaced = self._file is not None
            self._file = current
            self._drop_connection()
            if replaced:
                self._set_status("database was replaced — reopened")
            self._version = self._read_version()
            self.on_change()
            return True
        version = self._read_version()
        if version is None:
            return False
        self._set_status(None)
        if version != self._version:
            self._version = version
            self.on_change()
            return True
        return False

    # --- the one connection ---

    def _read_version(self) -> int | None:
        try:
            if self._conn is None:
                self._conn = self.database.raw_connection()
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:
            self._drop_connection()
            self._set_status(f"cannot read {self.path}: {exc} — retrying")
            return None

    def _drop_connection(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _set_status(self, message: str | None) -> None:
        if message != self._status:
            self._status = message
            self.on_status(message)
