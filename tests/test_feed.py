"""The change feed sees every commit of another process, coalesces, and survives swaps.

Real WAL databases, real second processes writing. Timings are generous bounds for a
busy shared machine; how fast the feed really is belongs in a benchmark.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ringmaster_tui.engines.sqlite import feed as feed_module
from ringmaster_tui.engines.sqlite.engine import SqliteEngine, open_sqlite
from ringmaster_tui.engines.sqlite.feed import SqliteChangeFeed
from ringmaster_tui.live import RefreshGate
from ringmaster_tui.sources.ringmaster.schema import create_ringmaster_database

# Each commit sets a counter (one project's description) and prints when it committed.
# time.monotonic() is CLOCK_MONOTONIC, one clock for every process on the machine.
WRITER = """
import random, sqlite3, sys, time
path, commits, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
conn = sqlite3.connect(path, isolation_level=None, timeout=10)
rng = random.Random(7)
for n in range(1, commits + 1):
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE projects SET description = ? WHERE id = 'p'", (str(n),))
    conn.execute("COMMIT")
    print(n, time.monotonic())
    time.sleep(rng.uniform(0, pause))
"""

# Holds the database in exclusive locking mode for a while: nobody else can read it.
LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
conn.execute("PRAGMA locking_mode = EXCLUSIVE")
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE projects SET description = '42' WHERE id = 'p'")
conn.execute("COMMIT")
print("locked", flush=True)
time.sleep(1.0)
conn.close()
"""

# The feed may lag a commit by its poll period plus scheduling noise; a second is plenty.
STALE_LIMIT_SECONDS = 1.0


def _new_database(path: Path, counter: int = 0) -> None:
    create_ringmaster_database(path).dispose()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO projects (id, name, repository_url, description) VALUES ('p', 'p', 'u', ?)",
        (str(counter),),
    )
    conn.commit()
    conn.close()


