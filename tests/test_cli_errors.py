"""Failures a user can cause end in one line on stderr and a non-zero exit, never a
traceback: a `--log` that cannot be written, a simulator that stops on an error, a
seeded simulator run again on its own database. The installed command, as a user runs it.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.builders import build_standard_board
from tests.test_status import run_cli

EXIT_FAILED = 1


def one_line(stderr: str) -> str:
    """The single line a failure may print, checked to be one line and ours."""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("ringmaster-tui: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def bad_log_paths(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Log paths that cannot be written, with what the line must say of each."""
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    return {
        "folder": (tmp_path, "is a folder"),
        "missing folder": (tmp_path / "nope" / "app.log", "does not exist"),
        "under a file": (a_file / "app.log", "not a folder"),
    }


@pytest.mark.parametrize("case", ["folder", "missing folder", "under a file"])
def test_the_dashboard_with_an_unwritable_log_says_so_before_it_starts(
    tmp_path: Path, case: str
) -> None:
    db = tmp_path / "board.db"
    build_standard_board(db).close()
    log, reason = bad_log_paths(tmp_path)[case]

    result = run_cli(db, "--log", log)

    assert result.returncode == EXIT_FAILED
    line = one_line(result.stderr)
    assert str(log) in line and reason in line
    assert result.stdout == "", "no UI was started"


@pytest.mark.parametrize("command", ["demo", "simulate"])
def test_demo_and_simulate_with_an_unwritable_log_do_nothing_and_say_so(
    tmp_path: Path, command: str
) -> None:
    db = tmp_path / "demo.db"
    log, reason = bad_log_paths(tmp_path)["missing folder"]
    where = ["--db", db] if command == "demo" else [db]

    result = run_cli(command, *where, "--log", log)

    assert result.returncode == EXIT_FAILED
    line = one_line(result.stderr)
    assert str(log) in line and reason in line
    assert not db.exists(), "nothing was made before the log was known to work"


def _without_decisions(db: Path) -> None:
    """A Ringmaster database the simulator cannot write: its first change fails."""
    build_standard_board(db).close()
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("DROP TABLE decisions")
        conn.commit()


def test_a_simulator_that_stops_on_an_error_exits_non_zero_with_one_line(
    tmp_path: Path,
) -> None:
    db = tmp_path / "board.db"
    _without_decisions(db)

    # The duration only bounds a run that would go wrong: it fails on its first change.
    result = run_cli("simulate", db, "--rate", "50", "--duration", "60")

    assert result.returncode == EXIT_FAILED
    line = one_line(result.stderr)
    assert "no such table: decisions" in line
    assert "--log" in line, "it says where the traceback can be had"
    assert "Done" not in result.stdout


def test_the_simulator_logs_the_traceback_of_what_stopped_it(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    _without_decisions(db)
    log = tmp_path / "sim.log"

    result = run_cli("simulate", db, "--duration", "60", "--log", log)

    assert result.returncode == EXIT_FAILED
    assert "no such table: decisions" in one_line(result.stderr)
    text = log.read_text()
    assert "Traceback (most recent call last)" in text
    assert "no such table: decisions" in text


def test_simulate_with_the_same_seed_twice_on_one_database_writes_both_times(
    tmp_path: Path,
) -> None:
    db = tmp_path / "sim.db"

    # The first makes a demo database with seed 1, then simulates with seed 1 on it;
    # the second simulates with seed 1 again, on what the first left.
    for _ in range(2):
        result = run_cli("simulate", db, "--seed", "1", "--rate", "50", "--duration", "1")
        assert (result.returncode, result.stderr) == (0, ""), result.stderr
        assert "Done:" in result.stdout

    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("RINGMASTER_TUI_NOTIFY_TIMEOUT", "-3", "greater than 0"),
        ("RINGMASTER_TUI_READ_ONLY", "maybe", "valid boolean"),
        ("RINGMASTER_TUI_NOTIFY_SEVERITY", "loud", "'critical'"),
    ],
)
def test_a_bad_environment_variable_is_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, said: str
) -> None:
    db = tmp_path / "board.db"
    build_standard_board(db).close()
    monkeypatch.setenv(variable, value)
    result = run_cli("status", db)
    assert result.returncode == EXIT_FAILED
    line = one_line(result.stderr)
    assert line.startswith(f"ringmaster-tui: {variable}={value}: ") and said in line, line


def test_the_environment_gives_settings_and_flags_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "board.db"
    build_standard_board(db).close()
    monkeypatch.setenv("RINGMASTER_DB", str(db))
    monkeypatch.setenv("RINGMASTER_TUI_READ_ONLY", "true")
    assert "(read-only)" in run_cli("status").stdout
    monkeypatch.setenv("RINGMASTER_DB", str(tmp_path / "elsewhere.db"))
    assert "(read-only)" in run_cli("status", db).stdout  # the path given wins
