"""An engineer with read access only: the database opens read-only and nothing is written."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ringmaster_tui.engines.sqlite.engine import open_sqlite
from ringmaster_tui.engines.sqlite.feed import SqliteChangeFeed
from ringmaster_tui.sources.registry import open_source
from tests.builders import build_standard_board
from tests.test_status import run_cli


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """The board in a folder mounted read-only: neither the file nor the folder is writable.

    A read-only bind mount is how CI (which runs as root, for whom file modes do not
    apply) can put a database where SQLite cannot create its -wal and -shm files.
    """
    source = tmp_path / "data"
    source.mkdir()
    build_standard_board(source / "board.db").close()
    mounted = tmp_path / "mounted"
    mounted.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command to make a read-only folder")
    bind = subprocess.run(["mount", "--bind", str(source), str(mounted)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip(f"cannot make a read-only mount here: {bind.stderr!r}")
    try:
        subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(mounted)], check=True, capture_output=True
        )
        yield mounted
    finally:
        subprocess.run(["umount", str(mounted)], capture_output=True)


def test_status_on_a_database_in_a_read_only_folder(read_only_folder: Path) -> None:
    db = read_only_folder / "board.db"
    before = db.read_bytes()

    result = run_cli("status", db, "--json")

    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["writable"] is False
    assert status["active_loops"] == 2
    assert db.read_bytes() == before
    assert sorted(p.name for p in read_only_folder.iterdir()) == ["board.db"]


def test_actions_explain_why_they_are_disabled(read_only_folder: Path) -> None:
    source = open_source(read_only_folder / "board.db", user="ann")

    outcome = source.transition("card-3", "draft", "start_planning", "planning")

    assert not source.writable
    assert not outcome.ok
    assert "cannot write" in outcome.message


def test_a_file_read_as_last_saved_is_read_live_once_a_writer_opens_it(
    read_only_folder: Path,
) -> None:
    # With no writer attached, SQLite cannot read a WAL database from a read-only folder
    # the usual way (it cannot make the -shm file): it is read as a frozen file, which
    # never sees a commit. The change feed switches to a live read when a writer comes.
    database = open_sqlite(read_only_folder / "board.db")
    assert database.access.mode == "immutable"
    seen = threading.Event()
    feed = SqliteChangeFeed(database, seen.set)
    feed.start()
    writer = sqlite3.connect(read_only_folder.parent / "data" / "board.db", isolation_level=None)
    try:
        assert seen.wait(5)  # the first check
        writer.execute("UPDATE projects SET name = 'renamed by the orchestrator'")

        deadline = time.monotonic() + 5
        names: set[str] = set()
        while "renamed by the orchestrator" not in names and time.monotonic() < deadline:
            time.sleep(0.05)
            with database.read() as conn:
                names = {row[0] for row in conn.exec_driver_sql("SELECT name FROM projects")}
        assert names == {"renamed by the orchestrator"}
        assert database.access.mode == "ro"
        assert "no writer" not in database.access.reason
    finally:
        feed.stop()
        writer.close()
        database.dispose()
