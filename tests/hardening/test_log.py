"""`--log FILE`: what the app did and every error it caught; without it, no log at all."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from tests.builders import build_standard_board
from tests.hardening.pty_session import TerminalSession


def test_the_log_tells_what_the_app_did(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    build_standard_board(db).close()
    log = tmp_path / "app.log"

    with TerminalSession(db, "--log", log, "--user", "ann") as app:
        app.wait_for("Sketch the API")
        app.type(b"a")  # the selected draft card: start planning
        app.wait_for("draft → planning")
        app.type(b"2")
        app.wait_for("LOOPS")
        assert app.quit() == 0

    text = log.read_text()
    with closing(sqlite3.connect(db)) as conn:
        moved = conn.execute("SELECT title FROM cards WHERE state = 'planning'").fetchall()
    assert f"opened {db} read-write" in text
    assert f"dashboard on {db} as ann" in text
    assert (
        "start_planning card-4 (draft -> planning) by ann: “Sketch the API”: draft → planning"
        in text
    )
    assert "view: loops" in text
    assert "dashboard closed" in text
    assert ("Sketch the API",) in moved


def test_errors_caught_are_logged_with_their_traceback(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    build_standard_board(db).close()
    log = tmp_path / "app.log"

    with TerminalSession(db, "--log", log) as app:
        app.wait_for("Sketch the API")
        _drop_cards(db)
        app.wait_for("no such table")
        assert app.quit() == 0

    text = log.read_text()
    assert "loading a snapshot failed" in text
    assert "Traceback (most recent call last)" in text
    assert "no such table: cards" in text


def test_without_the_flag_nothing_is_logged(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    build_standard_board(db).close()

    with TerminalSession(db) as app:
        app.wait_for("Sketch the API")
        _drop_cards(db)  # errors the app catches, and would log with --log
        app.wait_for("no such table")
        assert app.quit() == 0

    # SQLite's own -wal and -shm files, and nothing else.
    assert {p.name for p in tmp_path.iterdir()} <= {"board.db", "board.db-wal", "board.db-shm"}
    assert "loading a snapshot failed" not in app.raw and "Traceback" not in app.raw


def test_the_demo_logs_what_its_simulator_did_too(tmp_path: Path) -> None:
    db, log = tmp_path / "demo.db", tmp_path / "demo.log"

    with TerminalSession("demo", "--db", db, "--rate", "30", "--log", log) as app:
        app.wait_for("BOARD", "DRAFT")
        # Its simulator is another process, appending to the same log once it starts.
        deadline = time.monotonic() + 60
        while "simulating at" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, "the simulator never logged"
            time.sleep(0.05)
        assert app.quit() == 0

    text = log.read_text()
    assert f"dashboard on {db}" in text
    assert f"simulating at 30 changes/s on {db}" in text
    assert "simulator done: " in text, "it stopped cleanly when the demo ended"


def _drop_cards(db: Path) -> None:
    """The cards table goes away under the app: every load fails from now on."""
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("ALTER TABLE cards RENAME TO cards_gone")
        conn.commit()
