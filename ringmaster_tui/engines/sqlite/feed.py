"""The change feed: tells its owner "the database changed, reload", and misses no commit.

Two threads, no UI, and no database connection: a connection held between reads keeps
an orchestrator's -wal alive after it has closed (a backup restored over the file then
meets that old -wal), so the feed reads the database's files instead:
- the watcher turns file events in the database's folder (the file, its -wal and
  -journal, a replaced or deleted file) into a wake-up, and does nothing else;
- the checker asks the database for its commit marker (a few stat() calls and the
  headers SQLite rewrites at every commit) and compares it with the last one.
A -wal event can arrive before its commit is visible, and the memory-mapped -shm file
makes no events at all, so after each event the checker looks again a few times, and it
polls on a short period anyway: a few microseconds. Every callback runs on the checker.

While commits keep coming, the watcher stands down and the checker polls every few
milliseconds instead: under a write burst the file events themselves (several per
transaction) cost the writer a quarter of its speed, a poll almost nothing. After a
quiet moment the watcher takes over again.
"""

from __future__ import annotations

import enum
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ringmaster_tui.engines.listeners import FeedListeners

if TYPE_CHECKING:
    from watchfiles import Change

log = logging.getLogger(__name__)

# watchfiles waits up to 1.6 s by default to batch events under continuous writes. With
# these a commit is noticed 6-10 ms after it happens; the feed costs ~1.3% of a core idle.
DEBOUNCE_MS = 10
STEP_MS = 5
# After a file event, look again at these delays (seconds): its commit may land later.
RECHECK_DELAYS = (0.005, 0.02, 0.05, 0.1, 0.2)
# With no event at all, still look this often: the safety net for missed or absent events.
POLL_SECONDS = 0.25
# When watching the folder fails (it vanished, no inotify watches left), try again later.
WATCH_RETRY_SECONDS = 5.0
# While commits stream, the checker polls this often, and the watcher rests until none has
# come for STREAM_QUIET_SECONDS.
STREAM_POLL_SECONDS = 0.005
STREAM_QUIET_SECONDS = 0.5


class Watchable(Protocol):
    """What the feed needs of a database: the SQLite engine (a protocol, not an import,
    as the engine imports this module)."""

    @property
    def path(self) -> Path: ...

    @property
    def warning(self) -> str | None:
        """What reads miss, when they cannot see every commit; None when they can."""
        ...

    def commit_marker(self) -> object | None:
        """A value that changes at every visible commit; None when the file is missing."""
        ...

    def check_files(self) -> None:
        """Raise when the files cannot safely be read (say why in the exception)."""
        ...

    def follow_writer(self) -> bool:
        """True when the database was read as a frozen file and is now read live."""
        ...


class _Why(enum.Flag):
    """Why the checker was woken; several reasons fold into one check."""

    NONE = 0
    EVENT = enum.auto()  # a file event on the database or its -wal/-journal
    POKE = enum.auto()  # the owner wrote itself


# The marker before the first look, and after the file went missing or unsafe.
_NEVER = object()


def _main_file(marker: object) -> object | None:
    """The main file's identity in a marker (its first part's inode and device)."""
    if isinstance(marker, tuple) and marker and isinstance(marker[0], tuple):
        return marker[0][:2]
    return None


class _StopWhen:
    """What watchfiles polls to know when to stop: the feed stops, or commits stream."""

    def __init__(self, stopping: threading.Event, watch_allowed: threading.Event) -> None:
        self._stopping = stopping
        self._watch_allowed = watch_allowed

    def is_set(self) -> bool:
        return self._stopping.is_set() or not self._watch_allowed.is_set()


