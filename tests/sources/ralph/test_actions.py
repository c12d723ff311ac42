"""Story moves and project control: one write transaction each, compare-and-set on the
status seen, with their audit rows; a lost race and a read-only file write nothing."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.registry import open_source
from tests.sources.ralph.ralph_db import story_pk


def _one(db: Path, sql: str, *params: object) -> tuple[object, ...]:
    with closing(sqlite3.connect(db)) as conn:
        return tuple(conn.execute(sql, params).fetchone())


def _history(db: Path, pk: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT action, agent, notes, metadata FROM story_history WHERE story_id = ?"
            " AND agent = 'ann' ORDER BY id",
            (pk,),
        ).fetchall()


def test_approve_moves_a_review_to_testing_with_a_history_row(
    source: Source, ralph_db: Path
) -> None:
    pk = story_pk(ralph_db, "US-002", 1)
    outcome = source.transition(pk, "review", "approve", "testing")
    assert outcome.ok and outcome.moved is not None
    assert _one(ralph_db, "SELECT status FROM stories WHERE id = ?", pk) == ("testing",)
    ((action, agent, notes, metadata),) = _history(ralph_db, pk)
    assert (action, agent, notes) == ("approve", "ann", None)
    assert json.loads(str(metadata))["from"] == "review"


def test_send_back_records_the_note(source: Source, ralph_db: Path) -> None:
    pk = story_pk(ralph_db, "US-002", 2)
    assert source.transition(pk, "testing", "send_back", "rework", note="Filters ignore case").ok
    assert _one(ralph_db, "SELECT status FROM stories WHERE id = ?", pk) == ("rework",)
    assert [row[:3] for row in _history(ralph_db, pk)] == [
        ("send_back", "ann", "Filters ignore case")
    ]


def test_retry_puts_a_failed_story_back_to_pending(source: Source, ralph_db: Path) -> None:
    pk = story_pk(ralph_db, "US-004", 1)
    assert source.transition(pk, "failed", "retry", "pending").ok
    assert _one(ralph_db, "SELECT status FROM stories WHERE id = ?", pk) == ("pending",)


def test_a_story_moved_meanwhile_is_not_written(source: Source, ralph_db: Path) -> None:
    pk = story_pk(ralph_db, "US-002", 1)
    with closing(sqlite3.connect(ralph_db)) as conn, conn:
        conn.execute("UPDATE stories SET status = 'rework' WHERE id = ?", (pk,))
    outcome = source.transition(pk, "review", "approve", "testing")
    assert not outcome.ok and "is rework now (you saw review)" in outcome.message
    assert _one(ralph_db, "SELECT status FROM stories WHERE id = ?", pk) == ("rework",)
    assert _history(ralph_db, pk) == []


def test_a_move_from_the_wrong_status_is_refused(source: Source, ralph_db: Path) -> None:
    pk = story_pk(ralph_db, "US-001", 1)
    assert not source.transition(pk, "done", "approve", "testing").ok
    assert _one(ralph_db, "SELECT status FROM stories WHERE id = ?", pk) == ("done",)


def test_pause_and_resume_a_project_with_a_system_log(source: Source, ralph_db: Path) -> None:
    assert source.act("loops", "pause", [("project:1", "running")]).ok
    assert _one(ralph_db, "SELECT status FROM projects WHERE id = 1") == ("paused",)
    source_name, message, metadata = _one(
        ralph_db, "SELECT source, message, metadata FROM system_logs ORDER BY id DESC LIMIT 1"
    )
    assert source_name == "ringmaster-tui" and "paused" in str(message)
    assert json.loads(str(metadata))["user"] == "ann"
    assert source.act("loops", "resume", [("project:1", "paused")]).ok
    assert _one(ralph_db, "SELECT status FROM projects WHERE id = 1") == ("running",)


def test_pausing_a_project_that_changed_meanwhile_writes_nothing(
    source: Source, ralph_db: Path
) -> None:
    logs = _one(ralph_db, "SELECT count(*) FROM system_logs")
    with closing(sqlite3.connect(ralph_db)) as conn, conn:
        conn.execute("UPDATE projects SET status = 'completed' WHERE id = 1")
    outcome = source.act("loops", "pause", [("project:1", "running")])
    assert not outcome.ok and "changed meanwhile" in outcome.message
    assert _one(ralph_db, "SELECT count(*) FROM system_logs") == logs
    assert not source.act("loops", "pause", [("feature:1", "feature")]).ok


def test_a_read_only_database_is_not_written(ralph_db: Path) -> None:
    source = open_source(ralph_db, user="ann", read_only=True)
    try:
        pk = story_pk(ralph_db, "US-002", 1)
        outcome = source.transition(pk, "review", "approve", "testing")
        assert not outcome.ok and outcome.message.startswith("Read-only")
        assert not source.act("loops", "pause", [("project:1", "running")]).ok
    finally:
        source.close()
    assert _one(ralph_db, "SELECT status FROM stories WHERE id = ?", pk) == ("review",)
