"""Bad input gives one clear line naming the path and what to do, and a non-zero exit."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.test_status import run_cli


def _assert_one_clear_line(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0]


@pytest.mark.parametrize("command", [["status"], []])
def test_missing_path(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "nowhere.db"

    result = run_cli(*command, missing)

    _assert_one_clear_line(result, str(missing), "no such database", "ringmaster-tui init")
    assert not missing.exists(), "opening must not create the file"


def test_file_that_is_not_sqlite(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.db"
    text_file.write_text("these are my notes, not a database\n" * 100)

    result = run_cli("status", text_file)

    _assert_one_clear_line(result, str(text_file), "not a SQLite database")
    assert text_file.read_text().startswith("these are my notes")


def test_database_without_the_expected_tables(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    conn.close()

    result = run_cli("status", other)

    _assert_one_clear_line(result, str(other), "not a Ringmaster database", "cards")


def test_a_folder_instead_of_a_file(tmp_path: Path) -> None:
    result = run_cli("status", tmp_path)

    _assert_one_clear_line(result, str(tmp_path), "is a folder")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://db.example.invalid/ringmaster", "cannot reach the PostgreSQL server"),
        ("sqlite:////no/such/folder/data.db", "no such database"),
        ("sqlite://", "give the path of a database file"),
    ],
)
def test_unreachable_urls(url: str, expected: str) -> None:
    result = run_cli("status", url)

    _assert_one_clear_line(result, expected)


def test_init_in_a_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "new.db"

    result = run_cli("init", target)

    _assert_one_clear_line(result, str(target), "does not exist")


def test_init_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    text_file = tmp_path / "keep.db"
    text_file.write_text("precious")

    result = run_cli("init", text_file)

    _assert_one_clear_line(result, str(text_file), "not a SQLite database")
    assert text_file.read_text() == "precious"


def test_simulate_refuses_a_bad_rate(tmp_path: Path) -> None:
    result = run_cli("simulate", tmp_path / "x.db", "--rate", "0")

    _assert_one_clear_line(result, "--rate")