class SqliteChangeFeed:
    """Calls `on_change()` after every commit to the database, from its own thread.

    - The first `on_change()` comes as soon as the feed has its connection: an owner may
      use it for its first load. After that, one comes after each commit of any other
      connection (bursts fold into fewer calls), after `poke()`, and after the file was
      replaced or came back. It is called once the commit is visible, so a load started
      from it sees the commit.
    - `on_status(message)` reports a missing, replaced, locked or unreadable database,
      and `None` once it is fine again; it is called only when the message changes.
    - Callbacks must be quick (post a message, request a reload); an exception in one is
      logged and the feed carries on. Do not call `stop()` from a callback.
    - `watch_files=False` relies on the poll alone, as on a filesystem without events.
    """

    def __init__(
        self,
        database: Watchable,
        on_change: Callable[[], None],
        on_status: Callable[[str | None], None] | None = None,
        *,
        watch_files: bool = True,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._database = database
        self._path = database.path
        self._listeners = FeedListeners(on_change, on_status)
        self._watch_files = watch_files
        self._poll_seconds = poll_seconds
        self._stopping = threading.Event()
        self._watch_allowed = threading.Event()  # cleared while commits stream
        self._watch_allowed.set()
        self._wake = threading.Condition()
        self._why = _Why.NONE  # guarded by _wake
        self._threads: list[threading.Thread] = []
        # Owned by the checker thread alone once it runs.
        self._marker: object = _NEVER

    # --- the owner's side: any thread ---

    def start(self) -> None:
        """Start watching; no database call happens on the caller's thread."""
        if self._threads:
            raise RuntimeError("a ChangeFeed starts once")
        self._threads.append(
            threading.Thread(target=self._check_loop, name="ringmaster-feed-check", daemon=True)
        )
        if self._watch_files:
            self._threads.append(
                threading.Thread(target=self._watch_loop, name="ringmaster-feed-watch", daemon=True)
            )
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop both threads, waiting at most `timeout` seconds in all."""
        self._stopping.set()
        self._watch_allowed.set()  # a resting watcher wakes, sees the stop and ends
        with self._wake:
            self._wake.notify_all()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(max(deadline - time.monotonic(), 0.0))

    @property
    def following_a_stream(self) -> bool:
        """Commits keep coming: the checker polls them and the watcher rests."""
        return not self._watch_allowed.is_set()

    def poke(self) -> None:
        """The owner committed a write: reload now, even if no commit shows.

        The owner's writes use other connections than the feed's, so they would be seen
        anyway; a poke saves waiting for the file event.
        """
        self._signal(_Why.POKE)

    # --- waking the checker ---

    def _signal(self, why: _Why) -> None:
        with self._wake:
            self._why |= why
            self._wake.notify()

    def _wait(self, timeout: float) -> _Why:
        with self._wake:
            if not self._why and not self._stopping.is_set():
                self._wake.wait(timeout)
            why, self._why = self._why, _Why.NONE
        return why

    # --- the watcher thread ---

    def _watch_loop(self) -> None:
        # Imported here, on the watcher's own thread: watchfiles brings anyio (~20 ms),
        # which `status` and `check` never need and the first paint need not wait for.
        from watchfiles import watch

        # The folder of the real file: SQLite keeps -wal next to a symlink's target.
        target = self._path.resolve()
        names = {target.name, f"{target.name}-wal", f"{target.name}-journal"}

        def wanted(_change: Change, path: str) -> bool:
            return os.path.basename(path) in names

        while not self._stopping.is_set():
            if not self._watch_allowed.wait(POLL_SECONDS):
                continue  # commits stream: the checker polls; no watch, no events
            try:
                for _changes in watch(
                    target.parent,
                    watch_filter=wanted,
                    debounce=DEBOUNCE_MS,
                    step=STEP_MS,
                    rust_timeout=0,  # no timeout needed: stop_event is checked every step
                    stop_event=_StopWhen(self._stopping, self._watch_allowed),
                    recursive=False,  # the folder may hold big trees (worktrees, logs)
                    raise_interrupt=False,
                ):
                    self._signal(_Why.EVENT)
            except Exception as exc:  # the poll carries on alone meanwhile
                log.info("cannot watch %s (%s); polling only for now", target.parent, exc)
                self._stopping.wait(WATCH_RETRY_SECONDS)

    # --- the checker thread ---

    def _check_loop(self) -> None:
        rechecks: list[float] = []  # when to look again after the last file event
        why = _Why.NONE
        last_commit = 0.0  # when a check last found a new commit
        while not self._stopping.is_set():
            committed = False
            try:
                committed = self._check(force=_Why.POKE in why)
            except Exception:  # never let the thread die; the next check retries
                log.exception("change feed check failed")
            now = time.monotonic()
            if committed:
                last_commit = now
                self._watch_allowed.clear()  # a stream may be starting: poll it
            elif not self._watch_allowed.is_set() and now - last_commit > STREAM_QUIET_SECONDS:
                self._watch_allowed.set()  # quiet again: back to file events
                why |= _Why.EVENT  # and look again meanwhile, as after an event
            if _Why.EVENT in why:
                rechecks = [now + delay for delay in RECHECK_DELAYS]
            else:
                rechecks = [due for due in rechecks if due > now]
            timeout = rechecks[0] - now if rechecks else self._poll_seconds
            if not self._watch_allowed.is_set():
                timeout = min(timeout, STREAM_POLL_SECONDS)
            why = self._wait(timeout)

    def _check(self, *, force: bool) -> bool:
        """Look once; True when another connection committed since the last look."""
        try:
            self._database.check_files()
        except Exception as exc:  # replaced beside another file's -wal: say so, never read
            self._listeners.status(str(exc))
            self._marker = _NEVER  # once safe, a load follows
            return False
        if self._database.follow_writer():
            force = True  # a frozen read never changes: now it sees commits
        marker = self._database.commit_marker()
        if marker is None:
            self._listeners.status(
                f"database is missing: {self._path} — waiting for it to come back"
            )
            self._marker = _NEVER
            return False
        previous, self._marker = self._marker, marker
        if _main_file(previous) not in (None, _main_file(marker)):
            self._listeners.status("database was replaced — reopening")
        self._listeners.status(self._database.warning)
        committed = marker != previous
        if committed or force:
            self._listeners.changed()
        return committed and previous is not _NEVER
