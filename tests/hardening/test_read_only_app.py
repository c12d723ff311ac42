"""The real app, on a real terminal, over a database in a folder mounted read-only (an
engineer with read access only): READ-ONLY and why, live refresh of other writers'
commits, action keys that say why they are disabled, and nothing written."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.hardening.pty_session import TerminalSession
from tests.hardening.tour import dump
from tests.test_read_only import read_only_folder  # noqa: F401 (a fixture)


def test_the_dashboard_over_a_read_only_mount(read_only_folder: Path, tmp_path: Path) -> None:  # noqa: F811
    mounted = read_only_folder / "board.db"
    writable = tmp_path / "data" / "board.db"  # the same file, where the orchestrator runs
    log = tmp_path / "app.log"

    # The orchestrator runs with the database open (its -shm file lets readers in).
    with closing(sqlite3.connect(writable, isolation_level=None)) as orchestrator:
        orchestrator.execute("PRAGMA journal_mode = WAL")
        orchestrator.execute("SELECT count(*) FROM cards").fetchone()
        with TerminalSession(mounted, "--log", log, size=(120, 40)) as app:
            app.wait_for("READ-ONLY", "Sketch the API")
            orchestrator.execute(
                "UPDATE cards SET title = 'Sketch the API, v2' WHERE title = 'Sketch the API'"
            )
            app.wait_for("Sketch the API, v2")  # the commit reached the screen
            before = dump(writable)
            app.type(b"a")  # approve the selected card
            drawn = app.wait_for("disabled: read-only")
            assert app.quit() == 0

    assert "you cannot write" in drawn.replace("\n", " ")
    assert dump(writable) == before
    with closing(sqlite3.connect(writable)) as conn:
        assert conn.execute("SELECT count(*) FROM state_transitions").fetchone()[0] == 0
    text = log.read_text()
    assert f"opened {mounted} read-only: you cannot write" in text
    assert "write refused" not in text  # the key was refused before any write was tried
