"""`ringmaster-tui demo`: a fresh database, a live simulator, and it all stops on exit."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.builders import build_standard_board
from tests.terminal import run_in_terminal


def _transitions(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM state_transitions").fetchone()[0])
    finally:
        conn.close()


def test_demo_makes_a_fresh_database_shows_it_live_and_stops_the_simulator(
    tmp_path: Path,
) -> None:
    db = tmp_path / "demo.db"
    db.write_text("an old demo database that is replaced")

    result = run_in_terminal("demo", "--db", db, "--duration", "5", "--rate", "30")

    assert result.returncode == 0, result.text[-2000:]
    assert f"Demo database: {db}" in result.text
    for drawn in ("BOARD", "all projects", "DRAFT", "FAILED", "loops", "Approve"):
        assert drawn in result.text, f"{drawn!r} was never drawn"
    assert _transitions(db) > 0, "the simulator wrote while the demo ran"
    settled = _transitions(db)
    # Quitting the demo stopped its simulator: nothing writes any more.
    time.sleep(1.5)
    assert _transitions(db) == settled


def test_simulate_stops_cleanly_on_ctrl_c_and_says_what_it_did(tmp_path: Path) -> None:
    db = tmp_path / "sim.db"
    simulator = subprocess.Popen(
        [sys.executable, "-m", "ringmaster_tui", "simulate", str(db), "--rate", "30"],
        stdout=subprocess.PIPE,
        text=True,
        # A shell's background job ignores SIGINT; a terminal's Ctrl-C does not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert simulator.stdout is not None
    while "Simulating" not in simulator.stdout.readline():
        pass
    time.sleep(2)

    simulator.send_signal(signal.SIGINT)
    out, _ = simulator.communicate(timeout=20)

    assert simulator.returncode == 0
    assert "changes:" in out
    conn = sqlite3.connect(db, isolation_level=None, timeout=0)
    conn.execute("BEGIN IMMEDIATE")  # no transaction was left open
    conn.execute("ROLLBACK")


def test_open_shows_the_board_in_a_terminal_and_q_quits(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    build_standard_board(db).close()

    result = run_in_terminal(db, size=(80, 24), type_when_shown=("Sketch the API", b"q"))

    assert result.returncode == 0, result.text[-2000:]
    for drawn in ("DRAFT 2", "PLANNING 2", "CODING 2", "loops 2", "errors 2"):
        assert drawn in result.text, f"{drawn!r} was never drawn"
    assert "Traceback" not in result.text
