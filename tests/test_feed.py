"""The change feed sees every commit of another process, coalesces, and survives swaps."""

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

from ringmaster_tui.live.feed import ChangeFeed, RefreshGate
from ringmaster_tui.store.engine import Database, create_database, open_database

# Each commit bumps a counter kept in one project's description.
WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
for n in range(1, int(sys.argv[2]) + 1):
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE projects SET description = ? WHERE id = 'p'", (str(n),))
    conn.execute("COMMIT")
    time.sleep(float(sys.argv[3]))
"""


def _new_database(path: Path) -> Database:
    create_database(path).dispose()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO projects (id, name, repository_url) VALUES ('p', 'p', 'u')")
    conn.execute("UPDATE projects SET description = '0'")
    conn.commit()
    conn.close()
    return open_database(path)


def _counter(database: Database) -> int:
    with database.read() as conn:
        value = conn.exec_driver_sql("SELECT description FROM projects WHERE id = 'p'").scalar()
    return int(value or 0)


class Owner:
    """Reloads on every change, as the app does, and remembers what it saw."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.seen: list[int] = []
        self.statuses: list[str | None] = []
        self.changed = threading.Event()

    def on_change(self) -> None:
        try:
            self.seen.append(_counter(self.database))
        except Exception:  # the file may be mid-swap; the next change reloads
            return
        self.changed.set()

    def on_status(self, message: str | None) -> None:
        self.statuses.append(message)


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Database, Owner, ChangeFeed]]:
    database = _new_database(tmp_path / "live.db")
    owner = Owner(database)
    feed = ChangeFeed(database, owner.on_change, owner.on_status)
    feed.start()
    yield database, owner, feed
    feed.stop()
    database.dispose()


def _wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_no_commit_of_a_racing_writer_is_missed(
    watched: tuple[Database, Owner, ChangeFeed],
) -> None:
    database, owner, _ = watched
    commits = 300
    writer = subprocess.run(
        [sys.executable, "-c", WRITER, str(database.path), str(commits), "0.002"], timeout=60
    )
    assert writer.returncode == 0

    assert _wait_for(lambda: bool(owner.seen) and owner.seen[-1] == commits), owner.seen[-5:]
    assert owner.seen == sorted(owner.seen), "never shows an older state after a newer one"


def test_each_slow_commit_is_seen(watched: tuple[Database, Owner, ChangeFeed]) -> None:
    database, owner, _ = watched
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(database.path), "10", "0.4"])
    writer.wait(timeout=60)

    assert _wait_for(lambda: bool(owner.seen) and owner.seen[-1] == 10), str(owner.seen)
    # Spaced commits each get their own reload: none is folded into a later one.
    assert set(range(1, 11)) <= set(owner.seen)


def test_replaced_and_deleted_database(
    tmp_path: Path, watched: tuple[Database, Owner, ChangeFeed]
) -> None:
    database, owner, _ = watched
    replacement = _new_database(tmp_path / "other.db")
    replacement.dispose()
    conn = sqlite3.connect(tmp_path / "other.db")
    conn.execute("UPDATE projects SET description = '77'")
    conn.commit()
    conn.close()

    os.replace(tmp_path / "other.db", database.path)

    assert _wait_for(lambda: 77 in owner.seen), owner.seen
    assert "database was replaced — reopened" in owner.statuses

    database.path.unlink()
    assert _wait_for(lambda: any(s and "missing" in s for s in owner.statuses))
    _new_database(database.path).dispose()
    conn = sqlite3.connect(database.path)
    conn.execute("UPDATE projects SET description = '5'")
    conn.commit()
    conn.close()
    assert _wait_for(lambda: owner.seen[-1:] == [5]), owner.seen
    assert owner.statuses[-1] is None, "the message goes once the database is back"


def test_poke_reloads_after_our_own_write(watched: tuple[Database, Owner, ChangeFeed]) -> None:
    _, owner, feed = watched
    owner.seen.clear()

    feed.poke()

    assert owner.seen == [0]


def test_stop_is_prompt(tmp_path: Path) -> None:
    database = _new_database(tmp_path / "x.db")
    feed = ChangeFeed(database, lambda: None)
    feed.start()
    started = time.monotonic()

    feed.stop()

    assert time.monotonic() - started < 3
    assert not any(t.is_alive() for t in threading.enumerate() if t.name.startswith("feed-"))


def test_gate_allows_one_load_and_one_pending() -> None:
    gate = RefreshGate()

    assert gate.request() is True  # start a load
    assert [gate.request() for _ in range(1000)] == [False] * 1000  # folded into one pending
    assert gate.done() is True  # the pending load starts
    assert gate.done() is False  # nothing more
    assert gate.request() is True


def test_gate_under_a_burst_while_a_slow_load_runs() -> None:
    gate = RefreshGate()
    loads = 0
    lock = threading.Lock()

    def load() -> None:
        nonlocal loads
        while True:
            with lock:
                loads += 1
            time.sleep(0.3)
            if not gate.done():
                return

    threads = []
    for _ in range(1000):
        if gate.request():
            threads.append(threading.Thread(target=load))
            threads[-1].start()
    for thread in threads:
        thread.join()

    assert loads == 2
