"""`ringmaster-tui status` and `init`, run as a user runs them: the installed command."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.builders import build_standard_board


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ringmaster_tui", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_status_json_counts_the_standard_board(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    build_standard_board(db).close()

    result = run_cli("status", db, "--json")

    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["lanes"] == {
        "DRAFT": 2,
        "PLANNING": 2,
        "CODING": 2,
        "REVIEW": 2,
        "TESTING": 1,
        "BUILD": 2,
        "DEPLOY": 1,
        "DONE": 1,
        "FAILED": 1,
    }
    assert status["states"] == {
        "archived": 1,
        "build_failed": 1,
        "build_queue": 1,
        "code_review": 2,
        "coding": 1,
        "completed": 1,
        "deploying": 1,
        "draft": 2,
        "error_fixing": 1,
        "failed": 1,
        "planning": 2,
        "testing": 1,
    }
    assert status["active_loops"] == 2
    assert status["unresolved_errors"] == 2
    assert status["pending_decisions"] == 2
    assert status["unacknowledged_alerts"] == 2
    assert status["critical_alerts"] == 1
    assert status["cards"] == 14


def test_status_json_puts_unknown_states_in_other(tmp_path: Path) -> None:
    db = tmp_path / "odd.db"
    builder = build_standard_board(db)
    # Another tool wrote a state this app does not know; the CHECK is bypassed this way.
    builder.conn.execute("PRAGMA ignore_check_constraints = ON")
    builder.conn.execute("UPDATE cards SET state = 'quarantined' WHERE title = 'Gave up'")
    builder.close()

    status = json.loads(run_cli("status", db, "--json").stdout)

    assert status["lanes"]["OTHER"] == 1
    assert status["lanes"]["FAILED"] == 0
    assert status["states"]["quarantined"] == 1


def test_status_text_is_readable(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    build_standard_board(db).close()

    result = run_cli("status", db)

    assert result.returncode == 0
    assert "CODING 2" in result.stdout
    assert "pending decisions 2" in result.stdout
    assert "(1 critical)" in result.stdout


def test_init_creates_the_schema_then_refuses_to_touch_it(tmp_path: Path) -> None:
    db = tmp_path / "new.db"

    created = run_cli("init", db)
    assert created.returncode == 0, created.stderr
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO projects (id, name, repository_url) VALUES ('p', 'p', 'u')")
    conn.commit()
    conn.close()

    again = run_cli("init", db)

    assert again.returncode != 0
    assert "already holds a database" in again.stderr
    assert "Traceback" not in again.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM projects").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
