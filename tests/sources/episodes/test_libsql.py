"""libSQL: a local libSQL database file is SQLite's file format, so it opens like any
SQLite file. The file here is written by libSQL's own Python client (the `libsql`
package, a test dependency), with the episodes schema, then read by the dashboard.

A remote Turso database (libsql://...) is refused in one line that says how to open it
instead: a local embedded replica file, by its path.
"""

from __future__ import annotations

from pathlib import Path

import libsql  # type: ignore[import-not-found,import-untyped,unused-ignore]
import pytest

from ringmaster_tui.cli import main
from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.engines import OpenError, engine_kind
from ringmaster_tui.sources.episodes.schema import schema_sql
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW
from tests.sources.episodes.builders import ago


def test_a_file_written_by_libsql_opens_as_an_episodes_store(tmp_path: Path) -> None:
    db = tmp_path / "local-replica.db"
    conn = libsql.connect(str(db))
    conn.executescript(schema_sql())
    conn.commit()
    conn.execute(
        "INSERT INTO episodes (id, task_type, domain, context, status, created_at) "
        "VALUES ('t1', 'testing', 'turso', 'Written by libSQL', 'active', ?)",
        (ago(minutes=2),),
    )
    conn.execute(
        "INSERT INTO steps (id, episode_id, step_number, action, success, timestamp) "
        "VALUES ('t1-1', 't1', 1, 'run_tests', 1, ?)",
        (ago(minutes=1),),
    )
    conn.commit()
    conn.close()
    assert db.read_bytes()[:16] == b"SQLite format 3\x00"  # libSQL's file is SQLite's format
    source = open_source(db, user="ann")
    try:
        assert source.kind == "episodes"
        snapshot = source.snapshot(BoardQuery(lists=frozenset({"loops"})), NOW)
        (card,) = snapshot.lanes[0].cards
        assert card.title == "Written by libSQL" and card.project_id == "turso"
        assert [row.id for row in snapshot.tables["loops"].rows] == ["e:t1", "s:t1-1"]
    finally:
        source.close()


@pytest.mark.parametrize("url", ["libsql://memory-acme.turso.io", "libsql+wss://x.turso.io"])
def test_a_turso_url_is_refused_in_one_line_saying_what_to_open(url: str) -> None:
    with pytest.raises(OpenError) as raised:
        engine_kind(url)
    message = str(raised.value)
    assert "\n" not in message
    assert "embedded replica" in message and "path" in message


def test_the_command_line_says_it_without_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "libsql://memory-acme.turso.io"]) == 1
    err = capsys.readouterr().err
    assert "embedded replica" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_libsql_reads_a_store_sqlite_wrote(store: Path) -> None:
    """The other way round: the standard store (written by sqlite3) is a libSQL file."""
    conn = libsql.connect(str(store))
    try:
        counted = conn.execute("SELECT status, count(*) FROM episodes GROUP BY status").fetchall()
    finally:
        conn.close()
    assert dict(counted) == {"active": 3, "archived": 1, "completed": 2, "failed": 1}