def _set_counter(path: Path, value: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE projects SET description = ? WHERE id = 'p'", (str(value),))
    conn.commit()
    conn.close()


def _remove(path: Path) -> None:
    """Delete a database as a person would: the file with its -wal and -shm."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class Owner:
    """Reloads as the app does: the gate, a loader thread, one short read per load."""

    def __init__(self, database: SqliteEngine) -> None:
        self.database = database
        self.gate = RefreshGate()
        self.loads: list[tuple[float, int]] = []  # (when the load ended, counter seen)
        self.changes = 0
        self.statuses: list[str | None] = []

    def on_change(self) -> None:
        self.changes += 1
        if self.gate.request():
            threading.Thread(target=self._load, daemon=True).start()

    def on_status(self, message: str | None) -> None:
        self.statuses.append(message)

    def _load(self) -> None:
        while True:
            self.gate.begin()
            try:
                with self.database.read() as conn:
                    value = conn.exec_driver_sql(
                        "SELECT description FROM projects WHERE id = 'p'"
                    ).scalar()
                self.loads.append((time.monotonic(), int(value or 0)))
            except Exception:  # mid-swap: no table yet; the next change reloads
                pass
            if not self.gate.done():
                return

    @property
    def seen(self) -> list[int]:
        return [value for _, value in self.loads]

    def shows(self, value: int) -> bool:
        return bool(self.loads) and self.loads[-1][1] == value


def _wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[SqliteEngine, Owner, SqliteChangeFeed]]:
    _new_database(tmp_path / "live.db")
    database = open_sqlite(tmp_path / "live.db")
    owner = Owner(database)
    feed = SqliteChangeFeed(database, owner.on_change, owner.on_status)
    feed.start()
    assert _wait_for(lambda: owner.shows(0)), "the first on_change comes once the feed watches"
    yield database, owner, feed
    feed.stop()
    database.dispose()


# --- no missed update ---


@pytest.mark.parametrize("watch_files", [True, False], ids=["events", "poll-only"])
def test_no_commit_of_a_racing_writer_is_missed(tmp_path: Path, watch_files: bool) -> None:
    _new_database(tmp_path / "race.db")
    database = open_sqlite(tmp_path / "race.db")
    owner = Owner(database)
    feed = SqliteChangeFeed(database, owner.on_change, owner.on_status, watch_files=watch_files)
    feed.start()
    try:
        assert _wait_for(lambda: owner.shows(0))
        commits = 300
        writer = subprocess.run(
            [sys.executable, "-c", WRITER, str(database.path), str(commits), "0.004"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert _wait_for(lambda: owner.shows(commits)), owner.seen[-5:]

        assert owner.seen == sorted(owner.seen), "never an older state after a newer one"
        # Every commit was on screen soon after it was made, not only the last one.
        committed = [(int(n), float(t)) for n, t in map(str.split, writer.stdout.splitlines())]
        assert len(committed) == commits
        stale = max(
            next(ended for ended, value in owner.loads if value >= n) - at for n, at in committed
        )
        assert stale < STALE_LIMIT_SECONDS, f"stale for {stale:.2f} s after a commit"
        # Bursts fold: far fewer loads than commits would be a fine outcome, more is a bug.
        assert len(owner.loads) <= owner.changes + 1

        # The feed holds no connection: a full checkpoint goes through while it runs, and
        # the -wal shrinks to nothing (or goes, with the last connection).
        conn = sqlite3.connect(database.path, timeout=10)
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        conn.close()
        assert busy == 0
        wal = Path(f"{database.path}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    finally:
        feed.stop()
        database.dispose()


def test_a_stream_of_commits_is_polled_and_the_watch_resumes_after_it(
    live: tuple[SqliteEngine, Owner, SqliteChangeFeed],
) -> None:
    # File events cost a writer in a burst far more than polling does: the watcher rests
    # while commits stream, and none is missed either way.
    database, owner, feed = live
    assert not feed.following_a_stream
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(database.path), "100", "0.01"],
        stdout=subprocess.DEVNULL,
    )
    try:
        assert _wait_for(lambda: feed.following_a_stream, timeout=5)
    finally:
        writer.wait(timeout=60)
    assert _wait_for(lambda: owner.shows(100))
    assert _wait_for(lambda: not feed.following_a_stream, timeout=5)  # quiet: watching

    _set_counter(database.path, 101)  # a lone commit after the stream: seen at once
    assert _wait_for(lambda: owner.shows(101), timeout=2)


def test_an_event_that_comes_before_its_commit_is_followed_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pitfall, made deterministic: the -wal event is seen, the commit lands later.

    No watcher and no poll to speak of, so only the re-checks after the event can see it.
    """
    monkeypatch.setattr(feed_module, "RECHECK_DELAYS", (0.5, 1.0, 3.0))  # roomy for CI
    _new_database(tmp_path / "early.db")
    database = open_sqlite(tmp_path / "early.db")
    owner = Owner(database)
    feed = SqliteChangeFeed(database, owner.on_change, watch_files=False, poll_seconds=60)
    feed.start()
    try:
        assert _wait_for(lambda: owner.shows(0))
        feed._signal(feed_module._Why.EVENT)  # what the watcher does on a -wal event
        time.sleep(0.1)  # the check on the event found nothing new
        _set_counter(database.path, 1)

        assert _wait_for(lambda: owner.shows(1), timeout=5), owner.seen
    finally:
        feed.stop()
        database.dispose()


def test_poke_reloads_after_our_own_write(
    live: tuple[SqliteEngine, Owner, SqliteChangeFeed],
) -> None:
    database, owner, feed = live
    loads = len(owner.loads)
    with database.write() as conn:
        conn.exec_driver_sql("UPDATE projects SET description = '9' WHERE id = 'p'")

    feed.poke()

    assert _wait_for(lambda: owner.shows(9))
    feed.poke()  # even with nothing new, a poke reloads
    assert _wait_for(lambda: len(owner.loads) >= loads + 2)


def test_a_failing_callback_does_not_stop_the_feed(tmp_path: Path) -> None:
    _new_database(tmp_path / "x.db")
    database = open_sqlite(tmp_path / "x.db")
    calls: list[float] = []

    def explode() -> None:
        calls.append(time.monotonic())
        raise RuntimeError("the owner's bug")

    feed = SqliteChangeFeed(database, explode)
    feed.start()
    try:
        assert _wait_for(lambda: len(calls) == 1)
        _set_counter(database.path, 1)
        assert _wait_for(lambda: len(calls) == 2)
    finally:
        feed.stop()
        database.dispose()


# --- coalescing ---


def test_gate_one_load_in_flight_and_one_pending() -> None:
    gate = RefreshGate()

    assert gate.request() is True  # start a loader
    assert gate.request() is False  # before begin(): the coming load covers it
    gate.begin()
    assert gate.done() is False, "nothing asked for since the load began"
    assert not gate.busy

    assert gate.request() is True
    gate.begin()
    assert [gate.request() for _ in range(1000)] == [False] * 1000  # fold into one pending
    assert gate.done() is True  # load again
    gate.begin()
    assert gate.done() is False
    assert gate.request() is True


def test_gate_without_begin_still_loses_nothing() -> None:
    gate = RefreshGate()

    assert gate.request() is True
    assert gate.request() is False  # may have come during the load: one more
    assert gate.done() is True
    assert gate.done() is False


def test_gate_under_a_burst_while_a_slow_load_runs() -> None:
    gate = RefreshGate()
    began: list[float] = []
    loaders: list[threading.Thread] = []

    def load() -> None:
        while True:
            gate.begin()
            began.append(time.monotonic())
            time.sleep(0.3)
            if not gate.done():
                return

    for _ in range(1000):
        if gate.request():
            loaders.append(threading.Thread(target=load))
            loaders[-1].start()
        last_request = time.monotonic()
    for thread in loaders:
        thread.join()

    assert len(loaders) == 1
    assert 1 <= len(began) <= 2
    assert began[-1] >= last_request, "the last load began after the last request"


# --- a replaced, deleted or locked file ---


def test_a_replaced_database_is_reopened(
    tmp_path: Path, live: tuple[SqliteEngine, Owner, SqliteChangeFeed]
) -> None:
    database, owner, _ = live
    _new_database(tmp_path / "other.db", counter=77)
    # Swapping the main file under a -wal that still holds frames would pair the new file
    # with the old journal (SQLite's "how to corrupt"); a careful restore empties it first.
    conn = sqlite3.connect(database.path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()

    os.replace(tmp_path / "other.db", database.path)

    assert _wait_for(lambda: owner.shows(77)), owner.seen
    assert "database was replaced — reopening" in owner.statuses
    assert owner.statuses[-1] is None
    # The feed follows the new file, not the old one it had open.
    subprocess.run([sys.executable, "-c", WRITER, str(database.path), "3", "0"], check=True)
    assert _wait_for(lambda: owner.shows(3)), owner.seen


def test_a_deleted_database_is_awaited_and_reopened(
    live: tuple[SqliteEngine, Owner, SqliteChangeFeed],
) -> None:
    database, owner, _ = live

    _remove(database.path)

    missing = f"database is missing: {database.path} — waiting for it to come back"
    assert _wait_for(lambda: missing in owner.statuses), owner.statuses
    _new_database(database.path, counter=5)
    assert _wait_for(lambda: owner.shows(5)), owner.seen
    assert owner.statuses[-1] is None, "the message goes once the database is back"
    subprocess.run([sys.executable, "-c", WRITER, str(database.path), "2", "0"], check=True)
    assert _wait_for(lambda: owner.shows(2)), owner.seen


def test_a_database_deleted_and_recreated_at_once_is_followed(
    live: tuple[SqliteEngine, Owner, SqliteChangeFeed],
) -> None:
    """Too fast for a check to see it missing: the new file's identity tells."""
    database, owner, _ = live

    _remove(database.path)
    _new_database(database.path, counter=6)

    assert _wait_for(lambda: owner.shows(6)), owner.seen
    subprocess.run([sys.executable, "-c", WRITER, str(database.path), "4", "0"], check=True)
    assert _wait_for(lambda: owner.shows(4)), owner.seen


def test_a_locked_database_is_read_once_the_lock_goes(tmp_path: Path) -> None:
    """The loads fail while the lock holds (the app says so and retries); the locker's
    last commit and close change the files, and the feed reloads."""
    _new_database(tmp_path / "locked.db")
    database = open_sqlite(tmp_path / "locked.db")
    owner = Owner(database)
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(database.path)], stdout=subprocess.PIPE, text=True
    )
    assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
    feed = SqliteChangeFeed(database, owner.on_change, owner.on_status)
    feed.start()
    try:
        assert _wait_for(lambda: owner.changes >= 1)
        assert not owner.shows(42), "nothing can be read while the lock holds"
        assert locker.wait(timeout=10) == 0
        assert _wait_for(lambda: owner.shows(42)), owner.seen
        assert owner.statuses == [None] or not owner.statuses
    finally:
        feed.stop()
        database.dispose()


# --- stopping ---


def test_stop_is_prompt(live: tuple[SqliteEngine, Owner, SqliteChangeFeed]) -> None:
    _, _, feed = live
    started = time.monotonic()

    feed.stop()

    assert time.monotonic() - started < 2
    assert not [t for t in threading.enumerate() if t.name.startswith("ringmaster-feed")]
