"""`ringmaster-tui demo`: a fresh database, a live simulator, and it all stops on exit."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from tests.builders import build_standard_board
from tests.hardening.pty_session import TerminalSession
from tests.terminal import run_in_terminal

# A guard against a hang, not a measure of speed: what is waited for comes in well under.
PATIENCE_SECONDS = 60.0


def _simulated_moves(db: Path) -> int:
    """Transitions the simulator made (the demo's own history is recorded otherwise)."""
    if not db.exists():
        return 0
    with closing(sqlite3.connect(db)) as conn:
        found = conn.execute(
            "SELECT count(*) FROM state_transitions "
            "WHERE json_extract(metadata, '$.by') = 'simulator'"
        ).fetchone()
    return int(found[0])


def _wait_for_moves(db: Path, process: subprocess.Popen[Any]) -> None:
    """Wait until the simulator has moved a card, however long it takes to start."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while _simulated_moves(db) == 0:
        assert process.poll() is None, "ended before the simulator moved a card"
        assert time.monotonic() < deadline, "the simulator never moved a card"
        time.sleep(0.05)


def _simulators_on(db: Path) -> list[int]:
    """Processes still running `simulate` on `db` (a zombie has no command line left)."""
    found: list[int] = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:  # not a process, or one that ended meanwhile
            continue
        if b"simulate" in argv and str(db).encode() in argv:
            found.append(int(proc.name))
    return found


def _no_write_transaction_open(db: Path) -> None:
    with closing(sqlite3.connect(db, isolation_level=None, timeout=0)) as conn:
        conn.execute("BEGIN IMMEDIATE")  # fails at once if a writer were mid-transaction
        conn.execute("ROLLBACK")


def test_demo_makes_a_fresh_database_shows_it_live_and_stops_the_simulator(
    tmp_path: Path,
) -> None:
    db = tmp_path / "demo.db"
    db.write_text("an old demo database that is replaced")

    with TerminalSession("demo", "--db", db, "--rate", "30") as app:
        app.wait_for(
            f"Demo database: {db}", "BOARD", "all projects", "DRAFT", "FAILED", "loops", "Approve"
        )
        _wait_for_moves(db, app.process)
        assert app.quit() == 0

    assert "Traceback" not in app.raw
    # Quitting the demo stopped its simulator, between two transactions.
    assert _simulators_on(db) == []
    _no_write_transaction_open(db)


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
    for line in simulator.stdout:
        if line.startswith("Simulating"):
            break
    _wait_for_moves(db, simulator)

    simulator.send_signal(signal.SIGINT)
    out, _ = simulator.communicate(timeout=PATIENCE_SECONDS)

    assert simulator.returncode == 0
    done = re.search(r"^Done: (\d+) changes:", out, re.MULTILINE)
    assert done and int(done[1]) > 0, out
    _no_write_transaction_open(db)


def test_open_shows_the_board_in_a_terminal_and_q_quits(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    build_standard_board(db).close()

    result = run_in_terminal(db, size=(80, 24), type_when_shown=("Sketch the API", b"q"))

    assert result.returncode == 0, result.text[-2000:]
    for drawn in ("DRAFT 2", "PLANNING 2", "CODING 2", "loops 2", "errors 2"):
        assert drawn in result.text, f"{drawn!r} was never drawn"
    assert "Traceback" not in result.text
