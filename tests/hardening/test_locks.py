"""Another process holds the write lock: a write waits for it within its bound and
succeeds, or gives up after the bound with a clear message and writes nothing."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ringmaster_tui.engines.sqlite.engine import WriteBusyError
from ringmaster_tui.sources.registry import open_source
from tests.builders import build_standard_board
from tests.hardening.tour import dump
from tests.ui.helpers import Notes, board, card_id, loaded, settle, state_of
from tests.ui.snap_apps import make_app

# Another writer: takes the lock, writes (uncommitted), holds it, then commits.
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE alerts SET message = message || ' (seen)' WHERE severity = 'warning'")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


@contextmanager
def lock_held(db: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        assert holder.wait(timeout=30) == 0


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "board.db"
    build_standard_board(path).close()
    return path


def test_a_write_waits_for_a_short_lock(db: Path) -> None:
    source = open_source(db, user="ann")
    source.engine.write_timeout = 5.0

    with lock_held(db, 1.0):
        started = time.monotonic()
        outcome = source.transition(
            card_id(db, "Sketch the API"), "draft", "start_planning", "planning"
        )
        waited = time.monotonic() - started

    assert outcome.ok, outcome.message
    assert waited >= 0.5
    assert state_of(db, "Sketch the API") == "planning"
    assert "(seen)" in "".join(dump(db))  # the other writer's work is there too


def test_a_write_gives_up_after_its_bound(db: Path) -> None:
    source = open_source(db, user="ann")
    source.engine.write_timeout = 1.0
    before = dump(db)

    with lock_held(db, 4.0):
        started = time.monotonic()
        with pytest.raises(WriteBusyError) as caught:
            source.transition(card_id(db, "Sketch the API"), "draft", "start_planning", "planning")
        waited = time.monotonic() - started
        after_failure = dump(db)

    assert 0.9 <= waited < 2.5
    assert "kept the database locked for 1 s; nothing was written" in str(caught.value)
    assert after_failure == before  # nothing of ours, half or whole


@pytest.mark.anyio
async def test_the_user_is_told_why_the_write_failed(db: Path, notes: Notes) -> None:
    app = make_app(db)
    app.source.engine.write_timeout = 0.5

    async with app.run_test(size=(100, 30), message_hook=notes.hook) as pilot:
        await loaded(pilot)
        assert board(app).select_card(card_id(db, "Sketch the API"))
        with lock_held(db, 3.0):
            await pilot.press("a")
            await settle(pilot)

    assert "The write failed: another program kept the database locked" in notes.last
    assert state_of(db, "Sketch the API") == "draft"
