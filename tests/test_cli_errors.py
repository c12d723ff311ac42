"""Failures a user can cause end in one line on stderr and a non-zero exit, never a
traceback: a `--log` that cannot be written, a simulator that stops on an error, a
seeded simulator run again on its own database. The installed command, as a user runs it.
"""

from __future__ import annotations

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


@pytest.mark.parametrize("command", ["demo"])
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
